locals {
  # Container Apps job names: at most 32 lowercase letters, digits and hyphens (as apps); a
  # longer name keeps its first 27 characters and gets 4 of its MD5.
  job_name = length(var.name) <= 32 ? var.name : "${trim(substr(var.name, 0, 27), "-")}-${substr(md5(var.name), 0, 4)}"
}

################################################################################
# A scheduled job of the application in the shared Container Apps environment: each run starts
# a replica of the job's image, which must exit (0: done) before the timeout.
################################################################################

resource "azurerm_container_app_job" "this" {
  name                         = local.job_name
  location                     = var.location
  resource_group_name          = var.resource_group_name
  container_app_environment_id = var.container_app_environment_id
  workload_profile_name        = "Consumption"
  replica_timeout_in_seconds   = var.timeout_seconds
  replica_retry_limit          = var.retry_limit
  tags                         = var.tags

  # Container Apps evaluates the cron expression in UTC (no time zone setting).
  schedule_trigger_config {
    cron_expression          = var.schedule
    parallelism              = 1
    replica_completion_count = 1
  }

  # A job pulls from the registry with a user-assigned identity (a system-assigned one cannot
  # be named in the registry block).
  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }

  registry {
    server   = var.registry_login_server
    identity = var.identity_id
  }

  template {
    container {
      name   = "job"
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
    }
  }

  lifecycle {
    # The pipeline points the job at each new image (az containerapp job update --image).
    ignore_changes = [template[0].container[0].image]
  }
}

################################################################################
# Alert: a failed execution
################################################################################

resource "azurerm_monitor_metric_alert" "failed" {
  name                = "${var.name}-failed"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_container_app_job.this.id]
  description         = "An execution of the scheduled job ${var.name} failed (after ${var.retry_limit} retries): read its logs (docs/runbooks/incident-response.md)"
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.App/jobs"
    metric_name      = "Executions"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 0

    dimension {
      name     = "state"
      operator = "Include"
      values   = ["Failed"]
    }
  }

  action {
    action_group_id = var.action_group_id
  }
}

################################################################################
# Dashboard chart of this job (the observability module lays it out)
################################################################################

locals {
  # Each run's outcome: executions by state (Succeeded, Failed...), as the failure alert counts them.
  dashboard_widgets = [
    {
      title    = "${var.name}: executions by state"
      split_by = "state"
      metrics = [
        { resource_id = azurerm_container_app_job.this.id, namespace = "Microsoft.App/jobs", name = "Executions", aggregation = "Sum", display_name = "Executions" },
      ]
    },
  ]
}
