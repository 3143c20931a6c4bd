provider "google" {
  project = var.project_id
  region  = var.region
}

# The cluster of the main stack (applied first), found by name.
data "google_container_cluster" "this" {
  name     = local.cluster_name
  location = var.region
}

locals {
  # The main stack's naming: cluster names are limited to 40 characters.
  name         = "${var.project_name}-${var.environment}"
  cluster_name = length(local.name) <= 40 ? local.name : "${substr(local.name, 0, 35)}-${substr(md5(local.name), 0, 4)}"
  endpoint     = "https://${data.google_container_cluster.this.control_plane_endpoints_config[0].dns_endpoint_config[0].endpoint}"

  # Credentials come from the plugin when a provider connects, at plan and again at apply, as
  # the identity running that step: no token is read into the plan (a saved plan would carry
  # it, expired or of the wrong identity, to the apply). gke-gcloud-auth-plugin uses
  # Application Default Credentials: the CI job's federated credentials, or
  # `gcloud auth application-default login` on a workstation. The DNS endpoint's certificate is
  # publicly trusted: no CA certificate to pass.
  exec = {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "gke-gcloud-auth-plugin"
    args        = ["--use_application_default_credentials"]
  }
}

provider "kubernetes" {
  host = local.endpoint

  exec {
    api_version = local.exec.api_version
    command     = local.exec.command
    args        = local.exec.args
  }
}

provider "helm" {
  kubernetes = {
    host = local.endpoint
    exec = local.exec
  }
}
