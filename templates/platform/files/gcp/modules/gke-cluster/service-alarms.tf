################################################################################
# Alerts and dashboard widgets per service (several services only, issue 25)
################################################################################
#
# GKE's system metrics of a container (resource type k8s_container) carry the labels
# cluster_name, location, namespace_name, pod_name and container_name; every workload in k8s/base
# names its container after its service, so each service's alerts select its own containers by
# container_name.

variable "services" {
  description = "The application's services on the cluster, by name (the workload and container name in k8s/base): their kind (http, worker, job). Each http service and worker gets its own alerts and widgets, each job a failed-run alert."
  type        = map(object({ kind = string }))
  default     = {}

  validation {
    condition     = alltrue([for s in values(var.services) : contains(["http", "worker", "job"], s.kind)])
    error_message = "Each service's kind is http, worker or job."
  }
}

locals {
  # The long-running services: a CronJob's pods end by design (restartPolicy Never).
  alarmed_services = { for name, s in var.services : name => s if s.kind != "job" }
  job_services     = { for name, s in var.services : name => s if s.kind == "job" }
  service_containers = {
    for name, s in local.alarmed_services : name => "${local.workloads} AND resource.labels.container_name=\"${name}\""
  }
}

resource "google_monitoring_alert_policy" "service_restarts" {
  for_each = local.alarmed_services

  display_name          = "${var.name}: ${each.key} containers restarting"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "More than ${var.restart_threshold} restarts of the ${each.key} containers in 10 minutes"

    condition_threshold {
      filter          = "metric.type=\"kubernetes.io/container/restart_count\" AND ${local.service_containers[each.key]}"
      comparison      = "COMPARISON_GT"
      threshold_value = var.restart_threshold
      duration        = "0s"

      aggregations {
        alignment_period     = "600s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Pods of ${each.key} (${each.value.kind}) crash or fail their liveness probes. If a release just went out, roll it back (docs/runbooks/rollback.md); otherwise read their logs (kubectl -n ${var.app_namespace} logs --previous -l app.kubernetes.io/name=${each.key})."
  }
}

resource "google_monitoring_alert_policy" "service_memory" {
  for_each = local.alarmed_services

  display_name          = "${var.name}: ${each.key} memory near its limit"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "A ${each.key} container above 90% of its memory limit for 15 minutes"

    condition_threshold {
      filter          = "metric.type=\"kubernetes.io/container/memory/limit_utilization\" AND ${local.service_containers[each.key]} AND metric.labels.memory_type=\"non-evictable\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0.9
      duration        = "900s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A container of ${each.key} (${each.value.kind}) is about to be OOM-killed: raise the service's memory in the answers (then infrascaffold update), or find the leak."
  }
}

# A CronJob's failed run. GKE's system metrics count no failed Jobs, and its managed
# kube-state-metrics packages (monitoring_config) have none for Jobs; but with SYSTEM_COMPONENTS
# logging (main.tf) GKE writes the cluster's Kubernetes events to the project's "events" log, and
# the job controller records a Warning event on the Job when it fails it: reason
# BackoffLimitExceeded (its pods failed backoffLimit + 1 times) or DeadlineExceeded (it ran past
# activeDeadlineSeconds). A CronJob's Jobs are named <cronjob>-<scheduled time in minutes>, so
# each job's alert matches its own runs only. A log-match condition must be the policy's only
# condition and needs notification_rate_limit; its incident never closes by itself, so
# auto_close ends it. It reads the logs of this project only (the scoping project).
resource "google_monitoring_alert_policy" "job_failures" {
  for_each = local.job_services

  display_name          = "${var.name}: ${each.key} runs failing"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "A run of the CronJob ${each.key} failed"

    condition_matched_log {
      filter = join(" AND ", [
        "logName=\"projects/${var.project_id}/logs/events\"",
        local.cluster,
        "jsonPayload.involvedObject.kind=\"Job\"",
        "jsonPayload.involvedObject.namespace=\"${var.app_namespace}\"",
        "jsonPayload.involvedObject.name=~\"^${each.key}-[0-9]+$\"",
        "jsonPayload.reason=(\"BackoffLimitExceeded\" OR \"DeadlineExceeded\")",
      ])

      label_extractors = {
        job    = "EXTRACT(jsonPayload.involvedObject.name)"
        reason = "EXTRACT(jsonPayload.reason)"
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"

    notification_rate_limit {
      period = "300s"
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A run of the CronJob ${each.key} failed: its Job reached its backoffLimit or its activeDeadlineSeconds. Read its pods' logs (kubectl -n ${var.app_namespace} get jobs -l app.kubernetes.io/name=${each.key}, then kubectl -n ${var.app_namespace} logs job/<job>); the next run starts on the schedule."
  }
}

locals {
  service_dashboard_widgets = flatten([
    for name, s in local.alarmed_services : [
      {
        title = "${name} (${s.kind}): CPU and memory (fraction of the limits)"
        xyChart = {
          dataSets = [
            for metric in ["kubernetes.io/container/cpu/limit_utilization", "kubernetes.io/container/memory/limit_utilization"] : {
              plotType = "LINE"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = "metric.type=\"${metric}\" AND ${local.service_containers[name]}"
                  aggregation = {
                    alignmentPeriod    = "300s"
                    perSeriesAligner   = "ALIGN_MAX"
                    crossSeriesReducer = "REDUCE_MAX"
                  }
                }
              }
            }
          ]
        }
      },
      {
        title = "${name} (${s.kind}): container restarts"
        xyChart = {
          dataSets = [{
            plotType = "STACKED_BAR"
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter = "metric.type=\"kubernetes.io/container/restart_count\" AND ${local.service_containers[name]}"
                aggregation = {
                  alignmentPeriod    = "300s"
                  perSeriesAligner   = "ALIGN_DELTA"
                  crossSeriesReducer = "REDUCE_SUM"
                  groupByFields      = ["resource.label.pod_name"]
                }
              }
            }
          }]
        }
      },
    ]
  ])
}

output "service_dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of each http service and worker: CPU and memory against their limits, restarts."
  value       = local.service_dashboard_widgets
}

output "service_alert_policy_ids" {
  description = "The per-service alert policies by service name: restarts and memory of each http service and worker, failed runs of each job."
  value = merge(
    {
      for name in keys(local.alarmed_services) : name => [
        google_monitoring_alert_policy.service_restarts[name].id,
        google_monitoring_alert_policy.service_memory[name].id,
      ]
    },
    { for name, policy in google_monitoring_alert_policy.job_failures : name => [policy.id] },
  )
}
