################################################################################
# Alarms and dashboard widgets of the workload: http on its own target groups, workers on their
# CPU and running tasks, jobs on the scheduler's failed and dropped runs
################################################################################

# Each kind has its own alarms (count): their names are format() calls, which the generated docs'
# alarm tables (derived from the Terraform, blind to count) leave out; the runbooks' services
# table lists each service's alarms by kind instead.
locals {
  service_dimensions = { ClusterName = var.cluster_name, ServiceName = local.id }
}

# http: the target groups' 5XX (blue and green summed: one of them serves); it also rolls
# deployments back.
resource "aws_cloudwatch_metric_alarm" "errors" {
  count = local.is_http ? 1 : 0

  alarm_name          = format("%s-5xx", local.id)
  alarm_description   = "More than ${var.error_threshold} 5XX responses a minute from the targets of ${local.id} (${coalesce(var.path, "/")})"
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_threshold
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  metric_query {
    id          = "errors"
    expression  = join(" + ", [for key in local.target_groups : "FILL(${key}, 0)"])
    label       = "5XX responses"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = aws_lb_target_group.this

    content {
      id = metric_query.key

      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = "HTTPCode_Target_5XX_Count"
        period      = 60
        stat        = "Sum"
        dimensions  = { LoadBalancer = var.load_balancer_arn_suffix, TargetGroup = metric_query.value.arn_suffix }
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  count = local.is_http ? 1 : 0

  alarm_name          = format("%s-latency-p95", local.id)
  alarm_description   = "p95 response time of ${local.id} above ${var.latency_threshold_seconds}s for 5 minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = { LoadBalancer = var.load_balancer_arn_suffix, TargetGroup = aws_lb_target_group.this["blue"].arn_suffix }
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.latency_threshold_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  count = local.is_service ? 1 : 0

  alarm_name          = format("%s-cpu", local.id)
  alarm_description   = "CPU of ${local.id} above 85% for 10 minutes: autoscaling is at its maximum or too slow"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = local.service_dimensions
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 10
  comparison_operator = "GreaterThanThreshold"
  threshold           = 85
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  depends_on = [aws_ecs_service.this]
}

# worker: no load balancer notices a worker that stops; Container Insights counts its tasks.
resource "aws_cloudwatch_metric_alarm" "running" {
  count = var.kind == "worker" ? 1 : 0

  alarm_name          = format("%s-running-tasks", local.id)
  alarm_description   = "Fewer than ${var.min_count} running tasks of ${local.id} for 5 minutes"
  namespace           = "ECS/ContainerInsights"
  metric_name         = "RunningTaskCount"
  dimensions          = local.service_dimensions
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "LessThanThreshold"
  threshold           = var.min_count
  treat_missing_data  = "breaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  depends_on = [aws_ecs_service.this]
}

# job: a run that RunTask refused (TargetErrorCount) or that was given up after its retries
# (InvocationDroppedCount), per schedule group (AWS/Scheduler's only dimension).
resource "aws_cloudwatch_metric_alarm" "schedule" {
  count = local.is_job ? 1 : 0

  alarm_name          = format("%s-schedule-failures", local.id)
  alarm_description   = "A scheduled run of ${local.id} failed to start or was dropped"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  metric_query {
    id          = "failures"
    expression  = "FILL(errors, 0) + FILL(dropped, 0)"
    label       = "Failed or dropped runs"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { errors = "TargetErrorCount", dropped = "InvocationDroppedCount" }

    content {
      id = metric_query.key

      metric {
        namespace   = "AWS/Scheduler"
        metric_name = metric_query.value
        period      = 300
        stat        = "Sum"
        dimensions  = { ScheduleGroup = aws_scheduler_schedule_group.this[0].name }
      }
    }
  }
}

locals {
  http_widgets = local.is_http ? [
    {
      type = "metric"
      properties = {
        title  = "${local.id}: requests and 5XX (${coalesce(var.path, "/")})"
        region = local.region
        stat   = "Sum"
        period = 60
        metrics = flatten([
          for key, group in aws_lb_target_group.this : [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", group.arn_suffix],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", group.arn_suffix],
          ]
        ])
      }
    },
    {
      type = "metric"
      properties = {
        title  = "${local.id}: response time"
        region = local.region
        period = 60
        metrics = [
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", aws_lb_target_group.this["blue"].arn_suffix, { stat = "p50" }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", aws_lb_target_group.this["blue"].arn_suffix, { stat = "p95" }],
        ]
      }
    },
  ] : []

  service_widgets = local.is_service ? [
    {
      type = "metric"
      properties = {
        title  = "${local.id}: CPU and memory (%)"
        region = local.region
        stat   = "Average"
        period = 60
        metrics = [
          ["AWS/ECS", "CPUUtilization", "ClusterName", var.cluster_name, "ServiceName", local.id],
          ["AWS/ECS", "MemoryUtilization", "ClusterName", var.cluster_name, "ServiceName", local.id],
        ]
      }
    },
    {
      type = "metric"
      properties = {
        title   = "${local.id}: running tasks"
        region  = local.region
        stat    = "Average"
        period  = 60
        metrics = [["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", var.cluster_name, "ServiceName", local.id]]
      }
    },
  ] : []

  job_widgets = local.is_job ? [
    {
      type = "metric"
      properties = {
        title  = "${local.id}: scheduled runs"
        region = local.region
        stat   = "Sum"
        period = 300
        metrics = [
          for metric in ["InvocationAttemptCount", "TargetErrorCount", "InvocationDroppedCount"] :
          ["AWS/Scheduler", metric, "ScheduleGroup", aws_scheduler_schedule_group.this[0].name]
        ]
      }
    },
  ] : []

  dashboard_widgets = concat(local.http_widgets, local.service_widgets, local.job_widgets)
}
