provider "azurerm" {
  subscription_id                 = var.subscription_id
  resource_provider_registrations = "none"
  storage_use_azuread             = true

  features {}
}

# The cluster is found by name (the main stack created it); the Helm provider signs in through
# kubelogin at the moment it connects: no token is read at plan time or stored in a plan. Local
# accounts are off, so there is no other way in. kubelogin_login picks how: azurecli (the Azure
# CLI's session: a workstation, GitHub jobs after their OIDC login) or workloadidentity (the CI
# job's OIDC token file in AZURE_FEDERATED_TOKEN_FILE, with AZURE_CLIENT_ID and AZURE_TENANT_ID:
# GitLab jobs, no Azure CLI needed). A private cluster (protected environments) is reachable from
# its virtual network only (a self-hosted runner).
data "azurerm_kubernetes_cluster" "this" {
  name                = var.cluster_name
  resource_group_name = var.cluster_name
}

provider "helm" {
  kubernetes = {
    host                   = data.azurerm_kubernetes_cluster.this.kube_config[0].host
    cluster_ca_certificate = base64decode(data.azurerm_kubernetes_cluster.this.kube_config[0].cluster_ca_certificate)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "kubelogin"
      # 6dae42f8-...: the AKS AAD server application, the audience of every AKS Entra ID token.
      args = ["get-token", "--login", var.kubelogin_login, "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]
    }
  }
}
