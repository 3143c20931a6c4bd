output "cluster_name" {
  description = "Name of the GKE cluster."
  value       = google_container_cluster.this.name
}

output "location" {
  description = "Location (region) of the cluster."
  value       = google_container_cluster.this.location
}

output "dns_endpoint" {
  description = "DNS name of the control plane endpoint (IAM-authorized; from outside Google Cloud only when control_plane_external_access)."
  value       = google_container_cluster.this.control_plane_endpoints_config[0].dns_endpoint_config[0].endpoint
}

output "node_service_account_member" {
  description = "IAM member of the nodes' service account (it pulls the images)."
  value       = "serviceAccount:${data.google_service_account.nodes.email}"
}

output "app_service_account_email" {
  description = "Google service account of the application's pods (annotation iam.gke.io/gcp-service-account)."
  value       = data.google_service_account.app.email
}

output "app_kubernetes_service_account" {
  description = "Kubernetes service account (namespace/name) allowed to act as the application's Google service account."
  value       = "${var.app_namespace}/${var.app_service_account}"
}

output "ingress_address_name" {
  description = "Name of the reserved global address for the application's Ingress."
  value       = google_compute_global_address.ingress.name
}

output "ingress_ip_address" {
  description = "The reserved global address for the application's Ingress."
  value       = google_compute_global_address.ingress.address
}

output "error_log" {
  description = "Logging filter of the application containers' error entries, and their monitored resource type."
  value = {
    filter        = "${local.workloads} AND severity>=ERROR"
    resource_type = "k8s_container"
  }
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the cluster's health signals."
  value       = local.dashboard_widgets
}
