output "container_app_name" {
  description = "Name of the Container App the pipeline deploys revisions of."
  value       = azurerm_container_app.this.name
}

output "container_app_id" {
  description = "ID of the Container App."
  value       = azurerm_container_app.this.id
}

output "fqdn" {
  description = "Public host name of an http service (HTTPS); null for a worker (no ingress)."
  value       = var.ingress ? azurerm_container_app.this.ingress[0].fqdn : null
}

output "revision_mode" {
  description = "Single (rolling, and every worker) or Multiple (http services with blue-green or canary)."
  value       = azurerm_container_app.this.revision_mode
}

output "dashboard_widgets" {
  description = "Charts of the service's health signals for the environment's dashboard (modules/observability)."
  value       = local.dashboard_widgets
}
