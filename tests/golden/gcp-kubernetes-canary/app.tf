# The application: a GKE Standard cluster with a node pool sized per environment; workloads are
# deployed by the pipeline with kubectl (rolling) or Argo Rollouts (blue-green, canary) and
# published by a GKE Ingress on a reserved address, behind a Cloud Armor policy. Cluster add-ons
# (Helm releases, Kubernetes objects) are the addons/ stack's, applied after this one.

module "registry" {
  source = "./modules/container-registry"

  name           = local.name
  region         = var.region
  reader_members = { nodes = module.app.node_service_account_member }
}

# For the application's BackendConfig: spec.securityPolicy.name (output security_policy_name).
module "waf" {
  source = "./modules/waf"

  name = local.name
}

module "app" {
  source = "./modules/gke-cluster"

  name                  = local.name
  project_id            = var.project_id
  region                = var.region
  zone_count            = var.gke_zone_count
  network_id            = module.network.network_id
  subnet_id             = module.network.subnet_id
  pods_range_name       = module.network.pods_range_name
  services_range_name   = module.network.services_range_name
  release_channel       = var.protected ? "STABLE" : "REGULAR"
  machine_type          = var.gke_machine_type
  node_min              = var.gke_node_min
  node_max              = var.gke_node_max
  deletion_protection   = var.protected
  notification_channels = module.observability.notification_channel_ids
  labels                = local.labels

  # Protected environments: a private control plane, reached by runners in the VPC only.
  control_plane_external_access = !var.protected

  secret_ids = { app = module.secrets.app_secret_id }
}

# Binary Authorization: the cluster enforces the project's policy
# (PROJECT_SINGLETON_POLICY_ENFORCE), and the policy admits only images of this environment's
# repository (where the pipeline promotes each release) and the Argo Rollouts controller of the
# addons/ stack; everything else is denied and logged. Google-maintained system images stay
# admitted (global_policy_evaluation_mode). The API is enabled by bootstrap.
resource "google_binary_authorization_policy" "this" {
  description                   = "Only ${local.name} images from its own Artifact Registry repository"
  global_policy_evaluation_mode = "ENABLE"

  admission_whitelist_patterns {
    name_pattern = "${module.registry.repository_url}/**"
  }

  admission_whitelist_patterns {
    name_pattern = "quay.io/argoproj/argo-rollouts:v1.8.2"
  }

  default_admission_rule {
    evaluation_mode  = "ALWAYS_DENY"
    enforcement_mode = "ENFORCED_BLOCK_AND_AUDIT_LOG"
  }
}


# The application's Ingress serves the domain with a Google-managed certificate (a
# ManagedCertificate resource beside it); the record points at the Ingress's reserved address.
module "dns" {
  source = "./modules/dns"

  zone_name   = var.dns_zone_name
  domain_name = var.domain_name
  ip_address  = module.app.ingress_ip_address
}
