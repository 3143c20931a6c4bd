# The application: a GKE Standard cluster with a node pool sized per environment; workloads are
# deployed by the pipeline with kubectl (rolling) or Argo Rollouts (blue-green, canary) and
# published by a GKE Ingress on a reserved address, behind a Cloud Armor policy.

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
  secret_ids = merge(
    { app = module.secrets.app_secret_id },
    { database = module.database.password_secret_id },
    { cache = module.cache.auth_secret_id },
  )
}

# Blue-green and canary: Argo Rollouts runs the Rollout resources of the application (a preview
# and an active Service, or canary steps) and aborts back to the stable version on failure. The
# chart version pins controller v1.8.3, the kubectl plugin the pipeline uses.
resource "helm_release" "argo_rollouts" {
  count = var.deployment_strategy == "rolling" ? 0 : 1

  name             = "argo-rollouts"
  namespace        = "argo-rollouts"
  create_namespace = true
  repository       = "https://argoproj.github.io/argo-helm"
  chart            = "argo-rollouts"
  version          = "2.40.5"
  atomic           = true
  wait             = true

  set = [
    {
      name  = "controller.replicas"
      value = "2"
    },
  ]

  depends_on = [module.app]
}

# The application's Ingress serves the domain with a Google-managed certificate (a
# ManagedCertificate resource beside it); the record points at the Ingress's reserved address.
module "dns" {
  source = "./modules/dns"

  zone_name   = var.dns_zone_name
  domain_name = var.domain_name
  ip_address  = module.app.ingress_ip_address
}
