output "network_id" {
  description = "ID of the VPC network (projects/<project>/global/networks/<name>)."
  value       = google_compute_network.this.id
}

output "network_name" {
  description = "Name of the VPC network."
  value       = google_compute_network.this.name
}

output "subnet_id" {
  description = "ID of the workloads subnet."
  value       = google_compute_subnetwork.workloads.id
}

output "subnet_name" {
  description = "Name of the workloads subnet."
  value       = google_compute_subnetwork.workloads.name
}

output "subnet_cidr" {
  description = "Primary range of the workloads subnet."
  value       = google_compute_subnetwork.workloads.ip_cidr_range
}

output "pods_range_name" {
  description = "Secondary range of the workloads subnet for GKE pods; null without kubernetes_ranges."
  value       = var.kubernetes_ranges ? "pods" : null
}

output "services_range_name" {
  description = "Secondary range of the workloads subnet for GKE services; null without kubernetes_ranges."
  value       = var.kubernetes_ranges ? "services" : null
}

output "connector_cidr" {
  description = "The /28 reserved for a Serverless VPC Access connector."
  value       = local.connector_cidr
}

# Read from the peering, so that whatever uses the range waits for the peering to exist.
output "private_services_range_name" {
  description = "Name of the private services access range, once peered; null without private_services_access."
  value       = one([for connection in google_service_networking_connection.private_services : connection.reserved_peering_ranges[0]])
}
