locals {
  # Managed Redis names are global: 1-60 letters, digits and hyphens.
  cache_name = "${var.name}-${var.unique_suffix}"

  alerts = {
    server-load = {
      metric      = "serverLoad"
      threshold   = 80
      description = "Redis server load above 80% for 15 minutes on ${var.name}: commands queue up"
    }
    memory = {
      metric      = "usedmemorypercentage"
      threshold   = 85
      description = "Redis memory above 85% for 15 minutes on ${var.name}: keys are being evicted"
    }
  }
}

# Azure Managed Redis: TLS only (client_protocol Encrypted, port 10000), no public network access,
# reached through a private endpoint. Entra ID authentication only: with access keys disabled,
# azurerm never calls listKeys when it refreshes the cache, so no key is in any state or plan
# (hashicorp/terraform-provider-azurerm, internal/services/managedredis, Read).
resource "azurerm_managed_redis" "this" {
  name                      = local.cache_name
  location                  = var.location
  resource_group_name       = var.resource_group_name
  sku_name                  = var.sku_name
  high_availability_enabled = var.high_availability
  public_network_access     = "Disabled"
  tags                      = var.tags

  default_database {
    client_protocol                             = "Encrypted"
    clustering_policy                           = "EnterpriseCluster"
    eviction_policy                             = "VolatileLRU"
    access_keys_authentication_enabled          = false
    persistence_redis_database_backup_frequency = var.persistence ? "6h" : null
  }
}

# The application's identity signs in with an Entra ID token (user name: its object ID). Managed
# Redis has one access policy, "default" (every data command); azurerm 4.x has no resource for
# the assignment (azurerm_managed_redis_access_policy_assignment came later), hence azapi, on
# the API version azurerm itself uses for Managed Redis.
resource "azapi_resource" "app_access" {
  type      = "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-04-01"
  name      = "app"
  parent_id = "${azurerm_managed_redis.this.id}/databases/default"

  # ARM validates the body; the provider's bundled API schemas may lag behind this API version.
  schema_validation_enabled = false

  body = {
    properties = {
      accessPolicyName = "default"
      user = {
        objectId = var.app_principal_id
      }
    }
  }
}

################################################################################
# Private endpoint
################################################################################

resource "azurerm_private_dns_zone" "redis" {
  name                = "privatelink.redis.azure.net"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "redis" {
  name                  = "${var.name}-redis"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.redis.name
  virtual_network_id    = var.virtual_network_id
  registration_enabled  = false
  tags                  = var.tags
}

resource "azurerm_private_endpoint" "redis" {
  name                = "${var.name}-redis"
  location            = var.location
  resource_group_name = var.resource_group_name
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = "redis"
    private_connection_resource_id = azurerm_managed_redis.this.id
    subresource_names              = ["redisEnterprise"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "redis"
    private_dns_zone_ids = [azurerm_private_dns_zone.redis.id]
  }
}

################################################################################
# Metrics and alerts
################################################################################

resource "azurerm_monitor_diagnostic_setting" "redis" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_managed_redis.this.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_metric_alert" "redis" {
  for_each = local.alerts

  name                = "${var.name}-cache-${each.key}"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_managed_redis.this.id]
  description         = each.value.description
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.Cache/redisEnterprise"
    metric_name      = each.value.metric
    aggregation      = "Maximum"
    operator         = "GreaterThan"
    threshold        = each.value.threshold
  }

  action {
    action_group_id = var.action_group_id
  }
}

################################################################################
# Dashboard charts of this cache (the observability module lays them out)
################################################################################

locals {
  # The signals the alerts watch, in percent.
  dashboard_widgets = [
    {
      title    = "${var.name}: cache server load and memory (%)"
      split_by = ""
      metrics = [
        for alert in values(local.alerts) : {
          resource_id  = azurerm_managed_redis.this.id
          namespace    = "Microsoft.Cache/redisEnterprise"
          name         = alert.metric
          aggregation  = "Average"
          display_name = alert.metric
        }
      ]
    },
  ]
}
