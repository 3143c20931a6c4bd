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

output "app_environment" {
  description = "Connection settings for the application's environment."
  value = {
    REDIS_HOST = azurerm_managed_redis.this.hostname
    REDIS_PORT = tostring(azurerm_managed_redis.this.default_database[0].port)
    REDIS_TLS  = "true"
    # Entra ID: the user name is the identity's object ID, the password an access token for
    # https://redis.azure.com (the Azure SDKs' Redis extensions refresh it).
    REDIS_AUTH = "entra-id"
    REDIS_USER = var.app_principal_id
  }
}

output "app_secrets" {
  description = "Credentials for the application's environment (variable => Key Vault secret versionless ID): none, the cache takes Entra ID tokens only."
  value       = {}
}

output "dashboard_widgets" {
  description = "Charts of the cache's health signals for the environment's dashboard (modules/observability)."
  value       = local.dashboard_widgets
}
