################################################################################
# Alarms and dashboard widgets per service (several services only, issue 25)
################################################################################
#
# Container Insights (the amazon-cloudwatch-observability add-on) publishes pod metrics in the
# ContainerInsights namespace with the dimensions ClusterName, Namespace and PodName, where
# PodName is the pod's workload (the Deployment or Rollout name, without the ReplicaSet's
# suffix): so each service's alarms select its own pods by its name. A job's failed runs are
# counted from the audit log below.

variable "services" {
  description = "The application's services on the cluster, by name (the workload name in k8s/base): their kind (http, worker, job). Each http service and worker gets its own alarms and widgets, each job a failed-run alarm."
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
  job_services     = { for name, s in var.services : name => s if s.kind == "job" }
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

################################################################################
# A CronJob's failed runs, from the control plane's audit log
################################################################################
#
# Container Insights counts no failed Jobs (it has no kube_job_status_failed, and it names a
# CronJob's pods after the part of their Job's name before the first dash, which is not the
# CronJob's once its name has a dash), and a failed run's pods leave no metrics once their
# containers exit. The API server's audit log does record the run: EKS's audit policy is the
# Kubernetes GCE reference policy plus additions (EKS best practices guide, "Auditing and
# logging"), which logs writes to the batch API at RequestResponse, so the job controller's
# status write that marks a Job Failed (backoffLimit reached, or activeDeadlineSeconds passed)
# lands in /aws/eks/<cluster>/cluster with its request body. A CronJob's Jobs are named
# <cronjob>-<scheduled time in minutes>; the Failed condition is the first or, since Kubernetes
# 1.31 (after FailureTarget), the second of the Job's conditions (the third after a Suspended
# one). Matched by prefix ("AccessDenied*" style, as the CIS benchmark's filters do), not by a
# regular expression (CloudWatch Logs allows five per log group), excluding the jobs whose
# names start with this one's name and a dash.
resource "aws_cloudwatch_log_metric_filter" "job_failures" {
  for_each = local.job_services

  name           = "${var.name}-eks-${each.key}-failed-runs"
  log_group_name = aws_cloudwatch_log_group.cluster.name
  pattern = join(" && ", concat(
    [
      "{ ($.objectRef.resource = \"jobs\")",
      "($.objectRef.subresource = \"status\")",
      "($.objectRef.namespace = \"${var.app_namespace}\")",
      "($.objectRef.name = \"${each.key}-*\")",
    ],
    [for other in sort(keys(local.job_services)) : "($.objectRef.name != \"${other}-*\")" if other != each.key && startswith(other, "${each.key}-")],
    [
      "($.responseStatus.code = 200)",
      "(($.requestObject.status.conditions[0].type = \"Failed\") || ($.requestObject.status.conditions[1].type = \"Failed\") || ($.requestObject.status.conditions[2].type = \"Failed\")) }",
    ],
  ))

  metric_transformation {
    name      = "${each.key}-failed-runs"
    namespace = "${var.name}/EKS"
    value     = "1"
    unit      = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "job_failures" {
  for_each = local.job_services

  alarm_name          = "${var.name}-eks-${each.key}-failed-runs"
  alarm_description   = "A run of the CronJob ${each.key} failed: its Job reached its backoffLimit or its activeDeadlineSeconds (kubectl -n ${var.app_namespace} get jobs -l app.kubernetes.io/name=${each.key}, then kubectl -n ${var.app_namespace} logs job/<job>). Read from the control plane's audit log."
  namespace           = aws_cloudwatch_log_metric_filter.job_failures[each.key].metric_transformation[0].namespace
  metric_name         = aws_cloudwatch_log_metric_filter.job_failures[each.key].metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
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
  description = "The per-service alarms by service name: restarts and memory of each http service and worker, failed runs of each job."
  value = merge(
    {
      for name in keys(local.alarmed_services) : name => [
        aws_cloudwatch_metric_alarm.service_restarts[name].alarm_name,
        aws_cloudwatch_metric_alarm.service_memory[name].alarm_name,
      ]
    },
    { for name, alarm in aws_cloudwatch_metric_alarm.job_failures : name => [alarm.alarm_name] },
  )
}
