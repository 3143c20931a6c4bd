output "function_app_name" {
  description = "Name of the function app the pipeline deploys to."
  value       = local.app_name
}

output "function_app_id" {
  description = "ID of the function app."
  value       = local.app_id
}

output "default_host_name" {
  description = "Host name of the production slot (the Front Door origin)."
  value       = local.app_host_name
}

output "staging_slot_name" {
  description = "Slot new versions are deployed to before a swap (blue-green) or a traffic share (canary); null with Flex Consumption."
  value       = local.staging_slot_name
}

output "hosting_plan" {
  description = "FlexConsumption (rolling) or ElasticPremium (blue-green, canary)."
  value       = local.hosting_plan
}

output "storage_account_name" {
  description = "Storage account of the Functions host."
  value       = azurerm_storage_account.this.name
}

output "dashboard_widgets" {
  description = "Charts of the function app's health signals for the environment's dashboard (modules/observability)."
  value       = local.dashboard_widgets
}
