terraform {
  required_version = ">= 1.6"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

# The state subscription (the first environment's). Role assignments in the other environments'
# subscriptions are made through their scopes: whoever runs bootstrap needs Owner (or User Access
# Administrator) on every environment subscription.
provider "azurerm" {
  subscription_id                 = var.state_subscription_id
  resource_provider_registrations = "none"
  storage_use_azuread             = true

  features {}
}
