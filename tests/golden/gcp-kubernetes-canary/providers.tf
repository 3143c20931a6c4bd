# Every resource with labels gets the environment's (default_labels); the few label fields the
# provider does not reach (revision, alert policy and database labels) are set by the modules.
provider "google" {
  project        = var.project_id
  region         = var.region
  default_labels = local.labels
}

# Installs cluster add-ons shipped as Helm charts through the cluster's DNS endpoint, with the
# access token of the identity running Terraform (IAM decides: roles/container.admin).
data "google_client_config" "current" {}

provider "helm" {
  kubernetes = {
    host  = "https://${module.app.dns_endpoint}"
    token = data.google_client_config.current.access_token
  }
}
