terraform {
  required_version = ">= 1.6"

  required_providers {
    # 4.9: storage accounts managed through Resource Manager alone (data_plane_available).
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.9"
    }
    # Managed Redis Entra ID access policy assignments (no azurerm resource in 4.x).
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.4"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }
}
