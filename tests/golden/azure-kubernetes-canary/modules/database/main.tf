# The engine's own resources are in postgres.tf or mysql.tf (the pack renders the one of the
# answer); each defines the locals used here: engine_dns_suffix, namespace, server_id, server_fqdn,
# database_user, auth and engine_environment.
locals {
  # Server names are global host names (<name>.postgres.database.azure.com).
  server_name = "${var.name}-${var.unique_suffix}"
  port        = var.engine == "postgres" ? 5432 : 3306
}

################################################################################
# Private access: the delegated subnet and a private DNS zone linked to the network
################################################################################

resource "azurerm_private_dns_zone" "this" {
  name                = "${local.server_name}.${local.engine_dns_suffix}"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "this" {
  name                  = "${var.name}-database"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.this.name
  virtual_network_id    = var.virtual_network_id
  registration_enabled  = false
  tags                  = var.tags
}

################################################################################
# Protection, logs, alerts
################################################################################

locals {
  alerts = {
    cpu = {
      metric      = "cpu_percent"
      threshold   = 80
      description = "Database CPU above 80% for 15 minutes on ${var.name}"
    }
    memory = {
      metric      = "memory_percent"
      threshold   = 90
      description = "Database memory above 90% for 15 minutes on ${var.name}: the SKU is too small"
    }
    storage = {
      metric      = "storage_percent"
      threshold   = 85
      description = "Database storage above 85% on ${var.name}: auto-grow is adding storage, check the growth"
    }
  }
}

# Deleting the server (or its resource group) needs the lock removed first.
resource "azurerm_management_lock" "server" {
  count = var.delete_lock ? 1 : 0

  name       = "${local.server_name}-no-delete"
  scope      = local.server_id
  lock_level = "CanNotDelete"
  notes      = "Protected environment: remove this lock (terraform) before deleting the database."
}

resource "azurerm_monitor_diagnostic_setting" "server" {
  name                       = "to-log-analytics"
  target_resource_id         = local.server_id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_metric_alert" "server" {
  for_each = local.alerts

  name                = "${var.name}-database-${each.key}"
  resource_group_name = var.resource_group_name
  scopes              = [local.server_id]
  description         = each.value.description
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = var.tags

  criteria {
    metric_namespace = local.namespace
    metric_name      = each.value.metric
    aggregation      = "Average"
    operator         = "GreaterThan"
    threshold        = each.value.threshold
  }

  action {
    action_group_id = var.action_group_id
  }
}

################################################################################
# Dashboard charts of this database (the observability module lays them out)
################################################################################

locals {
  # The signals the alerts watch, in percent of the server's capacity.
  dashboard_widgets = [
    {
      title    = "${var.name}: database CPU, memory and storage (%)"
      split_by = ""
      metrics = [
        for alert in values(local.alerts) : {
          resource_id  = local.server_id
          namespace    = local.namespace
          name         = alert.metric
          aggregation  = "Average"
          display_name = alert.metric
        }
      ]
    },
  ]
}
