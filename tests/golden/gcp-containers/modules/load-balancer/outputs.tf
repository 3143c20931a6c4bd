output "ip_address" {
  description = "Public IPv4 address of the load balancer (the domain's A record points here)."
  value       = google_compute_global_address.this.address
}

output "url_map_name" {
  description = "Name of the URL map serving the application (gcloud compute url-maps invalidate-cdn-cache <value>)."
  value       = google_compute_url_map.this.name
}

output "https_enabled" {
  description = "Whether the load balancer serves HTTPS (a domain is configured)."
  value       = local.https_enabled
}

output "url" {
  description = "Base URL of the load balancer: https://<domain> or http://<address>."
  value       = local.https_enabled ? "https://${var.domain_name}" : "http://${google_compute_global_address.this.address}"
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the load balancer's traffic."
  value       = local.dashboard_widgets
}
