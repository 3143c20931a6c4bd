terraform {
  required_version = ">= 1.6"

  required_providers {
    # 4.9: storage accounts managed through Resource Manager alone (data_plane_available).
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.9"
    }
  }
}
