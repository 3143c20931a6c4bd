provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.default_tags
  }
}

# Installs cluster add-ons shipped as Helm charts, authenticating as the identity running
# Terraform (it must be in eks_admin_role_names, or have created the cluster).
provider "helm" {
  kubernetes = {
    host                   = module.app.cluster_endpoint
    cluster_ca_certificate = base64decode(module.app.cluster_certificate_authority_data)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.app.cluster_name, "--region", var.region]
    }
  }
}
