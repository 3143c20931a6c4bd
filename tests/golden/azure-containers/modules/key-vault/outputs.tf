output "key_vault_id" {
  description = "ID of the vault."
  value       = azurerm_key_vault.this.id
}

output "key_vault_name" {
  description = "Name of the vault (az keyvault secret set --vault-name <value>)."
  value       = azurerm_key_vault.this.name
}

output "key_vault_uri" {
  description = "URI of the vault (https://<name>.vault.azure.net/)."
  value       = azurerm_key_vault.this.vault_uri
}
