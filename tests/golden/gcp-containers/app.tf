# The application: a Cloud Run service behind a global external Application Load Balancer with a
# Cloud Armor policy; its images are in Artifact Registry.

module "registry" {
  source = "./modules/container-registry"

  name   = local.name
  region = var.region
}

module "waf" {
  source = "./modules/waf"

  name = local.name
}

module "app" {
  source = "./modules/cloud-run-service"

  name                  = local.name
  region                = var.region
  network_id            = module.network.network_id
  subnet_id             = module.network.subnet_id
  cpu                   = var.run_cpu
  memory                = var.run_memory
  container_port        = 8080
  health_check_path     = "/"
  min_instances         = var.protected ? max(var.run_min_instances, 1) : var.run_min_instances
  max_instances         = var.run_max_instances
  security_policy       = module.waf.policy_id
  deletion_protection   = var.protected
  notification_channels = module.observability.notification_channel_ids
  labels                = local.labels

  environment = merge(
    module.database.app_environment,
    { APP_ENVIRONMENT = var.environment },
  )
  secrets = merge(
    { APP_SECRETS = module.secrets.app_secret_id },
    module.database.app_secrets,
  )
  secret_ids = { app = module.secrets.app_secret_id }
}

module "load_balancer" {
  source = "./modules/load-balancer"

  name                  = local.name
  default_backend       = module.app.backend_service_id
  domain_name           = var.domain_name
  notification_channels = module.observability.notification_channel_ids
  labels                = local.labels
}

module "dns" {
  source = "./modules/dns"

  zone_name   = var.dns_zone_name
  domain_name = var.domain_name
  ip_address  = module.load_balancer.ip_address
}
