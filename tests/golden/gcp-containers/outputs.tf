# Read by the CI/CD pipelines and runbooks: terraform output -raw <name>

output "region" {
  description = "Google Cloud region of the environment."
  value       = var.region
}

output "project_id" {
  description = "Google Cloud project of the environment."
  value       = var.project_id
}

output "name_prefix" {
  description = "Prefix of every resource name (project-environment)."
  value       = local.name
}

output "app_url" {
  description = "Public URL of the application."
  value       = "https://${var.domain_name}"
}

output "container_repository_url" {
  description = "Artifact Registry path the pipeline pushes application images to (<url>/<image>:<tag>)."
  value       = module.registry.repository_url
}

output "cloud_run_service_name" {
  description = "Cloud Run service the pipeline deploys revisions of and moves traffic between."
  value       = module.app.service_name
}

output "database_instance_name" {
  description = "Cloud SQL instance of the environment."
  value       = module.database.instance_name
}

output "database_admin_user" {
  description = "Built-in administrator of the instance for the one-time grants (docs/runbooks/create-environment.md sets its password, then replaces it)."
  value       = module.database.admin_user
}

output "database_user" {
  description = "IAM database user of the application's service account (docs/runbooks/create-environment.md grants it its database)."
  value       = module.database.username
}

output "database_name" {
  description = "Name of the application's database."
  value       = module.database.database_name
}

output "error_log_filter" {
  description = "Cloud Logging filter of the application's error entries (gcloud logging read <value>): the pipeline watches them after each deployment step."
  value       = module.app.error_log.filter
}

output "notification_channel_id" {
  description = "Notification channel every alert notifies; empty when no alert e-mail is configured."
  value       = module.observability.notification_channel_id
}

output "dashboard_name" {
  description = "Cloud Monitoring dashboard of the environment (gcloud monitoring dashboards describe <value>)."
  value       = module.observability.dashboard_name
}
