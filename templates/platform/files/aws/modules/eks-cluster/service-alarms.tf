################################################################################
# Alarms and dashboard widgets per service (several services only, issue 25)
################################################################################
#
# Container Insights (the amazon-cloudwatch-observability add-on) publishes pod metrics in the
# ContainerInsights namespace with the dimensions ClusterName, Namespace and PodName, where
# PodName is the pod's workload (the Deployment, Rollout or CronJob name, without the
# ReplicaSet's or Job's suffix): so each service's alarms select its own pods by its name.

variable "services" {
  description = "The application's services on the cluster, by name (the workload name in k8s/base): their kind (http, worker, job). Each http service and worker gets its own alarms and widgets."
  type        = map(object({ kind = string }))
  default     = {}

  validation {
    condition     = alltrue([for s in values(var.services) : contains(["http", "worker", "job"], s.kind)])
    error_message = "Each service's kind is http, worker or job."
  }
}

variable "service_restart_threshold" {
  description = "Container restarts of one service's pods in 5 minutes above which its restart alarm fires."
  type        = number
  default     = 3
}

locals {
  # The long-running services: a CronJob's pods end by design, its restarts are its retries.
  alarmed_services = { for name, s in var.services : name => s if s.kind != "job" }
  service_pod_dimensions = {
    for name, s in local.alarmed_services : name => {
      ClusterName = aws_eks_cluster.this.name
      Namespace   = var.app_namespace
      PodName     = name
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "service_restarts" {
  for_each = local.alarmed_services

  alarm_name          = "${var.name}-eks-${each.key}-restarts"
  alarm_description   = "Containers of ${each.key} (${each.value.kind}) restarted more than ${var.service_restart_threshold} times in 5 minutes: they crash or fail their liveness probe (kubectl -n ${var.app_namespace} logs --previous -l app.kubernetes.io/name=${each.key})"
  namespace           = "ContainerInsights"
  metric_name         = "pod_number_of_container_restarts"
  dimensions          = local.service_pod_dimensions[each.key]
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.service_restart_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "service_memory" {
  for_each = local.alarmed_services

  alarm_name          = "${var.name}-eks-${each.key}-memory"
  alarm_description   = "Pods of ${each.key} (${each.value.kind}) above 90% of their memory limit for 15 minutes: they are about to be OOM-killed (raise its memory in the answers, or find the leak)"
  namespace           = "ContainerInsights"
  metric_name         = "pod_memory_utilization_over_pod_limit"
  dimensions          = local.service_pod_dimensions[each.key]
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 90
  treat_missing_data  = "missing"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

locals {
  service_dashboard_widgets = [
    for name, s in local.alarmed_services : {
      type = "metric"
      properties = {
        title  = "${name} (${s.kind}): CPU and memory over limit (%), restarts"
        region = local.region
        stat   = "Average"
        period = 300
        metrics = [
          ["ContainerInsights", "pod_cpu_utilization_over_pod_limit", "ClusterName", aws_eks_cluster.this.name, "Namespace", var.app_namespace, "PodName", name],
          ["ContainerInsights", "pod_memory_utilization_over_pod_limit", "ClusterName", aws_eks_cluster.this.name, "Namespace", var.app_namespace, "PodName", name],
          ["ContainerInsights", "pod_number_of_container_restarts", "ClusterName", aws_eks_cluster.this.name, "Namespace", var.app_namespace, "PodName", name, { stat = "Sum", yAxis = "right" }],
        ]
      }
    }
  ]
}

output "service_dashboard_widgets" {
  description = "CloudWatch dashboard widgets of each http service and worker: CPU and memory over their limits, restarts."
  value       = local.service_dashboard_widgets
}

output "service_alarm_names" {
  description = "The per-service alarms by service name."
  value = {
    for name in keys(local.alarmed_services) : name => [
      aws_cloudwatch_metric_alarm.service_restarts[name].alarm_name,
      aws_cloudwatch_metric_alarm.service_memory[name].alarm_name,
    ]
  }
}
