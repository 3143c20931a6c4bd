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

output "gke_cluster_name" {
  description = "GKE cluster (gcloud container clusters get-credentials <value> --region <region> --dns-endpoint)."
  value       = module.app.cluster_name
}

output "gke_app_service_account" {
  description = "Google service account the application's Kubernetes service account impersonates (Workload Identity)."
  value       = module.app.app_service_account_email
}

output "gke_app_kubernetes_service_account" {
  description = "Kubernetes service account (namespace/name) allowed to act as gke_app_service_account."
  value       = module.app.app_kubernetes_service_account
}

output "ingress_address_name" {
  description = "Reserved global address for the application's Ingress (annotation kubernetes.io/ingress.global-static-ip-name)."
  value       = module.app.ingress_address_name
}

output "security_policy_name" {
  description = "Cloud Armor policy for the application's backends (BackendConfig spec.securityPolicy.name)."
  value       = module.waf.policy_name
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
