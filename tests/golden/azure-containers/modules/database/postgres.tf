data "azurerm_client_config" "current" {}

locals {
  engine_dns_suffix = "private.postgres.database.azure.com"
  namespace         = "Microsoft.DBforPostgreSQL/flexibleServers"
  server_id         = azurerm_postgresql_flexible_server.this.id
  server_fqdn       = azurerm_postgresql_flexible_server.this.fqdn
  # The application signs in as its managed identity, with an Entra ID token: no password. It is
  # a database role of its own (pgaadauth_create_principal), not an Entra ID administrator.
  database_user      = var.app_identity_name
  auth               = "entra-id"
  engine_environment = {}

  parameters = {
    require_secure_transport   = "on"   # refuse unencrypted connections
    log_min_duration_statement = "1000" # log statements slower than a second
    log_statement              = "ddl"  # log schema changes
    log_connections            = "on"
    log_disconnections         = "on"
  }
}

################################################################################
# PostgreSQL: Entra ID authentication only, and no standing administrator: the one-time grants
# (docs/runbooks/create-environment.md) add the operator as administrator for their duration,
# create the application's role and give it its own database only.
################################################################################

resource "azurerm_postgresql_flexible_server" "this" {
  # checkov:skip=CKV_AZURE_136: geo-redundant backups follow var.geo_redundant_backup (on in protected environments)
  # checkov:skip=CKV2_AZURE_57: private access is VNet integration (the delegated subnet and its private DNS zone), which excludes private endpoints
  name                          = local.server_name
  location                      = var.location
  resource_group_name           = var.resource_group_name
  version                       = "16"
  sku_name                      = var.sku_name
  storage_mb                    = var.storage_gb * 1024
  auto_grow_enabled             = true
  delegated_subnet_id           = var.subnet_id
  private_dns_zone_id           = azurerm_private_dns_zone.this.id
  public_network_access_enabled = false
  backup_retention_days         = var.backup_retention_days
  geo_redundant_backup_enabled  = var.geo_redundant_backup
  tags                          = var.tags

  authentication {
    active_directory_auth_enabled = true
    password_auth_enabled         = false
    tenant_id                     = data.azurerm_client_config.current.tenant_id
  }

  dynamic "high_availability" {
    for_each = var.high_availability ? [1] : []

    content {
      mode = "ZoneRedundant"
    }
  }

  maintenance_window {
    day_of_week  = 0
    start_hour   = 3
    start_minute = 30
  }

  lifecycle {
    # Azure picks the zones and swaps them on failover.
    ignore_changes = [zone, high_availability[0].standby_availability_zone]
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.this]
}

resource "azurerm_postgresql_flexible_server_configuration" "this" {
  for_each = local.parameters

  server_id = azurerm_postgresql_flexible_server.this.id
  name      = each.key
  value     = each.value
}

resource "azurerm_postgresql_flexible_server_database" "this" {

  name      = var.database_name
  server_id = azurerm_postgresql_flexible_server.this.id
  charset   = "UTF8"
  collation = "en_US.utf8"
}

