output "service_name" {
  description = "Name of the worker's Cloud Run service the pipeline deploys revisions of."
  value       = google_cloud_run_v2_service.this.name
}

output "service_account_email" {
  description = "E-mail of the worker's runtime service account."
  value       = data.google_service_account.worker.email
}

output "error_log" {
  description = "Logging filter of the worker's error entries, and their monitored resource type."
  value = {
    filter        = "${local.service} AND severity>=ERROR"
    resource_type = "cloud_run_revision"
  }
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the worker's health signals."
  value       = local.dashboard_widgets
}
