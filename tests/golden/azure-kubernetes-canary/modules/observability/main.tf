# One workspace per environment: every resource sends its logs here (diagnostic settings), the
# application its telemetry (Application Insights on the workspace). Every module alerts on its
# own health signals (5xx, restarts, CPU, storage...) through the action group.
resource "azurerm_log_analytics_workspace" "this" {
  name                       = var.name
  location                   = var.location
  resource_group_name        = var.resource_group_name
  sku                        = "PerGB2018"
  retention_in_days          = var.retention_days
  daily_quota_gb             = var.daily_quota_gb
  internet_ingestion_enabled = true
  internet_query_enabled     = true
  tags                       = var.tags
}

# Local (instrumentation key) authentication is off: telemetry is sent with Entra ID tokens by
# the application's managed identity (Monitoring Metrics Publisher).
resource "azurerm_application_insights" "this" {
  name                          = var.name
  location                      = var.location
  resource_group_name           = var.resource_group_name
  workspace_id                  = azurerm_log_analytics_workspace.this.id
  application_type              = "web"
  retention_in_days             = var.retention_days
  local_authentication_disabled = true
  tags                          = var.tags
}

resource "azurerm_monitor_action_group" "this" {
  name                = "${var.name}-alerts"
  resource_group_name = var.resource_group_name
  short_name          = substr(replace(var.name, "-", ""), 0, 12)
  tags                = var.tags

  dynamic "email_receiver" {
    for_each = var.alert_email == "" ? [] : [var.alert_email]

    content {
      name                    = "on-call"
      email_address           = email_receiver.value
      use_common_alert_schema = true
    }
  }
}

# Service Health: Azure incidents, planned maintenance and security advisories of the subscription.
data "azurerm_subscription" "current" {}

resource "azurerm_monitor_activity_log_alert" "service_health" {
  name                = "${var.name}-service-health"
  location            = "global"
  resource_group_name = var.resource_group_name
  scopes              = [data.azurerm_subscription.current.id]
  description         = "Azure service incidents and maintenance affecting ${var.name}"
  tags                = var.tags

  criteria {
    category = "ServiceHealth"

    service_health {
      events = ["Incident", "Maintenance", "Security"]
    }
  }

  action {
    action_group_id = azurerm_monitor_action_group.this.id
  }
}

################################################################################
# Dashboard (dashboard.tf builds its JSON): the application's telemetry first
################################################################################

locals {
  telemetry_widgets = [
    {
      title    = "${var.name}: requests (Application Insights)"
      split_by = ""
      metrics = [
        { resource_id = azurerm_application_insights.this.id, namespace = "microsoft.insights/components", name = "requests/count", aggregation = "Count", display_name = "Requests" },
        { resource_id = azurerm_application_insights.this.id, namespace = "microsoft.insights/components", name = "requests/failed", aggregation = "Count", display_name = "Failed requests" },
      ]
    },
    {
      title    = "${var.name}: server response time (Application Insights, ms)"
      split_by = ""
      metrics = [
        { resource_id = azurerm_application_insights.this.id, namespace = "microsoft.insights/components", name = "requests/duration", aggregation = "Average", display_name = "Server response time" },
      ]
    },
  ]
}

# The portal shows the `hidden-title` tag as the dashboard's title.
resource "azurerm_portal_dashboard" "this" {
  name                 = "${var.name}-dashboard"
  location             = var.location
  resource_group_name  = var.resource_group_name
  dashboard_properties = local.dashboard_properties
  tags                 = merge(var.tags, { "hidden-title" = var.name })
}
