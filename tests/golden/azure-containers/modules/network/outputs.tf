output "virtual_network_id" {
  description = "ID of the virtual network."
  value       = azurerm_virtual_network.this.id
}

output "virtual_network_name" {
  description = "Name of the virtual network."
  value       = azurerm_virtual_network.this.name
}

output "address_space" {
  description = "CIDR block of the virtual network."
  value       = var.address_space
}

output "workload_subnet_id" {
  description = "ID of the workload subnet (Container Apps environment, AKS nodes or the Functions' VNet integration)."
  value       = azurerm_subnet.workload.id
}

output "workload_subnet_cidr" {
  description = "CIDR block of the workload subnet."
  value       = local.workload_cidr
}

output "database_subnet_id" {
  description = "ID of the subnet delegated to the flexible server; null without a database."
  value       = one(azurerm_subnet.database[*].id)
}

output "endpoints_subnet_id" {
  description = "ID of the subnet of private endpoints (Key Vault, Redis, storage)."
  value       = azurerm_subnet.endpoints.id
}

output "nat_public_ip" {
  description = "Public IP of the NAT gateway: the address outbound traffic comes from."
  value       = azurerm_public_ip.nat.ip_address
}
