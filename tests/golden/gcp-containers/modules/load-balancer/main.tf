locals {
  https_enabled = var.domain_name != null

  # A managed certificate cannot change its domains: a new one (named after them) is created
  # before the old one is released.
  certificate_name = local.https_enabled ? "${var.name}-${substr(md5(var.domain_name), 0, 8)}" : null
}

# Global external Application Load Balancer (Envoy-based, EXTERNAL_MANAGED) on a reserved
# address. With a domain: HTTPS with a Google-managed certificate, HTTP redirects to HTTPS.
# Without one: HTTP only, until a domain is configured.
resource "google_compute_global_address" "this" {
  name         = var.name
  description  = "Public address of ${var.name}"
  address_type = "EXTERNAL"
  ip_version   = "IPV4"
}

# With path_prefix_rewrite, every request is served from that prefix of the backend (a static
# site's current release): the pipeline moves it to each new release, so Terraform leaves the
# path matcher alone after creating it.
resource "google_compute_url_map" "this" {
  name            = var.name
  description     = "Routes of ${var.name}"
  default_service = var.default_backend

  dynamic "host_rule" {
    for_each = var.path_prefix_rewrite == null ? [] : [1]

    content {
      hosts        = ["*"]
      path_matcher = "release"
    }
  }

  dynamic "path_matcher" {
    for_each = var.path_prefix_rewrite == null ? [] : [var.path_prefix_rewrite]

    content {
      name            = "release"
      default_service = var.default_backend

      route_rules {
        priority = 1
        service  = var.default_backend

        match_rules {
          prefix_match = "/"
        }

        route_action {
          url_rewrite {
            path_prefix_rewrite = path_matcher.value
          }
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [path_matcher]
  }
}

resource "google_compute_url_map" "https_redirect" {
  count = local.https_enabled ? 1 : 0

  name        = "${var.name}-https-redirect"
  description = "Redirects HTTP to HTTPS for ${var.name}"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "this" {
  name        = "${var.name}-http"
  description = local.https_enabled ? "Redirects to HTTPS" : "Serves ${var.name} over HTTP (no domain configured)"
  url_map     = local.https_enabled ? google_compute_url_map.https_redirect[0].id : google_compute_url_map.this.id
}

# Forwarding rules listen on their proxy's port: 80 for HTTP, 443 for HTTPS.
resource "google_compute_global_forwarding_rule" "http" {
  name                  = "${var.name}-http"
  target                = google_compute_target_http_proxy.this.id
  ip_address            = google_compute_global_address.this.id
  ip_protocol           = "TCP"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

resource "google_compute_managed_ssl_certificate" "this" {
  count = local.https_enabled ? 1 : 0

  name        = local.certificate_name
  description = "Certificate of ${var.domain_name}"

  managed {
    domains = [var.domain_name]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_ssl_policy" "this" {
  count = local.https_enabled ? 1 : 0

  name            = var.name
  description     = "TLS 1.2 and later, modern ciphers only"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "this" {
  count = local.https_enabled ? 1 : 0

  name             = "${var.name}-https"
  description      = "Serves ${var.domain_name}"
  url_map          = google_compute_url_map.this.id
  ssl_certificates = [google_compute_managed_ssl_certificate.this[0].id]
  ssl_policy       = google_compute_ssl_policy.this[0].id
}

resource "google_compute_global_forwarding_rule" "https" {
  count = local.https_enabled ? 1 : 0

  name                  = "${var.name}-https"
  target                = google_compute_target_https_proxy.this[0].id
  ip_address            = google_compute_global_address.this.id
  ip_protocol           = "TCP"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

################################################################################
# Alert and dashboard widgets: what users get, whichever backend answers
################################################################################

locals {
  requests = "metric.type=\"loadbalancing.googleapis.com/https/request_count\" AND resource.type=\"https_lb_rule\" AND resource.labels.url_map_name=\"${google_compute_url_map.this.name}\""
}

resource "google_monitoring_alert_policy" "errors" {
  display_name          = "${var.name}: more than ${var.error_rate_percent}% of responses are 5xx"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "Share of 5xx responses above ${var.error_rate_percent}% for 5 minutes"

    condition_threshold {
      filter             = "${local.requests} AND metric.labels.response_code_class=500"
      denominator_filter = local.requests
      comparison         = "COMPARISON_GT"
      threshold_value    = var.error_rate_percent / 100
      duration           = "300s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
      }

      denominator_aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_RATE"
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
    content   = "Users of ${var.name} get server errors. If a release just went out, roll it back (docs/runbooks/rollback.md); otherwise see docs/runbooks/incident-response.md."
  }
}

locals {
  dashboard_widgets = [
    {
      title = "Load balancer requests by response class (per second)"
      xyChart = {
        dataSets = [{
          plotType = "STACKED_AREA"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = local.requests
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
      title = "Load balancer latency, p50 and p95 (ms)"
      xyChart = {
        dataSets = [
          for percentile in ["50", "95"] : {
            plotType       = "LINE"
            legendTemplate = "p${percentile}"
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter = "metric.type=\"loadbalancing.googleapis.com/https/total_latencies\" AND resource.type=\"https_lb_rule\" AND resource.labels.url_map_name=\"${google_compute_url_map.this.name}\""
                aggregation = {
                  alignmentPeriod    = "60s"
                  perSeriesAligner   = "ALIGN_PERCENTILE_${percentile}"
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
