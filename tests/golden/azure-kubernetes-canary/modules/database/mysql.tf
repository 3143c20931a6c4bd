locals {
  engine_dns_suffix = "private.mysql.database.azure.com"
  namespace         = "Microsoft.DBforMySQL/flexibleServers"
  server_id         = azurerm_mysql_flexible_server.this.id
  server_fqdn       = azurerm_mysql_flexible_server.this.fqdn
  # Entra ID sign-in would need directory read permissions (Microsoft Graph) for the server's
  # identity: MySQL users have passwords. The application's user `app` is created, with its own
  # database only, by the one-time grants (docs/runbooks/create-environment.md), which keep its
  # password in Key Vault; the application reads it there with its identity at start.
  admin_login   = "dbadmin"
  database_user = "app"
  auth          = "password"
  engine_environment = {
    DATABASE_PASSWORD_SECRET_ID = "${var.key_vault_uri}secrets/database-password"
  }

  parameters = {
    require_secure_transport = "ON" # refuse unencrypted connections
    tls_version              = "TLSv1.2,TLSv1.3"
    slow_query_log           = "ON"
    long_query_time          = "1"
    audit_log_enabled        = "ON"
    audit_log_events         = "CONNECTION,DDL"
  }
}

################################################################################
# MySQL: a generated administrator password, ephemeral and written through a write-only
# argument: it is in no state, no plan and no vault; nobody knows it. The one-time grants reset
# it (az mysql flexible-server update --admin-password) for their duration.
################################################################################

ephemeral "random_password" "mysql" {
  length      = 40
  special     = false
  min_lower   = 4
  min_upper   = 4
  min_numeric = 4
}

resource "azurerm_mysql_flexible_server" "this" {
  # checkov:skip=CKV_AZURE_205: geo-redundant backups follow var.geo_redundant_backup (on in protected environments)
  # checkov:skip=CKV_AZURE_53: public_network_access = "Disabled" below (the azurerm 4 argument; the check reads the older public_network_access_enabled)
  # checkov:skip=CKV2_AZURE_56: private access is VNet integration (the delegated subnet and its private DNS zone), which excludes private endpoints
  name                              = local.server_name
  location                          = var.location
  resource_group_name               = var.resource_group_name
  version                           = "8.0.21"
  sku_name                          = var.sku_name
  delegated_subnet_id               = var.subnet_id
  private_dns_zone_id               = azurerm_private_dns_zone.this.id
  administrator_login               = local.admin_login
  administrator_password_wo         = ephemeral.random_password.mysql.result
  administrator_password_wo_version = var.password_version
  public_network_access             = "Disabled"
  backup_retention_days             = var.backup_retention_days
  geo_redundant_backup_enabled      = var.geo_redundant_backup
  tags                              = var.tags

  storage {
    size_gb            = var.storage_gb
    auto_grow_enabled  = true
    io_scaling_enabled = true
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
    ignore_changes = [zone, high_availability[0].standby_availability_zone]
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.this]
}

resource "azurerm_mysql_flexible_server_configuration" "this" {
  for_each = local.parameters

  server_name         = azurerm_mysql_flexible_server.this.name
  resource_group_name = var.resource_group_name
  name                = each.key
  value               = each.value
}

resource "azurerm_mysql_flexible_database" "this" {
  name                = var.database_name
  server_name         = azurerm_mysql_flexible_server.this.name
  resource_group_name = var.resource_group_name
  charset             = "utf8mb4"
  collation           = "utf8mb4_0900_ai_ci"
}
