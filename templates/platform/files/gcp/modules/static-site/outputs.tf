output "bucket_name" {
  description = "Bucket the pipeline publishes releases to (releases/<commit>/)."
  value       = google_storage_bucket.site.name
}

output "backend_bucket_id" {
  description = "Load balancer backend bucket serving the site."
  value       = google_compute_backend_bucket.this.id
}

output "initial_release_path" {
  description = "Path prefix the load balancer serves until the first release: /releases/initial/."
  value       = "/${local.initial_release}"
}

output "log_bucket_name" {
  description = "Bucket holding the site bucket's access logs."
  value       = google_storage_bucket.logs.name
}

output "error_log" {
  description = "Logging filter of the requests the site failed (5xx), and their monitored resource type."
  value = {
    filter        = "resource.type=\"http_load_balancer\" AND resource.labels.backend_service_name=\"${google_compute_backend_bucket.this.name}\" AND httpRequest.status>=500"
    resource_type = "http_load_balancer"
  }
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the site's CDN."
  value       = local.dashboard_widgets
}
