locals {
  # Instance names are limited to 40 characters.
  instance_name = length(var.name) <= 34 ? "${var.name}-cache" : "${trimsuffix(substr(var.name, 0, 29), "-")}-${substr(md5(var.name), 0, 4)}-c"
}

# Private address from the private services access range, TLS (server authentication) required.
# STANDARD_HA keeps a replica in another zone with automatic failover.
#
# No Redis AUTH, on purpose: with auth_enabled, provider 6.x reads the AUTH string on every
# refresh (hashicorp/terraform-provider-google#24784), so every plan would need
# redis.instances.getAuthString, a secret read, and the string would sit in every plan and
# state. The instance is reachable only from its environment's VPC (private services access,
# deny-by-default firewall) over TLS; docs/SECURITY.md records the choice.
resource "google_redis_instance" "this" {
  # checkov:skip=CKV_GCP_95: AUTH would put a secret read in every plan (provider#24784); private services access and TLS only, see docs/SECURITY.md
  name                    = local.instance_name
  display_name            = "Redis cache of ${var.name}"
  region                  = var.region
  tier                    = var.high_availability ? "STANDARD_HA" : "BASIC"
  memory_size_gb          = var.memory_size_gb
  redis_version           = "REDIS_7_2"
  authorized_network      = var.network_id
  connect_mode            = "PRIVATE_SERVICE_ACCESS"
  reserved_ip_range       = var.reserved_ip_range
  auth_enabled            = false
  transit_encryption_mode = "SERVER_AUTHENTICATION"

  redis_configs = {
    maxmemory-policy = "allkeys-lru"
  }

  persistence_config {
    persistence_mode    = var.snapshot_period == null ? "DISABLED" : "RDB"
    rdb_snapshot_period = var.snapshot_period
  }

  maintenance_policy {
    description = "Sunday night, after the database's window"

    weekly_maintenance_window {
      day = "SUNDAY"

      start_time {
        hours   = 4
        minutes = 30
        seconds = 0
        nanos   = 0
      }
    }
  }
}

################################################################################
# Alerts and dashboard widgets
################################################################################

locals {
  metric = "resource.type=\"redis_instance\" AND resource.labels.instance_id=\"${google_redis_instance.this.id}\""
}

resource "google_monitoring_alert_policy" "memory" {
  display_name          = "${var.name}: cache memory above 85% for 15 minutes"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "Redis memory usage above 85%"

    condition_threshold {
      filter          = "metric.type=\"redis.googleapis.com/stats/memory/usage_ratio\" AND ${local.metric}"
      comparison      = "COMPARISON_GT"
      threshold_value = 0.85
      duration        = "900s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
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
    content   = "Redis ${google_redis_instance.this.name} is evicting keys (allkeys-lru): raise cache_memory_gb in environments/<env>.tfvars."
  }
}

locals {
  dashboard_widgets = [
    {
      title = "Cache memory usage (ratio)"
      xyChart = {
        dataSets = [{
          plotType = "LINE"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter      = "metric.type=\"redis.googleapis.com/stats/memory/usage_ratio\" AND ${local.metric}"
              aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_MAX" }
            }
          }
        }]
      }
    },
    {
      title = "Cache clients and evicted keys"
      xyChart = {
        dataSets = [
          for metric in ["redis.googleapis.com/clients/connected", "redis.googleapis.com/stats/evicted_keys"] : {
            plotType = "LINE"
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter      = "metric.type=\"${metric}\" AND ${local.metric}"
                aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_MEAN" }
              }
            }
          }
        ]
      }
    },
  ]
}
