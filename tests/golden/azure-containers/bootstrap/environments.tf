################################################################################
# Each environment's subscription: a provider of its own, and its landing zone (resource group,
# runtime identities, the CI identities' roles), all in bootstrap/modules/environment. The
# providers are numbered in promotion order; the module names carry the environment's name.
################################################################################

locals {
  # Roles the root stack assigns to its runtime identities: the deploy identity may grant these,
  # to those identities, and nothing else (Role Based Access Control Administrator condition).
  assignable_roles = { AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d", "Key Vault Secrets User" = "4633458b-17de-408a-b874-0445c86b69e6", "Monitoring Metrics Publisher" = "3913510d-42f4-4e42-8a64-420c390055eb", "Network Contributor" = "4d97b98b-1d4f-4787-a291-c67834d212e7", "Storage Blob Data Owner" = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Storage Queue Data Contributor" = "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Storage Table Data Contributor" = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3" }

  # The runtime identities of each environment (key => name suffix).
  runtime_identities = { app = "app" }
}

provider "azurerm" {
  alias                           = "env1"
  subscription_id                 = local.environments["dev"].subscription_id
  resource_provider_registrations = "none"
  storage_use_azuread             = true

  features {}
}

module "environment_dev" {
  source = "./modules/environment"
  providers = {
    azurerm = azurerm.env1
  }

  project_name        = var.project_name
  environment         = "dev"
  subscription_id     = local.environments["dev"].subscription_id
  location            = local.environments["dev"].location
  runtime_identities  = local.runtime_identities
  kubernetes          = false
  dns_zone_name       = "dev.shop.example.com"
  ci_enabled          = local.ci_enabled
  deploy_principal_id = local.ci_enabled ? azurerm_user_assigned_identity.deploy["dev"].principal_id : ""
  plan_principal_id   = local.ci_enabled ? azurerm_user_assigned_identity.plan["dev"].principal_id : ""
  assignable_roles    = local.assignable_roles
  tags                = merge(local.tags, { environment = "dev" })
}

provider "azurerm" {
  alias                           = "env2"
  subscription_id                 = local.environments["staging"].subscription_id
  resource_provider_registrations = "none"
  storage_use_azuread             = true

  features {}
}

module "environment_staging" {
  source = "./modules/environment"
  providers = {
    azurerm = azurerm.env2
  }

  project_name        = var.project_name
  environment         = "staging"
  subscription_id     = local.environments["staging"].subscription_id
  location            = local.environments["staging"].location
  runtime_identities  = local.runtime_identities
  kubernetes          = false
  dns_zone_name       = "staging.shop.example.com"
  ci_enabled          = local.ci_enabled
  deploy_principal_id = local.ci_enabled ? azurerm_user_assigned_identity.deploy["staging"].principal_id : ""
  plan_principal_id   = local.ci_enabled ? azurerm_user_assigned_identity.plan["staging"].principal_id : ""
  assignable_roles    = local.assignable_roles
  tags                = merge(local.tags, { environment = "staging" })
}

provider "azurerm" {
  alias                           = "env3"
  subscription_id                 = local.environments["prod"].subscription_id
  resource_provider_registrations = "none"
  storage_use_azuread             = true

  features {}
}

module "environment_prod" {
  source = "./modules/environment"
  providers = {
    azurerm = azurerm.env3
  }

  project_name        = var.project_name
  environment         = "prod"
  subscription_id     = local.environments["prod"].subscription_id
  location            = local.environments["prod"].location
  runtime_identities  = local.runtime_identities
  kubernetes          = false
  dns_zone_name       = "shop.example.com"
  ci_enabled          = local.ci_enabled
  deploy_principal_id = local.ci_enabled ? azurerm_user_assigned_identity.deploy["prod"].principal_id : ""
  plan_principal_id   = local.ci_enabled ? azurerm_user_assigned_identity.plan["prod"].principal_id : ""
  assignable_roles    = local.assignable_roles
  tags                = merge(local.tags, { environment = "prod" })
}

output "dns_name_servers" {
  description = "Name servers of each environment's DNS zone (environment => list; empty: no domain): delegate each zone from its parent before the environment's first apply (docs/runbooks/bootstrap.md)."
  value = zipmap(
    ["dev", "staging", "prod"],
    [
      module.environment_dev.dns_name_servers,
      module.environment_staging.dns_name_servers,
      module.environment_prod.dns_name_servers,
    ],
  )
}
