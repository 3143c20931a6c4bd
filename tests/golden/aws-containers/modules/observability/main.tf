# Every module alarms on its own health signals (5xx, latency, CPU, storage...) and sends them to
# this topic; every module also describes the dashboard widgets of those signals, laid out here.
resource "aws_sns_topic" "alarms" {
  region            = var.region
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "CloudWatchAlarmsOfThisAccount"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  # EventBridge rules (the jobs' failed runs) publish here too, each named by its ARN.
  dynamic "statement" {
    for_each = length(var.event_rule_arns) > 0 ? [1] : []

    content {
      sid       = "EventBridgeRulesOfThisEnvironment"
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.alarms.arn]

      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = var.event_rule_arns
      }
    }
  }
}

data "aws_caller_identity" "current" {}

resource "aws_sns_topic_policy" "alarms" {
  region = var.region
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alert_email == "" ? 0 : 1

  region    = var.region
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

locals {
  # Two widgets per row, each half the dashboard wide.
  widgets = [
    for index, widget in var.dashboard_widgets : merge(widget, {
      x      = (index % 2) * 12
      y      = floor(index / 2) * 6
      width  = 12
      height = 6
    })
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  region         = var.region
  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.widgets })
}
