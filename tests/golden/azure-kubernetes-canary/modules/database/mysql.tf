locals {
  engine_dns_suffix = "private.mysql.database.azure.com"
  namespace         = "Microsoft.DBforMySQL/flexibleServers"
  server_id         = azurerm_mysql_flexible_server.this.id
  server_fqdn       = azurerm_mysql_flexible_server.this.fqdn
  # MySQL's administrator needs a password: Entra ID sign-in would need directory read
  # permissions (Microsoft Graph) for the server's identity.
  database_user       = "dbadmin"
  auth                = "password"
  password_secret_ids = { DATABASE_PASSWORD = azurerm_key_vault_secret.mysql_password.versionless_id }

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
# MySQL: a generated administrator password, kept in Key Vault for the application. It is
# ephemeral and written through write-only arguments: it is in no state and no plan file. It
# changes when password_version changes (docs/runbooks/rotate-secrets.md).
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
  administrator_login               = local.database_user
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

resource "azurerm_key_vault_secret" "mysql_password" {
  # checkov:skip=CKV_AZURE_41: the password has no expiry date: it changes with password_version, and an expired secret would stop the application
  name             = "database-password"
  value_wo         = ephemeral.random_password.mysql.result
  value_wo_version = var.password_version
  key_vault_id     = var.key_vault_id
  content_type     = "text/plain; MySQL administrator ${local.database_user}"
  tags             = var.tags
}

