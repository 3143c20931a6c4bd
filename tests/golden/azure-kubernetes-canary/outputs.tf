# Read by the CI/CD pipelines and runbooks: terraform output -raw <name>

output "region" {
  description = "Azure region (location) of the environment."
  value       = data.azurerm_resource_group.this.location
}

output "name_prefix" {
  description = "Prefix of every resource name (project-environment)."
  value       = local.name
}

output "resource_group_name" {
  description = "Resource group holding every resource of the environment."
  value       = data.azurerm_resource_group.this.name
}

output "app_url" {
  description = "Public URL of the application."
  value       = "https://${var.domain_name}"
}

output "container_registry_login_server" {
  description = "Registry the pipeline pushes application images to (az acr login --name <registry>)."
  value       = module.registry.login_server
}

output "container_registry_name" {
  description = "Name of the registry (az acr login --name <value>, az acr import --name <value>)."
  value       = module.registry.registry_name
}

output "app_identity_client_id" {
  description = "Client ID of the application's managed identity (AZURE_CLIENT_ID; the azure.workload.identity/client-id annotation on AKS)."
  value       = data.azurerm_user_assigned_identity.app.client_id
}

output "aks_cluster_name" {
  description = "AKS cluster (az aks get-credentials --resource-group <resource_group_name> --name <value>)."
  value       = module.app.cluster_name
}

output "aks_app_namespace" {
  description = "Namespace of the application's workloads."
  value       = module.app.app_namespace
}

output "aks_app_service_account" {
  description = "Service account federated with the application's managed identity (workload identity)."
  value       = module.app.app_service_account
}

output "app_environment" {
  description = "Plain settings of the application's workloads (a ConfigMap): data store endpoints, AZURE_CLIENT_ID, KEY_VAULT_URI."
  value = merge(
    module.database.app_environment,
    module.cache.app_environment,
    {
      APP_ENVIRONMENT = var.environment
      AZURE_CLIENT_ID = data.azurerm_user_assigned_identity.app.client_id
      KEY_VAULT_URI   = module.key_vault.key_vault_uri
    },
  )
}

output "app_secret_ids" {
  description = "Secrets of the application's workloads (variable => Key Vault secret ID), for a SecretProviderClass of the Key Vault CSI driver."
  value = merge(
    module.database.app_secrets,
    module.cache.app_secrets,
    {},
  )
}

output "database_server_name" {
  description = "Flexible server of the application database."
  value       = module.database.server_name
}

output "database_fqdn" {
  description = "Host name of the database server (its private address inside the virtual network)."
  value       = module.database.fqdn
}

output "database_name" {
  description = "Name of the application's database."
  value       = module.database.database_name
}

output "database_user" {
  description = "Database user of the application, created by the one-time grants (docs/runbooks/create-environment.md)."
  value       = module.database.database_user
}

output "key_vault_name" {
  description = "Key Vault of the application's secrets (az keyvault secret set --vault-name <value>)."
  value       = module.key_vault.key_vault_name
}

output "action_group_id" {
  description = "Action group every alert notifies."
  value       = module.observability.action_group_id
}

output "dashboard_url" {
  description = "Azure portal link of the environment's dashboard (every module's charts; the runbooks' first place to look)."
  value       = module.observability.dashboard_url
}

output "log_analytics_workspace_name" {
  description = "Log Analytics workspace of the environment's logs and telemetry."
  value       = module.observability.log_analytics_workspace_name
}
