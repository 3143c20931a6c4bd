locals {
  # Service account IDs are limited to 30 characters (the same rule as the other Cloud Run
  # modules and bootstrap/runtime.tf, which creates both accounts).
  sa_prefix = length(var.name) <= 25 ? var.name : "${substr(var.name, 0, 20)}-${substr(md5(var.name), 0, 4)}"
  job       = "resource.type=\"cloud_run_job\" AND resource.labels.job_name=\"${google_cloud_run_v2_job.this.name}\""
}

################################################################################
# Identities: the job runs as its own account (it reads only the secrets it is given); Cloud
# Scheduler starts it as another one, which may run this job and nothing else.
################################################################################

data "google_service_account" "job" {
  account_id = "${local.sa_prefix}-run"
}

data "google_service_account" "scheduler" {
  account_id = "${local.sa_prefix}-sch"
}

resource "google_secret_manager_secret_iam_member" "job" {
  for_each = var.secret_ids

  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${data.google_service_account.job.email}"
}

################################################################################
# Job: one task per execution, retried max_retries times; private traffic through Direct VPC
# egress. The pipeline sets each release's image: Terraform ignores it.
################################################################################

resource "google_cloud_run_v2_job" "this" {
  name                = var.name
  location            = var.region
  launch_stage        = "GA"
  deletion_protection = var.deletion_protection
  labels              = var.labels

  template {
    task_count = 1
    labels     = var.labels

    template {
      service_account       = data.google_service_account.job.email
      execution_environment = "EXECUTION_ENVIRONMENT_GEN2"
      timeout               = "${var.timeout_seconds}s"
      max_retries           = var.max_retries

      vpc_access {
        egress = "PRIVATE_RANGES_ONLY"

        network_interfaces {
          network    = var.network_id
          subnetwork = var.subnet_id
        }
      }

      containers {
        name  = "job"
        image = var.container_image

        resources {
          limits = {
            cpu    = var.cpu
            memory = var.memory
          }
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
      }
    }
  }

  lifecycle {
    ignore_changes = [
      client,
      client_version,
      template[0].template[0].containers[0].image,
    ]
  }

  depends_on = [google_secret_manager_secret_iam_member.job]
}

# Cloud Run Invoker on this job only: what "Execute jobs on a schedule" asks of the account Cloud
# Scheduler calls the Run API with (not the Cloud Scheduler service agent, which cannot be used).
resource "google_cloud_run_v2_job_iam_member" "scheduler" {
  name     = google_cloud_run_v2_job.this.name
  location = google_cloud_run_v2_job.this.location
  role     = "roles/run.invoker"
  member   = "serviceAccount:${data.google_service_account.scheduler.email}"
}

################################################################################
# Schedule: Cloud Scheduler calls the job's :run method with an OAuth token of its account
################################################################################

resource "google_cloud_scheduler_job" "this" {
  name             = var.name
  description      = "Runs the Cloud Run job ${var.name} at ${var.schedule} (UTC)"
  region           = var.region
  schedule         = var.schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "60s"

  retry_config {
    retry_count          = 3
    min_backoff_duration = "10s"
    max_backoff_duration = "300s"
  }

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${google_cloud_run_v2_job.this.project}/locations/${google_cloud_run_v2_job.this.location}/jobs/${google_cloud_run_v2_job.this.name}:run"

    oauth_token {
      service_account_email = data.google_service_account.scheduler.email
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }

  depends_on = [google_cloud_run_v2_job_iam_member.scheduler]
}

################################################################################
# Alert and dashboard widget: failed executions
################################################################################

resource "google_monitoring_alert_policy" "failed" {
  display_name          = "${var.name}: job execution failed"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "A failed execution of ${var.name}"

    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/job/completed_execution_count\" AND metric.labels.result=\"failed\" AND ${local.job}"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Cloud Run job ${var.name} (schedule ${var.schedule} UTC) failed after its retries. Read the execution's logs (gcloud run jobs executions list --job ${var.name}), fix or roll back its image (docs/runbooks/rollback.md), then run it again: gcloud run jobs execute ${var.name}."
  }
}

locals {
  dashboard_widgets = [
    {
      title = "${var.name}: job executions by result"
      xyChart = {
        dataSets = [{
          plotType = "STACKED_BAR"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"run.googleapis.com/job/completed_execution_count\" AND ${local.job}"
              aggregation = {
                alignmentPeriod    = "3600s"
                perSeriesAligner   = "ALIGN_DELTA"
                crossSeriesReducer = "REDUCE_SUM"
                groupByFields      = ["metric.label.result"]
              }
            }
          }
        }]
      }
    },
  ]
}
