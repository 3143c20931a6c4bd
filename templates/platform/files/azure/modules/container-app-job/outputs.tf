output "job_name" {
  description = "Name of the Container Apps job the pipeline points at each new image."
  value       = azurerm_container_app_job.this.name
}

output "job_id" {
  description = "ID of the Container Apps job."
  value       = azurerm_container_app_job.this.id
}

output "dashboard_widgets" {
  description = "Charts of the job's health signals for the environment's dashboard (modules/observability)."
  value       = local.dashboard_widgets
}
