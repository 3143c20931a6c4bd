output "function_name" {
  description = "Name of the function (gcloud functions deploy <value> --gen2)."
  value       = google_cloudfunctions2_function.this.name
}

output "service_name" {
  description = "Cloud Run service behind the function: its revisions are the function's versions (gcloud run services update-traffic <value>)."
  value       = reverse(split("/", google_cloudfunctions2_function.this.service_config[0].service))[0]
}

output "function_uri" {
  description = "HTTPS URL of the function itself (refuses requests that do not come through the load balancer when load_balanced)."
  value       = google_cloudfunctions2_function.this.service_config[0].uri
}

output "source_bucket_name" {
  description = "Bucket the pipeline uploads release archives to."
  value       = google_storage_bucket.source.name
}

output "backend_service_id" {
  description = "Load balancer backend service in front of the function; null unless load_balanced."
  value       = one(google_compute_backend_service.this[*].id)
}

output "service_account_email" {
  description = "E-mail of the function's runtime service account."
  value       = data.google_service_account.function.email
}

output "error_log" {
  description = "Logging filter of the function's error entries, and their monitored resource type."
  value = {
    filter        = "${local.service} AND severity>=ERROR"
    resource_type = "cloud_run_revision"
  }
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the function's health signals."
  value       = local.dashboard_widgets
}
