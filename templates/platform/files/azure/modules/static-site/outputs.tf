output "storage_account_name" {
  description = "Storage account whose $web container the pipeline uploads releases to (az storage blob upload-batch --auth-mode login)."
  value       = azurerm_storage_account.site.name
}

output "storage_account_id" {
  description = "ID of the storage account."
  value       = azurerm_storage_account.site.id
}

output "web_host_name" {
  description = "Host name of the static website endpoint (the Front Door origin)."
  value       = azurerm_storage_account.site.primary_web_host
}
