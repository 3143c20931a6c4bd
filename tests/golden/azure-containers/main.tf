locals {
  name = "${var.project_name}-${var.environment}"
  # Globally unique names (vault, registry, storage, servers) end with this: stable per
  # subscription and environment, so two projects with the same name do not collide.
  unique_suffix = substr(sha1("${var.subscription_id}/${local.name}"), 0, 6)

  # Every resource that takes tags gets these (azurerm has no provider-level default tags).
  tags = merge(var.extra_tags, {
    project     = var.project_name
    environment = var.environment
    owner       = var.owner
    managed-by  = "terraform"
  })
}

# The resource group and the runtime identities are created by bootstrap/ (the deploy identity
# holds its roles on this group and may grant roles to these identities only).
data "azurerm_resource_group" "this" {
  name = local.name
}

# The application's identity: pulls images, reads Key Vault, signs in to the database (Entra
# ID), sends telemetry. No credentials anywhere.
data "azurerm_user_assigned_identity" "app" {
  name                = "${local.name}-app"
  resource_group_name = data.azurerm_resource_group.this.name
}

resource "azurerm_role_assignment" "app_telemetry" {
  scope                            = module.observability.application_insights_id
  role_definition_name             = "Monitoring Metrics Publisher"
  principal_id                     = data.azurerm_user_assigned_identity.app.principal_id
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "The application of ${local.name} sends telemetry (Application Insights)"
}

module "observability" {
  source = "./modules/observability"

  name                = local.name
  location            = data.azurerm_resource_group.this.location
  resource_group_name = data.azurerm_resource_group.this.name
  retention_days      = var.log_retention_days
  alert_email         = var.alert_email
  tags                = local.tags

  # The environment's dashboard: each module's charts of its own signals, in this order.
  dashboard_widgets = concat(
    module.app.dashboard_widgets,
    module.frontdoor.dashboard_widgets,
    module.database.dashboard_widgets,
  )
}

module "network" {
  source = "./modules/network"

  name                       = local.name
  location                   = data.azurerm_resource_group.this.location
  resource_group_name        = data.azurerm_resource_group.this.name
  address_space              = var.vnet_cidr
  workload_delegation        = "Microsoft.App/environments"
  public_ingress_ports       = [443]
  database_delegation        = "Microsoft.DBforPostgreSQL/flexibleServers"
  database_port              = 5432
  log_analytics_workspace_id = module.observability.log_analytics_workspace_id
  tags                       = local.tags
}

module "key_vault" {
  source = "./modules/key-vault"

  name                        = local.name
  unique_suffix               = local.unique_suffix
  location                    = data.azurerm_resource_group.this.location
  resource_group_name         = data.azurerm_resource_group.this.name
  purge_protection            = var.protected
  allowed_ip_ranges           = var.allowed_ip_ranges
  allowed_subnet_ids          = [module.network.workload_subnet_id]
  secret_reader_principal_ids = { app = data.azurerm_user_assigned_identity.app.principal_id }
  virtual_network_id          = module.network.virtual_network_id
  private_endpoint_subnet_id  = module.network.endpoints_subnet_id
  log_analytics_workspace_id  = module.observability.log_analytics_workspace_id
  action_group_id             = module.observability.action_group_id
  tags                        = local.tags
}

# Protected environments: zone-redundant standby, geo-redundant backups, a delete lock.
module "database" {
  source = "./modules/database"

  name                       = local.name
  unique_suffix              = local.unique_suffix
  location                   = data.azurerm_resource_group.this.location
  resource_group_name        = data.azurerm_resource_group.this.name
  engine                     = var.database_engine
  database_name              = replace(var.project_name, "-", "_")
  sku_name                   = var.database_sku
  storage_gb                 = var.database_storage_gb
  backup_retention_days      = var.database_backup_retention_days
  geo_redundant_backup       = var.protected
  high_availability          = var.protected
  delete_lock                = var.protected
  subnet_id                  = module.network.database_subnet_id
  virtual_network_id         = module.network.virtual_network_id
  app_identity_name          = data.azurerm_user_assigned_identity.app.name
  key_vault_uri              = module.key_vault.key_vault_uri
  log_analytics_workspace_id = module.observability.log_analytics_workspace_id
  action_group_id            = module.observability.action_group_id
  tags                       = local.tags
}

# The existing public Azure DNS zone of the domain (in the environment's subscription).
data "azurerm_dns_zone" "this" {
  name = var.dns_zone_name
}
