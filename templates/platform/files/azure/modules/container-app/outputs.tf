output "container_app_name" {
  description = "Name of the Container App the pipeline deploys revisions of."
  value       = azurerm_container_app.this.name
}

output "container_app_id" {
  description = "ID of the Container App."
  value       = azurerm_container_app.this.id
}

output "fqdn" {
  description = "Public host name of the application (HTTPS)."
  value       = azurerm_container_app.this.ingress[0].fqdn
}

output "environment_name" {
  description = "Name of the Container Apps environment."
  value       = azurerm_container_app_environment.this.name
}

output "environment_static_ip" {
  description = "Public IP of the environment's ingress."
  value       = azurerm_container_app_environment.this.static_ip_address
}

output "custom_domain_verification_id" {
  description = "Value of the asuid TXT record that proves ownership of a custom domain."
  value       = azurerm_container_app.this.custom_domain_verification_id
}

output "revision_mode" {
  description = "Single (rolling) or Multiple (blue-green, canary)."
  value       = azurerm_container_app.this.revision_mode
}

output "dashboard_widgets" {
  description = "Charts of the app's health signals for the environment's dashboard (modules/observability)."
  value       = local.dashboard_widgets
}
