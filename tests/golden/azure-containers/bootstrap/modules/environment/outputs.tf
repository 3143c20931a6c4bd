output "resource_group_name" {
  description = "Resource group the root stack deploys into."
  value       = azurerm_resource_group.this.name
}

output "runtime_identities" {
  description = "Runtime identities (key => name) the root stack reads with data sources."
  value       = { for key, identity in azurerm_user_assigned_identity.runtime : key => identity.name }
}

output "dns_name_servers" {
  description = "Name servers of the environment's DNS zone, to delegate from the parent domain (empty: no domain)."
  value       = one(azurerm_dns_zone.this[*].name_servers)
}
