output "log_analytics_workspace_id" {
  description = "ID of the Log Analytics workspace every diagnostic setting sends to."
  value       = azurerm_log_analytics_workspace.this.id
}

output "log_analytics_workspace_name" {
  description = "Name of the Log Analytics workspace."
  value       = azurerm_log_analytics_workspace.this.name
}

output "application_insights_id" {
  description = "ID of the Application Insights component."
  value       = azurerm_application_insights.this.id
}

output "application_insights_connection_string" {
  description = "Connection string of Application Insights (not a secret: local authentication is off, telemetry needs an Entra ID token)."
  value       = azurerm_application_insights.this.connection_string
  sensitive   = true
}

output "action_group_id" {
  description = "ID of the action group every alert notifies."
  value       = azurerm_monitor_action_group.this.id
}

output "dashboard_id" {
  description = "ID of the environment's Azure portal dashboard."
  value       = azurerm_portal_dashboard.this.id
}

output "dashboard_url" {
  description = "Azure portal link of the environment's dashboard."
  value       = "https://portal.azure.com/#@${data.azurerm_subscription.current.tenant_id}/dashboard/arm${azurerm_portal_dashboard.this.id}"
}
