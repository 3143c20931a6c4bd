output "cache_id" {
  description = "ID of the Managed Redis instance."
  value       = azurerm_managed_redis.this.id
}

output "cache_name" {
  description = "Name of the Managed Redis instance."
  value       = azurerm_managed_redis.this.name
}

output "hostname" {
  description = "Host name of the cache (resolves to its private endpoint inside the virtual network)."
  value       = azurerm_managed_redis.this.hostname
}

output "port" {
  description = "Port of the database endpoint (TLS)."
  value       = azurerm_managed_redis.this.default_database[0].port
}

output "access_key_secret_id" {
  description = "Key Vault secret (versionless ID) with the access key."
  value       = azurerm_key_vault_secret.access_key.versionless_id
}

output "app_environment" {
  description = "Connection settings for the application's environment."
  value = {
    REDIS_HOST = azurerm_managed_redis.this.hostname
    REDIS_PORT = tostring(azurerm_managed_redis.this.default_database[0].port)
    REDIS_TLS  = "true"
  }
}

output "app_secrets" {
  description = "Credentials for the application's environment (variable => Key Vault secret versionless ID)."
  value = {
    REDIS_PASSWORD = azurerm_key_vault_secret.access_key.versionless_id
  }
}
