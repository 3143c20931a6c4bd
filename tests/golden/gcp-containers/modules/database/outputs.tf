output "instance_name" {
  description = "Name of the Cloud SQL instance."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "Connection name of the instance (<project>:<region>:<name>) for the Cloud SQL connectors and Auth Proxy."
  value       = google_sql_database_instance.this.connection_name
}

output "private_ip_address" {
  description = "Private IP address of the instance."
  value       = google_sql_database_instance.this.private_ip_address
}

output "port" {
  description = "Port the database listens on."
  value       = local.engine.port
}

output "database_name" {
  description = "Name of the application database."
  value       = google_sql_database.app.name
}

output "username" {
  description = "Name of the application's database user."
  value       = google_sql_user.app.name
}

output "password_secret_id" {
  description = "Secret Manager secret holding the application user's password (projects/<project>/secrets/<name>)."
  value       = google_secret_manager_secret_version.password.secret
}

output "app_environment" {
  description = "Connection settings for the application's environment."
  value = {
    DATABASE_HOST = google_sql_database_instance.this.private_ip_address
    DATABASE_PORT = tostring(local.engine.port)
    DATABASE_NAME = google_sql_database.app.name
    DATABASE_USER = google_sql_user.app.name
  }
}

output "app_secrets" {
  description = "Credentials for the application's environment (variable => Secret Manager secret ID)."
  value = {
    DATABASE_PASSWORD = google_secret_manager_secret_version.password.secret
  }
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the database's health signals."
  value       = local.dashboard_widgets
}
