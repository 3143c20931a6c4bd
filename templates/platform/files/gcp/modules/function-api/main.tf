locals {
  # Service account IDs are limited to 30 characters, connector names to 25.
  sa_prefix      = length(var.name) <= 24 ? var.name : "${substr(var.name, 0, 19)}-${substr(md5(var.name), 0, 4)}"
  connector_name = length(var.name) <= 21 ? "${var.name}-cx" : "${trimsuffix(substr(var.name, 0, 16), "-")}-${substr(md5(var.name), 0, 4)}-cx"
  bucket_name    = "${var.name}-fn-src-${substr(md5(var.project_id), 0, 8)}"

  vpc_access = var.connector_cidr != null
  service    = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${google_cloudfunctions2_function.this.name}\""
}

################################################################################
# Identities: one for the function at run time, one for its builds
################################################################################

# Both created by bootstrap (runtime.tf), which lets the deploy identity act as them (and as no
# other service account of the project).
data "google_service_account" "function" {
  account_id = "${local.sa_prefix}-fn"
}

resource "google_secret_manager_secret_iam_member" "function" {
  for_each = var.secret_ids

  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${data.google_service_account.function.email}"
}

# Builds run as this account rather than the Compute Engine default one: it writes build logs,
# reads the source bucket and pushes the function's image to the environment's repository.
data "google_service_account" "build" {
  account_id = "${local.sa_prefix}-build"
}

resource "google_project_iam_member" "build_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${data.google_service_account.build.email}"
}

resource "google_storage_bucket_iam_member" "build_sources" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${data.google_service_account.build.email}"
}

resource "google_artifact_registry_repository_iam_member" "build_images" {
  location   = var.region
  repository = var.docker_repository_name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${data.google_service_account.build.email}"
}

################################################################################
# Sources: the pipeline uploads each release's archive here; Terraform the placeholder's
################################################################################

resource "google_storage_bucket" "source" {
  # checkov:skip=CKV_GCP_62: holds build inputs only, written by the pipeline; Cloud Audit Logs record who wrote them
  name                        = local.bucket_name
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = var.source_retention_days
    }

    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
    }

    action {
      type = "Delete"
    }
  }
}

# The first revision runs a placeholder answering 200 at the function's entry point, in the
# function's language: the platform builds it at creation, so it must build for that runtime.
locals {
  placeholder_files = startswith(var.runtime, "nodejs") ? {
    "index.js"     = templatefile("${path.module}/placeholder/index.js.tftpl", { entry_point = var.entry_point })
    "package.json" = file("${path.module}/placeholder/package.json")
    } : {
    "main.py"          = templatefile("${path.module}/placeholder/main.py.tftpl", { entry_point = var.entry_point })
    "requirements.txt" = file("${path.module}/placeholder/requirements.txt")
  }
}

data "archive_file" "placeholder" {
  type        = "zip"
  output_path = "${path.root}/.terraform/tmp/${var.name}-function-placeholder.zip"

  dynamic "source" {
    for_each = local.placeholder_files

    content {
      content  = source.value
      filename = source.key
    }
  }
}

resource "google_storage_bucket_object" "placeholder" {
  name   = "placeholder/${data.archive_file.placeholder.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.placeholder.output_path
}

################################################################################
# Private addresses (database, cache) through a Serverless VPC Access connector: Cloud Functions
# has no Direct VPC egress.
################################################################################

resource "google_vpc_access_connector" "this" {
  count = local.vpc_access ? 1 : 0

  name          = local.connector_name
  region        = var.region
  network       = var.network_name
  ip_cidr_range = var.connector_cidr
  machine_type  = "e2-micro"
  min_instances = 2
  max_instances = var.connector_max_instances
}

################################################################################
# Function (2nd gen): a Cloud Run service underneath, whose revisions the pipeline splits traffic
# between. With blue-green and canary a deployment does not move traffic by itself
# (all_traffic_on_latest_revision = false): the pipeline does, step by step.
################################################################################

resource "google_cloudfunctions2_function" "this" {
  # checkov:skip=CKV_GCP_124: without a domain the function's own HTTPS URL is the public entry point; with one, ingress is limited to the load balancer (ALLOW_INTERNAL_AND_GCLB)
  name        = var.name
  location    = var.region
  description = "API handler of ${var.name}"

  build_config {
    runtime           = var.runtime
    entry_point       = var.entry_point
    service_account   = data.google_service_account.build.id
    docker_repository = var.docker_repository_id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.placeholder.name
      }
    }
  }

  service_config {
    available_memory                 = var.memory
    min_instance_count               = var.min_instances
    max_instance_count               = var.max_instances
    max_instance_request_concurrency = var.concurrency
    timeout_seconds                  = var.timeout_seconds
    ingress_settings                 = var.load_balanced ? "ALLOW_INTERNAL_AND_GCLB" : "ALLOW_ALL"
    all_traffic_on_latest_revision   = var.deployment_strategy == "rolling"
    service_account_email            = data.google_service_account.function.email
    environment_variables            = var.environment
    vpc_connector                    = one(google_vpc_access_connector.this[*].id)
    vpc_connector_egress_settings    = local.vpc_access ? "PRIVATE_RANGES_ONLY" : null

    dynamic "secret_environment_variables" {
      for_each = var.secrets

      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = reverse(split("/", secret_environment_variables.value))[0]
        version    = "latest"
      }
    }
  }

  lifecycle {
    ignore_changes = [build_config[0].source]
  }

  depends_on = [
    google_project_iam_member.build_logs,
    google_storage_bucket_iam_member.build_sources,
    google_artifact_registry_repository_iam_member.build_images,
    google_secret_manager_secret_iam_member.function,
  ]
}

# A public API: anyone may invoke it, the application authenticates its callers itself.
resource "google_cloud_run_v2_service_iam_member" "public" {
  # checkov:skip=CKV_GCP_102: a public API; the application authenticates its callers itself
  location = var.region
  name     = google_cloudfunctions2_function.this.service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

################################################################################
# Load balancer backend (with a domain): a serverless network endpoint group on the function's
# Cloud Run service, behind the Cloud Armor policy
################################################################################

resource "google_compute_region_network_endpoint_group" "this" {
  count = var.load_balanced ? 1 : 0

  name                  = var.name
  description           = "Function ${var.name}"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloudfunctions2_function.this.name
  }
}

resource "google_compute_backend_service" "this" {
  count = var.load_balanced ? 1 : 0

  name                  = var.name
  description           = "Function ${var.name}"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  security_policy       = var.security_policy

  backend {
    group = google_compute_region_network_endpoint_group.this[0].id
  }

  log_config {
    enable      = true
    sample_rate = 1
  }
}

################################################################################
# Alerts and dashboard widgets (with a load balancer, its module alerts on 5xx responses)
################################################################################

locals {
  alerts = merge(
    var.load_balanced ? {} : {
      errors = {
        title     = "more than ${var.error_threshold} 5xx responses a minute"
        filter    = "metric.type=\"run.googleapis.com/request_count\" AND ${local.service} AND metric.labels.response_code_class=\"5xx\""
        aligner   = "ALIGN_RATE"
        threshold = var.error_threshold / 60
        severity  = "ERROR"
        advice    = "The function fails. If a release just went out, roll it back (docs/runbooks/rollback.md)."
      }
    },
    {
      latency = {
        title     = "p95 latency above ${var.latency_threshold_ms} ms"
        filter    = "metric.type=\"run.googleapis.com/request_latencies\" AND ${local.service}"
        aligner   = "ALIGN_PERCENTILE_95"
        threshold = var.latency_threshold_ms
        severity  = "WARNING"
        advice    = "The function answers slowly: check the latest revision and its dependencies (database, cache)."
      }
      saturation = {
        title     = "running at its instance ceiling"
        filter    = "metric.type=\"run.googleapis.com/container/instance_count\" AND ${local.service}"
        aligner   = "ALIGN_MAX"
        threshold = var.max_instances * 0.9
        severity  = "WARNING"
        advice    = "The function cannot scale further: raise function_max_instances in environments/<env>.tfvars."
      }
    },
  )
}

resource "google_monitoring_alert_policy" "this" {
  for_each = local.alerts

  display_name          = "${var.name}: ${each.value.title}"
  combiner              = "OR"
  severity              = each.value.severity
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "Function ${each.value.title} for 5 minutes"

    condition_threshold {
      filter          = each.value.filter
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = "300s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = each.value.aligner
        cross_series_reducer = each.value.aligner == "ALIGN_RATE" ? "REDUCE_SUM" : "REDUCE_MAX"
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
    content   = "Function ${var.name}: ${each.value.advice}"
  }
}

locals {
  dashboard_widgets = [
    {
      title = "Function requests by response class (per second)"
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
      title = "Function latency by revision, p95 (ms)"
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
      title = "Function instances"
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
  ]
}
