# Every module alerts on its own health signals (5xx, latency, CPU, storage...) through the
# notification channels created here, and describes the dashboard widgets of those signals,
# laid out here. This module adds the application's error log metric and its alert.

# Cloud Logging keeps every log of the project in the _Default bucket: its retention is the
# environment's (the first 30 days are free, longer retention is billed per GiB).
resource "google_logging_project_bucket_config" "default" {
  project        = var.project_id
  location       = "global"
  bucket_id      = "_Default"
  retention_days = var.log_retention_days
}

resource "google_monitoring_notification_channel" "email" {
  count = var.alert_email == "" ? 0 : 1

  display_name = "${var.name} alerts (${var.alert_email})"
  description  = "On-call e-mail of ${var.name}"
  type         = "email"
  user_labels  = var.labels

  labels = {
    email_address = var.alert_email
  }
}

locals {
  notification_channels = google_monitoring_notification_channel.email[*].id
  error_metric_type     = "logging.googleapis.com/user/${google_logging_metric.app_errors.name}"
  # The same metric in PromQL: the domain's dots become underscores, its first slash a colon.
  error_metric_promql = "logging_googleapis_com:user_${google_logging_metric.app_errors.name}"
}

################################################################################
# Application errors: a log-based metric counting the application's error entries, and its alert
################################################################################

resource "google_logging_metric" "app_errors" {
  name        = "${replace(var.name, "-", "_")}_app_errors"
  description = "Error log entries of the application of ${var.name}"
  filter      = var.error_log.filter

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "${var.name} application errors"
  }
}

resource "google_monitoring_alert_policy" "app_errors" {
  display_name          = "${var.name}: application errors"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.notification_channels
  user_labels           = var.labels

  # Cloud Monitoring refuses a condition on a log-based metric it has not registered yet ("404
  # Cannot find metric(s)" for up to 10 minutes after the metric is created,
  # hashicorp/terraform-provider-google#11102): no depends_on or fixed sleep reliably covers
  # that. A PromQL condition can skip the metric existence check (disable_metric_validation);
  # depends_on still orders the metric first.
  conditions {
    display_name = "More than ${var.error_log_threshold} error log entries a minute for 5 minutes"

    condition_prometheus_query_language {
      query                     = "sum(rate(${local.error_metric_promql}{monitored_resource=\"${var.error_log.resource_type}\"}[1m])) * 60 > ${var.error_log_threshold}"
      duration                  = "300s"
      evaluation_interval       = "60s"
      disable_metric_validation = true
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  lifecycle {
    precondition {
      condition     = !var.protected || length(local.notification_channels) > 0
      error_message = "A protected environment needs alert_email: its alerts must notify someone."
    }
  }

  depends_on = [google_logging_metric.app_errors]

  documentation {
    mime_type = "text/markdown"
    content   = "The application of ${var.name} writes more errors than usual. Read them in Logs Explorer with `${var.error_log.filter}`; if a release just went out, roll it back (docs/runbooks/rollback.md)."
  }
}

################################################################################
# Dashboard: the widgets of every module, two per row
################################################################################

locals {
  widgets = concat(var.dashboard_widgets, [
    {
      title = "Application error log entries (per minute)"
      xyChart = {
        dataSets = [{
          plotType = "STACKED_BAR"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"${local.error_metric_type}\" AND resource.type=\"${var.error_log.resource_type}\""
              aggregation = {
                alignmentPeriod    = "60s"
                perSeriesAligner   = "ALIGN_SUM"
                crossSeriesReducer = "REDUCE_SUM"
              }
            }
          }
        }]
      }
    },
  ])

  tiles = [
    for index, widget in local.widgets : {
      xPos   = (index % 2) * 24
      yPos   = floor(index / 2) * 16
      width  = 24
      height = 16
      widget = widget
    }
  ]
}

resource "google_monitoring_dashboard" "this" {
  dashboard_json = jsonencode({
    displayName  = var.name
    labels       = var.labels
    mosaicLayout = { columns = 48, tiles = local.tiles }
  })
}
