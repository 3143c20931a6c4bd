locals {
  name = "${var.project_name}-${var.environment}"

  # Label values allow lowercase letters, digits, - and _ only (63 at most).
  labels = merge(var.extra_labels, {
    project     = var.project_name
    environment = var.environment
    owner       = substr(replace(lower(var.owner), "/[^a-z0-9_-]/", "-"), 0, 63)
    managed-by  = "terraform"
  })
}

module "secrets" {
  source = "./modules/secrets"

  name                = local.name
  region              = var.region
  deletion_protection = var.protected
}

module "network" {
  source = "./modules/network"

  name                    = local.name
  region                  = var.region
  cidr_block              = var.network_cidr
  kubernetes_ranges       = true
  private_services_access = true
}

module "observability" {
  source = "./modules/observability"

  name               = local.name
  project_id         = var.project_id
  log_retention_days = var.log_retention_days
  alert_email        = var.alert_email
  protected          = var.protected
  error_log          = module.app.error_log
  labels             = local.labels
  dashboard_widgets = concat(
    module.app.dashboard_widgets,
    module.database.dashboard_widgets,
    module.cache.dashboard_widgets,
  )
}

module "database" {
  source = "./modules/database"

  name                     = local.name
  region                   = var.region
  engine                   = var.database_engine
  database_name            = replace(var.project_name, "-", "_")
  network_id               = module.network.network_id
  allocated_ip_range       = module.network.private_services_range_name
  tier                     = var.database_tier
  disk_size_gb             = var.database_disk_size_gb
  disk_autoresize_limit_gb = var.database_disk_autoresize_limit_gb
  backup_retention_days    = var.database_backup_retention_days
  query_insights_enabled   = var.database_query_insights
  high_availability        = var.protected
  deletion_protection      = var.protected
  notification_channels    = module.observability.notification_channel_ids
  labels                   = local.labels

  # The application's runtime service account signs in with IAM (no password).
  app_service_account_email = module.app.app_service_account_email
}

# Protected environments keep a replica in another zone, with automatic failover, and snapshots.
module "cache" {
  source = "./modules/cache"

  name                  = local.name
  region                = var.region
  network_id            = module.network.network_id
  reserved_ip_range     = module.network.private_services_range_name
  memory_size_gb        = var.cache_memory_gb
  high_availability     = var.protected
  snapshot_period       = var.protected ? "TWELVE_HOURS" : null
  notification_channels = module.observability.notification_channel_ids
  labels                = local.labels
}
