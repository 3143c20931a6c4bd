output "resource_group_name" {
  description = "Resource group the root stack deploys into."
  value       = azurerm_resource_group.this.name
}

output "runtime_identities" {
  description = "Runtime identities (key => name) the root stack reads with data sources."
  value       = { for key, identity in azurerm_user_assigned_identity.runtime : key => identity.name }
}
