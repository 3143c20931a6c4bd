output "job_name" {
  description = "Name of the Cloud Run job the pipeline sets each release's image on."
  value       = google_cloud_run_v2_job.this.name
}

output "service_account_email" {
  description = "E-mail of the job's runtime service account."
  value       = data.google_service_account.job.email
}

output "error_log" {
  description = "Logging filter of the job's error entries, and their monitored resource type."
  value = {
    filter        = "${local.job} AND severity>=ERROR"
    resource_type = "cloud_run_job"
  }
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the job's executions."
  value       = local.dashboard_widgets
}
