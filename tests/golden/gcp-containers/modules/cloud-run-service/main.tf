locals {
  # Service account IDs are limited to 30 characters.
  sa_prefix = length(var.name) <= 25 ? var.name : "${substr(var.name, 0, 20)}-${substr(md5(var.name), 0, 4)}"
  service   = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${google_cloud_run_v2_service.this.name}\""
}

################################################################################
# Identity: a dedicated service account that may only read the secrets it is given
################################################################################

# Created by bootstrap (runtime.tf), which lets the deploy identity act as it (and as no other
# service account of the project).
data "google_service_account" "app" {
  account_id = "${local.sa_prefix}-run"
}

resource "google_secret_manager_secret_iam_member" "app" {
  for_each = var.secret_ids

  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${data.google_service_account.app.email}"
}

################################################################################
# Service: reachable only through the load balancer (and from the VPC); private traffic leaves
# through Direct VPC egress into the workloads subnet, the rest goes straight to the internet.
################################################################################

# Anyone may invoke the service (invoker IAM check off): it is public behind the load balancer
# and its Cloud Armor policy, and the application authenticates its users itself; no allUsers
# binding is needed, so a domain-restricted-sharing organization policy does not get in the way.
# The pipeline deploys images as new revisions and moves traffic between them (tagged revisions
# for blue-green and canary): Terraform ignores image and traffic, and changes the rest.

resource "google_cloud_run_v2_service" "this" {
  name                 = var.name
  description          = "Application of ${var.name}"
  location             = var.region
  ingress              = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
  launch_stage         = "GA"
  deletion_protection  = var.deletion_protection
  invoker_iam_disabled = true

  template {
    service_account                  = data.google_service_account.app.email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    timeout                          = "${var.request_timeout_seconds}s"
    max_instance_request_concurrency = var.concurrency
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
        cpu_idle          = var.min_instances == 0
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

  lifecycle {
    ignore_changes = [
      client,
      client_version,
      template[0].containers[0].image,
      template[0].revision,
      traffic,
    ]
  }

  depends_on = [google_secret_manager_secret_iam_member.app]
}

################################################################################
# Load balancer backend: a serverless network endpoint group, behind the Cloud Armor policy
################################################################################

resource "google_compute_region_network_endpoint_group" "this" {
  name                  = var.name
  description           = "Cloud Run service ${var.name}"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloud_run_v2_service.this.name
  }
}

resource "google_compute_backend_service" "this" {
  name                  = var.name
  description           = "Cloud Run service ${var.name}"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  security_policy       = var.security_policy
  enable_cdn            = false

  backend {
    group = google_compute_region_network_endpoint_group.this.id
  }

  log_config {
    enable      = true
    sample_rate = var.request_log_sample_rate
  }
}

################################################################################
# Alerts and dashboard widgets (the load balancer module alerts on 5xx responses)
################################################################################

resource "google_monitoring_alert_policy" "latency" {
  display_name          = "${var.name}: p95 latency above ${var.latency_threshold_ms} ms"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "p95 request latency above ${var.latency_threshold_ms} ms for 5 minutes"

    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/request_latencies\" AND ${local.service}"
      comparison      = "COMPARISON_GT"
      threshold_value = var.latency_threshold_ms
      duration        = "300s"

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
    content   = "Cloud Run service ${var.name} answers slowly. Check the latest revision (a release?), its dependencies (database, cache) and whether it runs at max_instances."
  }
}

resource "google_monitoring_alert_policy" "saturation" {
  display_name          = "${var.name}: running at its instance ceiling"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "Instances at ${var.max_instances} (the maximum) for 10 minutes"

    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/container/instance_count\" AND ${local.service}"
      comparison      = "COMPARISON_GT"
      threshold_value = var.max_instances * 0.9
      duration        = "600s"

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
    content   = "Cloud Run service ${var.name} cannot scale further: requests queue or fail. Raise run_max_instances in environments/<env>.tfvars, or find what slows the instances down."
  }
}

locals {
  dashboard_widgets = [
    {
      title = "Cloud Run requests by response class (per second)"
      xyChart = {
        dataSets = [{
          plotType = "STACKED_AREA"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"run.googleapis.com/request_count\" AND ${local.service}"
              aggregation = {
                alignmentPeriod    = "60s"
                perSeriesAligner   = "ALIGN_RATE"
                crossSeriesReducer = "REDUCE_SUM"
                groupByFields      = ["metric.label.response_code_class"]
              }
            }
          }
        }]
      }
    },
    {
      title = "Cloud Run latency by revision, p95 (ms)"
      xyChart = {
        dataSets = [{
          plotType = "LINE"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"run.googleapis.com/request_latencies\" AND ${local.service}"
              aggregation = {
                alignmentPeriod    = "60s"
                perSeriesAligner   = "ALIGN_PERCENTILE_95"
                crossSeriesReducer = "REDUCE_MAX"
                groupByFields      = ["resource.label.revision_name"]
              }
            }
          }
        }]
      }
    },
    {
      title = "Cloud Run instances"
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
      title = "Cloud Run CPU and memory utilization, p95"
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
