output "registry_id" {
  description = "ID of the registry."
  value       = azurerm_container_registry.this.id
}

output "registry_name" {
  description = "Name of the registry (az acr login --name <value>)."
  value       = azurerm_container_registry.this.name
}

output "login_server" {
  description = "Login server the pipeline pushes images to (<name>.azurecr.io)."
  value       = azurerm_container_registry.this.login_server
}
