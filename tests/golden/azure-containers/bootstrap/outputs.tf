output "tenant_id" {
  description = "Entra ID tenant of the identities: the AZURE_TENANT_ID variable of every environment in the CI system."
  value       = data.azurerm_client_config.current.tenant_id
}

output "state_subscription_id" {
  description = "The management subscription, holding the state (environments/*.backend.hcl) and the CI identities."
  value       = var.state_subscription_id
}

output "state_resource_group" {
  description = "Resource group of the state storage account."
  value       = azurerm_resource_group.state.name
}

output "state_storage_account" {
  description = "Storage account holding the state of every environment (container tfstate-<env>)."
  value       = azurerm_storage_account.state.name
}

output "state_containers" {
  description = "State container of each environment (environment => container)."
  value       = { for name, container in azurerm_storage_container.state : name => container.name }
}

output "ci_client_ids" {
  description = "Deploy identity of each environment (environment => client ID): the AZURE_CLIENT_ID variable of the environment in the CI system."
  value       = { for name, identity in azurerm_user_assigned_identity.deploy : name => identity.client_id }
}

output "plan_client_ids" {
  description = "Read-only plan identity of each environment (environment => client ID): the AZURE_PLAN_CLIENT_IDS repository variable (GitHub) or AZURE_PLAN_CLIENT_ID_<ENV> (GitLab)."
  value       = { for name, identity in azurerm_user_assigned_identity.plan : name => identity.client_id }
}

output "subscription_ids" {
  description = "Subscription of each environment (environment => GUID): the AZURE_SUBSCRIPTION_ID variable of the environment in the CI system."
  value       = { for env in var.environments : env.name => env.subscription_id }
}
