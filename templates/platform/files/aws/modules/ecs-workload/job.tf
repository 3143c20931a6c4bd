################################################################################
# job: EventBridge Scheduler runs the task definition on the cluster (schedule in UTC). Its role
# may run this family's tasks on this cluster only, and pass only this workload's two roles.
################################################################################

locals {
  is_job = var.kind == "job"
}

# A group of its own: EventBridge Scheduler's metrics have the ScheduleGroup dimension only.
resource "aws_scheduler_schedule_group" "this" {
  count = local.is_job ? 1 : 0

  name = local.id
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count = local.is_job ? 1 : 0

  name                 = "${local.id}-scheduler"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "RunThisFamilyOnThisCluster"
    actions   = ["ecs:RunTask"]
    resources = [local.task_family_arn]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  # Managed tags and tag propagation tag the task at RunTask: without ecs:TagResource the call
  # fails once ECS enforces tag authorization (terraform-aws-modules/terraform-aws-eventbridge#130).
  statement {
    sid       = "TagTheTasksItStarts"
    actions   = ["ecs:TagResource"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${var.cluster_name}/*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask"]
    }
  }

  # The schedule's target is encrypted with the environment's key.
  statement {
    sid       = "DecryptTheSchedule"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "PassOnlyThisWorkloadsRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.execution.arn, aws_iam_role.task.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  count = local.is_job ? 1 : 0

  name   = "run-task"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "this" {
  count = local.is_job ? 1 : 0

  name                         = local.id
  group_name                   = aws_scheduler_schedule_group.this[0].name
  description                  = "Runs the ${local.id} task"
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = "UTC"
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.cluster_arn
    role_arn = aws_iam_role.scheduler[0].arn

    ecs_parameters {
      task_definition_arn     = aws_ecs_task_definition.this.arn
      task_count              = 1
      launch_type             = "FARGATE"
      platform_version        = "LATEST"
      enable_ecs_managed_tags = true
      propagate_tags          = "TASK_DEFINITION"

      network_configuration {
        subnets          = var.private_subnet_ids
        security_groups  = [aws_security_group.tasks.id]
        assign_public_ip = false
      }
    }

    # RunTask errors (capacity, throttling) are retried for an hour, then counted as dropped.
    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }
  }

  lifecycle {
    precondition {
      condition     = var.schedule_expression != null
      error_message = "A job needs schedule_expression."
    }
    # The CI pipeline points the schedule at each new task definition revision (its image).
    ignore_changes = [target[0].ecs_parameters[0].task_definition_arn]
  }
}

################################################################################
# job: a run that starts and then fails. RunTask succeeded, so AWS/Scheduler counts nothing;
# ECS emits a "Task State Change" event when the task stops, and this rule sends the environment's
# alarm topic the stopped runs of this family that exited non-zero or never started.
################################################################################

locals {
  # Every revision of the family: "arn:...:task-definition/<family>:<revision>".
  task_family_prefix = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${local.id}:"
}

resource "aws_cloudwatch_event_rule" "failed_runs" {
  count = local.is_job ? 1 : 0

  name        = "${local.id}-failed-runs"
  description = "Runs of ${local.id} that stopped with a non-zero exit code or failed to start"

  # detail.containers is a list: a pattern on containers.exitCode matches when any container
  # exited with it; a task that never started (image pull, secret) has no exitCode but a stopCode.
  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Task State Change"]
    detail = {
      clusterArn        = [var.cluster_arn]
      taskDefinitionArn = [{ prefix = local.task_family_prefix }]
      lastStatus        = ["STOPPED"]
      "$or" = [
        { containers = { exitCode = [{ "anything-but" = [0] }] } },
        { stopCode = ["TaskFailedToStart"] },
      ]
    }
  })
}

resource "aws_cloudwatch_event_target" "failed_runs" {
  count = local.is_job ? 1 : 0

  rule      = aws_cloudwatch_event_rule.failed_runs[0].name
  target_id = "alarm-topic"
  arn       = var.alarm_topic_arn

  # The topic's subscribers get one line naming the job, the task and its exit code (the only
  # container is the application's: containers[0]); a run that never started has no exit code.
  input_transformer {
    input_paths = {
      task     = "$.detail.taskArn"
      exitCode = "$.detail.containers[0].exitCode"
      stopCode = "$.detail.stopCode"
      reason   = "$.detail.stoppedReason"
    }
    input_template = "\"Job ${local.id} failed: task <task> stopped (<stopCode>) with exit code <exitCode>: <reason>\""
  }
}

# A notification EventBridge cannot deliver (topic or key policy) is counted, not retried forever:
# this alarm reaches the same topic through CloudWatch, which the topic and key already allow.
resource "aws_cloudwatch_metric_alarm" "failed_run_notifications" {
  count = local.is_job ? 1 : 0

  alarm_name          = format("%s-failed-run-notifications", local.id)
  alarm_description   = "EventBridge could not deliver a failed-run notification of ${local.id} to the alarm topic"
  namespace           = "AWS/Events"
  metric_name         = "FailedInvocations"
  dimensions          = { RuleName = aws_cloudwatch_event_rule.failed_runs[0].name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}
