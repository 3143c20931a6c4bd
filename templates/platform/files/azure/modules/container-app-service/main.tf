locals {
  # Container App names: at most 32 lowercase letters, digits and hyphens; a longer name keeps
  # its first 27 characters and gets 4 of its MD5 (stable, distinct per service).
  app_name = length(var.name) <= 32 ? var.name : "${trim(substr(var.name, 0, 27), "-")}-${substr(md5(var.name), 0, 4)}"

  # Rolling: one active revision, replaced in place. Blue-green and canary (http only): several
  # revisions side by side, the pipeline moves the ingress weights between them. A worker has no
  # ingress to split, so it always runs one revision.
  revision_mode = var.ingress && var.deployment_strategy != "rolling" ? "Multiple" : "Single"
}

################################################################################
# One service of the application in the shared Container Apps environment: an http service
# (ingress, reached through Front Door) or a worker (no ingress, always at least one replica)
################################################################################

resource "azurerm_container_app" "this" {
  name                         = local.app_name
  container_app_environment_id = var.container_app_environment_id
  resource_group_name          = var.resource_group_name
  revision_mode                = local.revision_mode
  workload_profile_name        = "Consumption"
  max_inactive_revisions       = 10
  tags                         = var.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }

  registry {
    server   = var.registry_login_server
    identity = var.identity_id
  }

  dynamic "ingress" {
    for_each = var.ingress ? [1] : []

    content {
      external_enabled           = true
      target_port                = var.container_port
      transport                  = "auto"
      allow_insecure_connections = false

      traffic_weight {
        latest_revision = true
        percentage      = 100
      }
    }
  }

  template {
    min_replicas = var.min_replicas
    max_replicas = var.max_replicas

    container {
      name   = "app"
      image  = var.container_image
      cpu    = var.cpu
      memory = var.memory

      dynamic "env" {
        for_each = merge(var.environment, { PORT = tostring(var.container_port) })

        content {
          name  = env.key
          value = env.value
        }
      }

      # Probes are the container's own (they need no ingress): a worker is probed on its port too.
      startup_probe {
        transport               = "HTTP"
        port                    = var.container_port
        path                    = var.health_check_path
        interval_seconds        = 5
        failure_count_threshold = 30
      }

      readiness_probe {
        transport               = "HTTP"
        port                    = var.container_port
        path                    = var.health_check_path
        interval_seconds        = 10
        failure_count_threshold = 3
      }

      liveness_probe {
        transport               = "HTTP"
        port                    = var.container_port
        path                    = var.health_check_path
        interval_seconds        = 15
        failure_count_threshold = 3
      }
    }

    # HTTP services scale on concurrent requests; a worker has no requests to count and stays
    # at its minimum (at least one replica: it never scales to zero).
    dynamic "http_scale_rule" {
      for_each = var.ingress ? [1] : []

      content {
        name                = "http-concurrency"
        concurrent_requests = tostring(var.concurrent_requests)
      }
    }
  }

  lifecycle {
    # The pipeline deploys new images as new revisions and owns the traffic split between them.
    ignore_changes = [
      template[0].container[0].image,
      template[0].revision_suffix,
      ingress[0].traffic_weight,
    ]
  }
}

################################################################################
# Alerts: server errors (http) and restarts (every service)
################################################################################

resource "azurerm_monitor_metric_alert" "server_errors" {
  count = var.ingress ? 1 : 0

  name                = "${var.name}-5xx"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_container_app.this.id]
  description         = "More than ${var.error_threshold} 5xx answers in 5 minutes from ${var.name}: roll back its last revision (docs/runbooks/rollback.md)"
  severity            = 1
  frequency           = "PT1M"
  window_size         = "PT5M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.App/containerApps"
    metric_name      = "Requests"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = var.error_threshold

    dimension {
      name     = "statusCodeCategory"
      operator = "Include"
      values   = ["5xx"]
    }
  }

  action {
    action_group_id = var.action_group_id
  }
}

resource "azurerm_monitor_metric_alert" "restarts" {
  name                = "${var.name}-restarts"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_container_app.this.id]
  description         = "Replicas of ${var.name} restarted more than 3 times in 15 minutes: failing probes or crashes"
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.App/containerApps"
    metric_name      = "RestartCount"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 3
  }

  action {
    action_group_id = var.action_group_id
  }
}

################################################################################
# Dashboard charts of this app (the observability module lays them out)
################################################################################

locals {
  # An http service's traffic: requests by status class (2xx, 4xx, 5xx) and response time.
  http_widgets = [
    {
      title    = "${var.name}: requests by status class"
      split_by = "statusCodeCategory"
      metrics  = [{ resource_id = azurerm_container_app.this.id, namespace = "Microsoft.App/containerApps", name = "Requests", aggregation = "Sum", display_name = "Requests" }]
    },
    {
      title    = "${var.name}: average response time (ms)"
      split_by = ""
      metrics  = [{ resource_id = azurerm_container_app.this.id, namespace = "Microsoft.App/containerApps", name = "ResponseTime", aggregation = "Average", display_name = "Response time" }]
    },
  ]

  # Every Container App: its replicas (and their restarts), CPU and memory.
  replica_widgets = [
    {
      title    = "${var.name}: replicas and restarts"
      split_by = ""
      metrics = [
        { resource_id = azurerm_container_app.this.id, namespace = "Microsoft.App/containerApps", name = "Replicas", aggregation = "Maximum", display_name = "Replicas" },
        { resource_id = azurerm_container_app.this.id, namespace = "Microsoft.App/containerApps", name = "RestartCount", aggregation = "Sum", display_name = "Restarts" },
      ]
    },
    {
      title    = "${var.name}: CPU (nanocores)"
      split_by = ""
      metrics  = [{ resource_id = azurerm_container_app.this.id, namespace = "Microsoft.App/containerApps", name = "UsageNanoCores", aggregation = "Average", display_name = "CPU" }]
    },
    {
      title    = "${var.name}: memory working set (bytes)"
      split_by = ""
      metrics  = [{ resource_id = azurerm_container_app.this.id, namespace = "Microsoft.App/containerApps", name = "WorkingSetBytes", aggregation = "Average", display_name = "Memory" }]
    },
  ]

  dashboard_widgets = concat([for widget in local.http_widgets : widget if var.ingress], local.replica_widgets)
}
