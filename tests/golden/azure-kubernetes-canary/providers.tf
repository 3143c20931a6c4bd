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

# Installs cluster add-ons shipped as Helm charts, signing in with the Azure CLI's identity
# (kubelogin; local accounts are off): the CI deploy identity, or whoever runs Terraform. A
# private cluster (protected environments) is reachable from its virtual network only: run
# Terraform there (a self-hosted runner) for those environments.
provider "helm" {
  kubernetes = {
    host                   = module.app.host
    cluster_ca_certificate = base64decode(module.app.cluster_ca_certificate)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "kubelogin"
      args        = ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]
    }
  }
}
