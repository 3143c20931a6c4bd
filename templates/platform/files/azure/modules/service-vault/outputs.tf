output "key_vault_id" {
  description = "ID of the service's vault."
  value       = azurerm_key_vault.this.id
}

output "key_vault_name" {
  description = "Name of the service's vault (az keyvault secret set --vault-name <value>)."
  value       = azurerm_key_vault.this.name
}

output "key_vault_uri" {
  description = "URI of the service's vault (https://<name>.vault.azure.net/): the service's KEY_VAULT_URI."
  value       = azurerm_key_vault.this.vault_uri

  # The service may read it once its role exists (a new role takes effect within minutes).
  depends_on = [azurerm_role_assignment.reader]
}
