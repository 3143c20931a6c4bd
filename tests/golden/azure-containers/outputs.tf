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

output "container_app_name" {
  description = "Container App the pipeline deploys revisions of (az containerapp update --name <value>)."
  value       = module.app.container_app_name
}

output "container_app_revision_mode" {
  description = "Single (rolling) or Multiple (blue-green, canary: the pipeline sets the traffic weights)."
  value       = module.app.revision_mode
}

output "frontdoor_profile_name" {
  description = "Front Door profile serving the application."
  value       = module.frontdoor.profile_name
}

output "frontdoor_endpoint_name" {
  description = "Front Door endpoint (az afd endpoint purge --profile-name <profile> --endpoint-name <value>)."
  value       = module.frontdoor.endpoint_name
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
