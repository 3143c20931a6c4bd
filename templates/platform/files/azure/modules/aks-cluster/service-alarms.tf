################################################################################
# Alerts and dashboard charts per service (several services only, issue 25)
################################################################################
#
# Container Insights (the oms_agent add-on above) writes the pods' inventory (KubePodInventory:
# Namespace, ContainerName, ContainerRestartCount) and the cluster's warning events (KubeEvents:
# ObjectKind, Name, Reason) to the environment's Log Analytics workspace; these log search alerts
# read them per service: every workload in k8s/base names its container after its service, and a
# CronJob's Jobs are named <cronjob>-<scheduled time in minutes>. The tables exist only once the
# add-on has sent data, so query validation is skipped (the workspace may be new).

variable "services" {
  description = "The application's services on the cluster, by name (the workload and container name in k8s/base): their kind (http, worker, job). http services and workers get a restart alert each, jobs a failed-run alert."
  type        = map(object({ kind = string }))
  default     = {}

  validation {
    condition     = alltrue([for s in values(var.services) : contains(["http", "worker", "job"], s.kind)])
    error_message = "Each service's kind is http, worker or job."
  }
}

variable "service_restart_threshold" {
  description = "Container restarts of one service's pods in 10 minutes above which its restart alert fires."
  type        = number
  default     = 3
}

locals {
  restarted_services = { for name, s in var.services : name => s if s.kind != "job" }
  job_services       = { for name, s in var.services : name => s if s.kind == "job" }
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "service_restarts" {
  for_each = local.restarted_services

  name                  = "${var.name}-aks-${each.key}-restarts"
  display_name          = "${var.name}: ${each.key} containers restarting"
  description           = "Containers of ${each.key} (${each.value.kind}) restarted more than ${var.service_restart_threshold} times in 10 minutes: they crash or fail their liveness probe (kubectl -n ${var.app_namespace} logs --previous -l app.kubernetes.io/name=${each.key})"
  resource_group_name   = var.resource_group_name
  location              = var.location
  scopes                = [var.log_analytics_workspace_id]
  severity              = 1
  evaluation_frequency  = "PT5M"
  window_duration       = "PT10M"
  skip_query_validation = true
  tags                  = var.tags

  criteria {
    query                   = <<-KQL
      KubePodInventory
      | where ClusterId =~ "${azurerm_kubernetes_cluster.this.id}" and Namespace == "${var.app_namespace}"
      | where ContainerName == "${each.key}" or ContainerName endswith "/${each.key}"
      | summarize Restarts = max(ContainerRestartCount) - min(ContainerRestartCount) by PodUid, ContainerName
      | summarize Restarts = sum(Restarts)
    KQL
    time_aggregation_method = "Maximum"
    metric_measure_column   = "Restarts"
    operator                = "GreaterThan"
    threshold               = var.service_restart_threshold

    failing_periods {
      minimum_failing_periods_to_trigger_alert = 1
      number_of_evaluation_periods             = 1
    }
  }

  action {
    action_groups = [var.action_group_id]
  }
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "job_failures" {
  for_each = local.job_services

  name                  = "${var.name}-aks-${each.key}-failed-runs"
  display_name          = "${var.name}: ${each.key} runs failing"
  description           = "A run of the CronJob ${each.key} failed (its Job reached its backoffLimit or its deadline): kubectl -n ${var.app_namespace} get jobs -l app.kubernetes.io/name=${each.key}, then kubectl logs job/<job>"
  resource_group_name   = var.resource_group_name
  location              = var.location
  scopes                = [var.log_analytics_workspace_id]
  severity              = 2
  evaluation_frequency  = "PT15M"
  window_duration       = "PT15M"
  skip_query_validation = true
  tags                  = var.tags

  criteria {
    query                   = <<-KQL
      KubeEvents
      | where ClusterId =~ "${azurerm_kubernetes_cluster.this.id}" and Namespace == "${var.app_namespace}"
      | where ObjectKind == "Job" and Reason in ("BackoffLimitExceeded", "DeadlineExceeded")
      | where Name matches regex "^${each.key}-[0-9]+$"
    KQL
    time_aggregation_method = "Count"
    operator                = "GreaterThan"
    threshold               = 0

    failing_periods {
      minimum_failing_periods_to_trigger_alert = 1
      number_of_evaluation_periods             = 1
    }
  }

  action {
    action_groups = [var.action_group_id]
  }
}

# Each http service's and worker's charts on the environment's portal dashboard: Log Analytics
# charts of the same KubePodInventory rows as its restart alert (AKS's platform metrics name pods,
# not their Deployment, and its Container Insights custom metrics are retired; the cluster runs
# no managed Prometheus). The observability module draws them over TimeGenerated.
locals {
  service_pod_rows = {
    for name, s in local.restarted_services : name => <<-KQL
      KubePodInventory
      | where ClusterId =~ "${azurerm_kubernetes_cluster.this.id}" and Namespace == "${var.app_namespace}"
      | where ContainerName == "${name}" or ContainerName endswith "/${name}"
    KQL
  }

  service_dashboard_widgets = flatten([
    for name, s in local.restarted_services : [
      {
        title       = "${name} (${s.kind}): pods by status"
        metrics     = []
        split_by    = "PodStatus"
        query_value = "Pods"
        query_scope = var.log_analytics_workspace_id
        query       = "${local.service_pod_rows[name]}| summarize Pods = dcount(PodUid) by bin(TimeGenerated, 5m), PodStatus"
      },
      {
        title       = "${name} (${s.kind}): container restarts"
        metrics     = []
        split_by    = ""
        query_value = "Restarts"
        query_scope = var.log_analytics_workspace_id
        query       = "${local.service_pod_rows[name]}| summarize Restarts = max(ContainerRestartCount) - min(ContainerRestartCount) by bin(TimeGenerated, 15m), PodUid\n| summarize Restarts = sum(Restarts) by TimeGenerated"
      },
    ]
  ])
}

output "service_dashboard_widgets" {
  description = "Portal dashboard charts of each http service and worker (Log Analytics queries of Container Insights' pod inventory): its pods by status, its container restarts."
  value       = local.service_dashboard_widgets
}

output "service_alert_ids" {
  description = "The per-service log search alerts by service name."
  value = merge(
    { for name, alert in azurerm_monitor_scheduled_query_rules_alert_v2.service_restarts : name => [alert.id] },
    { for name, alert in azurerm_monitor_scheduled_query_rules_alert_v2.job_failures : name => [alert.id] },
  )
}
