locals {
  # Container App names: at most 32 lowercase letters, digits and hyphens.
  app_name = length(var.name) <= 32 ? var.name : "${trim(substr(var.name, 0, 27), "-")}-${substr(md5(var.name), 0, 4)}"

  # Rolling: one active revision, replaced in place. Blue-green and canary: several revisions side
  # by side; the pipeline moves the ingress traffic weights between them.
  revision_mode = var.deployment_strategy == "rolling" ? "Single" : "Multiple"

  # Secrets come from Key Vault through the application's identity; the name is the variable's,
  # lowercase with hyphens (Container Apps secret names).
  secret_names = { for key, id in var.secrets : key => replace(lower(key), "_", "-") }
}

################################################################################
# Environment (in the workload subnet, logs to Log Analytics) and the application
################################################################################

resource "azurerm_container_app_environment" "this" {
  name                               = var.name
  location                           = var.location
  resource_group_name                = var.resource_group_name
  log_analytics_workspace_id         = var.log_analytics_workspace_id
  logs_destination                   = "log-analytics"
  infrastructure_subnet_id           = var.subnet_id
  infrastructure_resource_group_name = "ME_${var.name}"
  internal_load_balancer_enabled     = false
  zone_redundancy_enabled            = var.zone_redundant
  mutual_tls_enabled                 = true
  tags                               = var.tags

  workload_profile {
    name                  = "Consumption"
    workload_profile_type = "Consumption"
  }
}

resource "azurerm_container_app" "this" {
  name                         = local.app_name
  container_app_environment_id = azurerm_container_app_environment.this.id
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

  dynamic "secret" {
    for_each = var.secrets

    content {
      name                = local.secret_names[secret.key]
      key_vault_secret_id = secret.value
      identity            = var.identity_id
    }
  }

  ingress {
    external_enabled           = true
    target_port                = var.container_port
    transport                  = "auto"
    allow_insecure_connections = false

    traffic_weight {
      latest_revision = true
      percentage      = 100
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
        for_each = var.environment

        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.secret_names

        content {
          name        = env.key
          secret_name = env.value
        }
      }

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

    http_scale_rule {
      name                = "http-concurrency"
      concurrent_requests = tostring(var.concurrent_requests)
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
# Alerts: server errors and restarts
################################################################################

resource "azurerm_monitor_metric_alert" "server_errors" {
  name                = "${var.name}-app-5xx"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_container_app.this.id]
  description         = "More than ${var.error_threshold} 5xx answers in 5 minutes from ${var.name}: roll back the last revision (docs/azure-layout.md)"
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
  name                = "${var.name}-app-restarts"
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

  dashboard_widgets = concat(local.http_widgets, local.replica_widgets)
}
