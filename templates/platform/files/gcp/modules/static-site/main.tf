locals {
  suffix          = substr(md5(var.project_id), 0, 8)
  initial_release = "releases/initial/"
  backend         = "resource.type=\"https_lb_rule\" AND resource.labels.backend_target_name=\"${google_compute_backend_bucket.this.name}\""
}

################################################################################
# Access logs: usage logs of the site bucket, kept log_retention_days
################################################################################

resource "google_storage_bucket" "logs" {
  # checkov:skip=CKV_GCP_62: this is the access-log bucket; logging it into itself would loop
  name                        = "${var.name}-logs-${local.suffix}"
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
      age = var.log_retention_days
    }

    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 1
    }

    action {
      type = "Delete"
    }
  }
}

# Cloud Storage writes usage logs as this Google group.
resource "google_storage_bucket_iam_member" "logs_writer" {
  bucket = google_storage_bucket.logs.name
  role   = "roles/storage.objectCreator"
  member = "group:cloud-storage-analytics@google.com"
}

################################################################################
# Site bucket: one folder per release (releases/<commit>/), read by the load balancer. Backend
# buckets read objects anonymously, so the site's objects are public: published web content only.
################################################################################

resource "google_storage_bucket" "site" {
  # checkov:skip=CKV_GCP_114: backend buckets read objects anonymously; public access prevention would take the site down
  name                        = "${var.name}-site-${local.suffix}"
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "inherited"
  force_destroy               = var.force_destroy

  versioning {
    enabled = true
  }

  website {
    main_page_suffix = "index.html"
    not_found_page   = "404.html"
  }

  logging {
    log_bucket        = google_storage_bucket.logs.name
    log_object_prefix = "site/"
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 30
    }

    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }

    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_storage_bucket_iam_member.logs_writer]
}

resource "google_storage_bucket_iam_member" "public_read" {
  # checkov:skip=CKV_GCP_28: published web content served through Cloud CDN; the bucket holds the built site only
  bucket = google_storage_bucket.site.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

# Served until the first release is published (the load balancer starts on releases/initial/).
resource "google_storage_bucket_object" "placeholder" {
  name          = "${local.initial_release}index.html"
  bucket        = google_storage_bucket.site.name
  content       = "<!doctype html><title>${var.name}</title><p>No release has been published yet.</p>\n"
  content_type  = "text/html; charset=utf-8"
  cache_control = "no-cache"
}

################################################################################
# CDN: the load balancer's backend bucket, caching static content at Google's edge
################################################################################

resource "google_compute_backend_bucket" "this" {
  name             = var.name
  description      = "Static site of ${var.name}"
  bucket_name      = google_storage_bucket.site.name
  enable_cdn       = true
  compression_mode = "AUTOMATIC"

  custom_response_headers = concat(
    [
      "X-Content-Type-Options: nosniff",
      "X-Frame-Options: DENY",
      "Referrer-Policy: strict-origin-when-cross-origin",
    ],
    var.https_only ? ["Strict-Transport-Security: max-age=31536000; includeSubDomains"] : [],
  )

  cdn_policy {
    cache_mode        = "CACHE_ALL_STATIC"
    client_ttl        = 300
    default_ttl       = 3600
    max_ttl           = 86400
    negative_caching  = true
    serve_while_stale = 86400
  }
}

################################################################################
# Dashboard widgets (the load balancer module alerts on 5xx responses)
################################################################################

locals {
  dashboard_widgets = [
    {
      title = "Site requests by cache result (per second)"
      xyChart = {
        dataSets = [{
          plotType = "STACKED_AREA"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"loadbalancing.googleapis.com/https/request_count\" AND ${local.backend}"
              aggregation = {
                alignmentPeriod    = "60s"
                perSeriesAligner   = "ALIGN_RATE"
                crossSeriesReducer = "REDUCE_SUM"
                groupByFields      = ["metric.label.cache_result"]
              }
            }
          }
        }]
      }
    },
  ]
}
