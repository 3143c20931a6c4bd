output "server_id" {
  description = "ID of the flexible server."
  value       = local.server_id
}

output "server_name" {
  description = "Name of the flexible server."
  value       = local.server_name
}

output "fqdn" {
  description = "Host name of the server (resolves to its private address inside the virtual network)."
  value       = local.server_fqdn
}

output "port" {
  description = "Port the database listens on."
  value       = local.port
}

output "database_name" {
  description = "Name of the application database."
  value       = var.database_name
}

output "app_environment" {
  description = "Connection settings for the application's environment (TLS is required by the server)."
  value = merge(local.engine_environment, {
    DATABASE_HOST = local.server_fqdn
    DATABASE_PORT = tostring(local.port)
    DATABASE_NAME = var.database_name
    DATABASE_USER = local.database_user
    DATABASE_AUTH = local.auth
  })
}

output "database_user" {
  description = "Database user of the application (PostgreSQL: its managed identity's role; MySQL: app), created by the one-time grants."
  value       = local.database_user
}

output "app_secrets" {
  description = "Credentials for the application's environment (variable => Key Vault secret versionless ID): none. PostgreSQL takes Entra ID tokens; the MySQL password is set by the one-time grants, after the first apply, and read by the application itself (DATABASE_PASSWORD_SECRET_ID)."
  value       = {}
}

output "dashboard_widgets" {
  description = "Charts of the database's health signals for the environment's dashboard (modules/observability)."
  value       = local.dashboard_widgets
}
