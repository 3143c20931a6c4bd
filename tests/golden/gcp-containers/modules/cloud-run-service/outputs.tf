output "service_name" {
  description = "Name of the Cloud Run service the pipeline deploys revisions of."
  value       = google_cloud_run_v2_service.this.name
}

output "service_uri" {
  description = "run.app URL of the service (reachable from the VPC only: ingress is limited to the load balancer)."
  value       = google_cloud_run_v2_service.this.uri
}

output "backend_service_id" {
  description = "Load balancer backend service in front of the Cloud Run service."
  value       = google_compute_backend_service.this.id
}

output "service_account_email" {
  description = "E-mail of the service's runtime service account."
  value       = data.google_service_account.app.email
}

output "error_log" {
  description = "Logging filter of the service's error entries, and their monitored resource type."
  value = {
    filter        = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${google_cloud_run_v2_service.this.name}\" AND severity>=ERROR"
    resource_type = "cloud_run_revision"
  }
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the service's health signals."
  value       = local.dashboard_widgets
}
