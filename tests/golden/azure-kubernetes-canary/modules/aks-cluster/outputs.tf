output "cluster_name" {
  description = "Name of the cluster (az aks get-credentials --name <value>)."
  value       = azurerm_kubernetes_cluster.this.name
}

output "cluster_id" {
  description = "ID of the cluster."
  value       = azurerm_kubernetes_cluster.this.id
}

output "host" {
  description = "API server URL (private in private clusters)."
  value       = azurerm_kubernetes_cluster.this.kube_config[0].host
  sensitive   = true
}

output "cluster_ca_certificate" {
  description = "CA certificate of the API server (base64)."
  value       = azurerm_kubernetes_cluster.this.kube_config[0].cluster_ca_certificate
  sensitive   = true
}

output "oidc_issuer_url" {
  description = "OIDC issuer of the cluster's service account tokens (workload identity)."
  value       = azurerm_kubernetes_cluster.this.oidc_issuer_url
}

output "app_namespace" {
  description = "Namespace of the application's workloads."
  value       = var.app_namespace
}

output "app_service_account" {
  description = "Service account federated with the application's managed identity."
  value       = var.app_service_account
}

output "node_resource_group" {
  description = "Resource group AKS manages the nodes, load balancers and disks in."
  value       = azurerm_kubernetes_cluster.this.node_resource_group
}

output "ingress_public_ip_name" {
  description = "Name of the static public IP the application routing NGINX serves on (addons/ refers to it by name)."
  value       = azurerm_public_ip.ingress.name
}

output "ingress_ip_address" {
  description = "The application's public address (the host's A record points at it)."
  value       = azurerm_public_ip.ingress.ip_address
}
