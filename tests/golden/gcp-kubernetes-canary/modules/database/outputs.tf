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
  description = "User name the application signs in with (its service account's IAM database user)."
  value       = local.username
  depends_on  = [google_sql_user.app]
}

output "admin_user" {
  description = "Built-in administrator (a member of cloudsqlsuperuser) that the one-time grants sign in as; Terraform never holds its password."
  value       = var.engine == "postgres" ? "postgres" : one(google_sql_user.admin[*].name)
}

output "app_environment" {
  description = "Connection settings for the application's environment."
  value = {
    DATABASE_HOST = google_sql_database_instance.this.private_ip_address
    DATABASE_PORT = tostring(local.engine.port)
    DATABASE_NAME = google_sql_database.app.name
    DATABASE_USER = local.username
    # IAM database authentication: the password is an OAuth access token of the service account
    # (metadata server), or use a Cloud SQL connector with automatic IAM authentication.
    DATABASE_AUTH = "iam"
  }
  depends_on = [google_sql_user.app, google_project_iam_member.app_login]
}

output "service_usernames" {
  description = "Database user of each other service (service name => its service account's IAM database user)."
  value       = local.service_usernames
  depends_on  = [google_sql_user.service]
}

output "service_environments" {
  description = "Connection settings for each other service's environment (service name => variables): the application's, with the service's own user."
  value = {
    for key, username in local.service_usernames : key => {
      DATABASE_HOST = google_sql_database_instance.this.private_ip_address
      DATABASE_PORT = tostring(local.engine.port)
      DATABASE_NAME = google_sql_database.app.name
      DATABASE_USER = username
      DATABASE_AUTH = "iam"
    }
  }
  depends_on = [google_sql_user.service, google_project_iam_member.service_login]
}

output "app_secrets" {
  description = "Credentials for the application's environment (variable => Secret Manager secret ID): none, the application signs in with IAM."
  value       = {}
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the database's health signals."
  value       = local.dashboard_widgets
}
