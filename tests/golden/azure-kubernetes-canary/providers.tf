# Resource providers (Microsoft.App, Microsoft.ContainerService...) are registered once per
# subscription with az provider register (docs/azure-layout.md): the CI identities cannot.
provider "azurerm" {
  subscription_id                 = var.subscription_id
  resource_provider_registrations = "none"
  storage_use_azuread             = true

  features {
    key_vault {
      purge_soft_delete_on_destroy    = false
      recover_soft_deleted_key_vaults = true
    }

    resource_group {
      prevent_deletion_if_contains_resources = true
    }
  }
}

# Signs in like azurerm (ARM_USE_OIDC, ARM_CLIENT_ID, ARM_TENANT_ID from the CI job).
provider "azapi" {
  subscription_id            = var.subscription_id
  skip_provider_registration = true
}
