locals {
  # Service account IDs are limited to 30 characters (the same rule as cloud-run-service and
  # bootstrap/runtime.tf, which creates the account).
  sa_prefix = length(var.name) <= 25 ? var.name : "${substr(var.name, 0, 20)}-${substr(md5(var.name), 0, 4)}"
  service   = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${google_cloud_run_v2_service.this.name}\""
}

################################################################################
# Identity: a dedicated service account that may only read the secrets it is given
################################################################################

data "google_service_account" "worker" {
  account_id = "${local.sa_prefix}-run"
}

resource "google_secret_manager_secret_iam_member" "worker" {
  for_each = var.secret_ids

  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${data.google_service_account.worker.email}"
}

################################################################################
# Worker: a Cloud Run service nobody calls. Ingress is internal only and the IAM invoker check
# stays on with no invoker granted, so no request reaches it from the internet or the load
# balancer; it keeps min_instances running with CPU allocated outside requests (cpu_idle =
# false), so background work never pauses. The container still listens on its port: Cloud Run's
# startup and liveness probes ask for health_check_path there.
################################################################################

resource "google_cloud_run_v2_service" "this" {
  name                = var.name
  description         = "Worker of ${var.name}"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  launch_stage        = "GA"
  deletion_protection = var.deletion_protection

  template {
    service_account                  = data.google_service_account.worker.email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    max_instance_request_concurrency = 1
    labels                           = var.labels

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"

      network_interfaces {
        network    = var.network_id
        subnetwork = var.subnet_id
      }
    }

    containers {
      name  = "app"
      image = var.container_image

      ports {
        container_port = var.container_port
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        cpu_idle          = false
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = var.environment

        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.secrets

        content {
          name = env.key

          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }

      startup_probe {
        initial_delay_seconds = 0
        period_seconds        = 5
        timeout_seconds       = 3
        failure_threshold     = 24

        http_get {
          path = var.health_check_path
        }
      }

      liveness_probe {
        period_seconds    = 15
        timeout_seconds   = 5
        failure_threshold = 3

        http_get {
          path = var.health_check_path
        }
      }
    }
  }

  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  # The pipeline deploys images as new revisions: Terraform ignores image and traffic.
  lifecycle {
    ignore_changes = [
      client,
      client_version,
      template[0].containers[0].image,
      template[0].revision,
      traffic,
    ]
  }

  depends_on = [google_secret_manager_secret_iam_member.worker]
}

################################################################################
# Alerts and dashboard widgets: a worker has no requests; its signals are its instances
################################################################################

resource "google_monitoring_alert_policy" "down" {
  display_name          = "${var.name}: no worker instance running"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "No instance of ${var.name} reported for 10 minutes"

    condition_absent {
      filter   = "metric.type=\"run.googleapis.com/container/instance_count\" AND ${local.service}"
      duration = "600s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MAX"
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
    content   = "Worker ${var.name} runs no instance although it keeps ${var.min_instances} (min_instances): its revisions fail their startup probe or crash. Read its logs (gcloud logging read 'resource.labels.service_name=\"${var.name}\"'), then roll it back (docs/runbooks/rollback.md)."
  }
}

resource "google_monitoring_alert_policy" "memory" {
  display_name          = "${var.name}: memory above 90%"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "p95 memory utilization above 90% for 10 minutes"

    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/container/memory/utilizations\" AND ${local.service}"
      comparison      = "COMPARISON_GT"
      threshold_value = 0.9
      duration        = "600s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_PERCENTILE_95"
        cross_series_reducer = "REDUCE_MAX"
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
    content   = "Worker ${var.name} is close to its memory limit (${var.memory}): it is restarted when it reaches it. Raise run_memory in environments/<env>.tfvars, or find what holds the memory."
  }
}

locals {
  dashboard_widgets = [
    {
      title = "${var.name}: worker instances"
      xyChart = {
        dataSets = [{
          plotType = "STACKED_AREA"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"run.googleapis.com/container/instance_count\" AND ${local.service}"
              aggregation = {
                alignmentPeriod    = "60s"
                perSeriesAligner   = "ALIGN_MAX"
                crossSeriesReducer = "REDUCE_SUM"
                groupByFields      = ["metric.label.state"]
              }
            }
          }
        }]
      }
    },
    {
      title = "${var.name}: worker CPU and memory utilization, p95"
      xyChart = {
        dataSets = [
          for metric in ["run.googleapis.com/container/cpu/utilizations", "run.googleapis.com/container/memory/utilizations"] : {
            plotType = "LINE"
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter = "metric.type=\"${metric}\" AND ${local.service}"
                aggregation = {
                  alignmentPeriod    = "60s"
                  perSeriesAligner   = "ALIGN_PERCENTILE_95"
                  crossSeriesReducer = "REDUCE_MAX"
                }
              }
            }
          }
        ]
      }
    },
  ]
}
