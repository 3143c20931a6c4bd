terraform {
  required_version = ">= 1.6"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

# The management subscription (state and CI identities). Each environment's subscription has a
# provider of its own (environments.tf): whoever runs bootstrap needs Owner on the management
# subscription and on every environment subscription.
provider "azurerm" {
  subscription_id                 = var.state_subscription_id
  resource_provider_registrations = "none"
  storage_use_azuread             = true

  features {}
}
