locals {
  engine = {
    postgres = {
      version = "POSTGRES_18"
      port    = 5432
      # Audit and troubleshooting logs (CIS benchmark). Statements are not logged by duration:
      # they may carry personal data; Query Insights shows the slow ones instead.
      flags = {
        "cloudsql.iam_authentication" = "on" # the application signs in as its service account
        "cloudsql.enable_pgaudit"     = "on"
        "pgaudit.log"                 = "ddl,role"
        "log_checkpoints"             = "on"
        "log_connections"             = "on"
        "log_disconnections"          = "on"
        "log_duration"                = "on"
        "log_hostname"                = "off"
        "log_lock_waits"              = "on"
        "log_min_duration_statement"  = "-1"
        "log_min_error_statement"     = "error"
        "log_min_messages"            = "warning"
        "log_statement"               = "ddl"
        "log_temp_files"              = "0"
      }
    }
    mysql = {
      version = "MYSQL_8_4"
      port    = 3306
      flags = {
        "cloudsql_iam_authentication" = "on" # the application signs in as its service account
        "local_infile"                = "off"
        "skip_show_database"          = "on"
        "slow_query_log"              = "on"
        "long_query_time"             = "1"
        "log_output"                  = "FILE"
      }
    }
  }[var.engine]

  # Instance names cannot be reused for a week after a deletion: a suffix lets an environment be
  # destroyed and created again at once.
  instance_name = "${var.name}-${random_id.instance.hex}"

  # IAM database user of the runtime service account. PostgreSQL takes the e-mail without
  # .gserviceaccount.com (user name length), MySQL the whole e-mail and keeps the part before @
  # (hashicorp/terraform-provider-google#14019); the application signs in with that user name.
  iam_user = var.engine == "postgres" ? trimsuffix(var.app_service_account_email, ".gserviceaccount.com") : var.app_service_account_email
  username = var.engine == "postgres" ? local.iam_user : split("@", var.app_service_account_email)[0]

  # The other services' IAM database users, by the same rule; each needs its own instanceUser
  # binding (Cloud SQL: the role is assigned to each service account individually).
  service_iam_users = { for key, email in var.service_account_emails : key => var.engine == "postgres" ? trimsuffix(email, ".gserviceaccount.com") : email }
  service_usernames = { for key, email in var.service_account_emails : key => var.engine == "postgres" ? local.service_iam_users[key] : split("@", email)[0] }
  login_roles       = ["roles/cloudsql.instanceUser", "roles/cloudsql.client"]
  service_logins = {
    for pair in setproduct(keys(var.service_account_emails), local.login_roles) : "${pair[0]}/${pair[1]}" => {
      service = pair[0]
      role    = pair[1]
    }
  }
}

resource "random_id" "instance" {
  byte_length = 2

  keepers = {
    engine = var.engine
  }
}

################################################################################
# Instance: private IP only (private services access), TLS required, backups with point-in-time
# recovery; high availability (a standby in another zone) and deletion protection when protected
################################################################################

resource "google_sql_database_instance" "this" {
  # checkov:skip=CKV_GCP_6: TLS is required (ssl_mode ENCRYPTED_ONLY); client certificates are not, so any PostgreSQL or MySQL driver connects over the private address
  name                = local.instance_name
  database_version    = local.engine.version
  region              = var.region
  deletion_protection = var.deletion_protection

  settings {
    edition                     = "ENTERPRISE"
    tier                        = var.tier
    availability_type           = var.high_availability ? "REGIONAL" : "ZONAL"
    disk_type                   = "PD_SSD"
    disk_size                   = var.disk_size_gb
    disk_autoresize             = true
    disk_autoresize_limit       = var.disk_autoresize_limit_gb
    deletion_protection_enabled = var.deletion_protection
    retain_backups_on_delete    = var.deletion_protection
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_id
      allocated_ip_range                            = var.allocated_ip_range
      ssl_mode                                      = "ENCRYPTED_ONLY"
      enable_private_path_for_google_cloud_services = false
    }

    backup_configuration {
      enabled                        = true
      start_time                     = "02:00"
      point_in_time_recovery_enabled = var.engine == "postgres"
      binary_log_enabled             = var.engine == "mysql"
      transaction_log_retention_days = min(var.backup_retention_days, 7)

      backup_retention_settings {
        retained_backups = var.backup_retention_days
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = 7
      hour         = 3
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled  = var.query_insights_enabled
      query_string_length     = 1024
      record_application_tags = true
      record_client_address   = false
    }

    password_validation_policy {
      enable_password_policy      = true
      min_length                  = 32
      complexity                  = "COMPLEXITY_DEFAULT"
      disallow_username_substring = true
    }

    dynamic "database_flags" {
      for_each = local.engine.flags

      content {
        name  = database_flags.key
        value = database_flags.value
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.allocated_ip_range != null
      error_message = "The database needs the network's private services access range (network module with private_services_access = true)."
    }
  }
}

################################################################################
# Administrator. PostgreSQL keeps its built-in `postgres` user (no password until the one-time
# grants set one). MySQL's root@% has no password, so the provider deletes it right after
# creating the instance (resource_sql_database_instance.go; hashicorp/terraform-provider-google#22562
# shows it does so even with root_password set): `dbadmin` stands in for it, a built-in user that
# Cloud SQL makes a member of cloudsqlsuperuser. Its first password is ephemeral and write-only
# (password_wo, google >= 6.24): it never reaches the plan or the state, so no identity that reads
# them learns it; the grants of docs/runbooks/create-environment.md set one and replace it.
################################################################################

ephemeral "random_password" "admin" {
  count = var.engine == "mysql" ? 1 : 0

  length           = 48
  override_special = "-_"
  min_lower        = 2
  min_upper        = 2
  min_numeric      = 2
  min_special      = 2
}

resource "google_sql_user" "admin" {
  count = var.engine == "mysql" ? 1 : 0

  name                = "dbadmin"
  host                = "%"
  instance            = google_sql_database_instance.this.name
  type                = "BUILT_IN"
  password_wo         = ephemeral.random_password.admin[0].result
  password_wo_version = 1
}

resource "google_sql_database" "app" {
  name     = var.database_name
  instance = google_sql_database_instance.this.name
}

################################################################################
# Application user: the runtime service account, through IAM database authentication. It gets
# no password and is not a member of cloudsqlsuperuser (Cloud SQL makes built-in users created
# through the API members of it): it owns nothing until the one-time grants of
# docs/runbooks/create-environment.md give it its own database. It signs in with a short-lived
# access token (roles/cloudsql.instanceUser) as the password, over TLS.
################################################################################

resource "google_project_iam_member" "app_login" {
  for_each = toset(local.login_roles)

  project = google_sql_database_instance.this.project
  role    = each.value
  member  = "serviceAccount:${var.app_service_account_email}"
}

# Kept on destroy (ABANDON): PostgreSQL refuses to drop a user who owns objects.
resource "google_sql_user" "app" {
  name            = local.iam_user
  instance        = google_sql_database_instance.this.name
  type            = "CLOUD_IAM_SERVICE_ACCOUNT"
  deletion_policy = "ABANDON"
}

# The other services (service_account_emails): the same sign-in, each as its own service account
# and database user, with the same two roles and nothing more; the one-time grants give each
# its privileges on the application database.
resource "google_project_iam_member" "service_login" {
  for_each = local.service_logins

  project = google_sql_database_instance.this.project
  role    = each.value.role
  member  = "serviceAccount:${var.service_account_emails[each.value.service]}"
}

resource "google_sql_user" "service" {
  for_each = local.service_iam_users

  name            = each.value
  instance        = google_sql_database_instance.this.name
  type            = "CLOUD_IAM_SERVICE_ACCOUNT"
  deletion_policy = "ABANDON"
}

################################################################################
# Alerts and dashboard widgets
################################################################################

locals {
  database_id = "${google_sql_database_instance.this.project}:${google_sql_database_instance.this.name}"
  metric      = "resource.type=\"cloudsql_database\" AND resource.labels.database_id=\"${local.database_id}\""

  alerts = {
    cpu = {
      title     = "database CPU above 80% for 15 minutes"
      metric    = "cloudsql.googleapis.com/database/cpu/utilization"
      threshold = 0.8
      duration  = "900s"
      advice    = "Find the expensive queries in Query Insights, or move to a larger tier (database_tier in environments/<env>.tfvars)."
    }
    memory = {
      title     = "database memory above 90% for 15 minutes"
      metric    = "cloudsql.googleapis.com/database/memory/utilization"
      threshold = 0.9
      duration  = "900s"
      advice    = "The tier is too small for the working set: move to a larger tier (database_tier in environments/<env>.tfvars)."
    }
    disk = {
      title     = "database disk above 85%"
      metric    = "cloudsql.googleapis.com/database/disk/utilization"
      threshold = 0.85
      duration  = "600s"
      advice    = "Storage grows on its own up to disk_autoresize_limit_gb; raise the limit (database_disk_autoresize_limit_gb) before it is reached."
    }
  }
}

resource "google_monitoring_alert_policy" "this" {
  for_each = local.alerts

  display_name          = "${var.name}: ${each.value.title}"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = each.value.title

    condition_threshold {
      filter          = "metric.type=\"${each.value.metric}\" AND ${local.metric}"
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = each.value.duration

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MEAN"
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
    content   = "Cloud SQL instance ${google_sql_database_instance.this.name}: ${each.value.advice}"
  }
}

locals {
  dashboard_widgets = [
    {
      title = "Database CPU, memory and disk utilization"
      xyChart = {
        dataSets = [
          for key in ["cpu", "memory", "disk"] : {
            plotType       = "LINE"
            legendTemplate = key
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter      = "metric.type=\"${local.alerts[key].metric}\" AND ${local.metric}"
                aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_MEAN" }
              }
            }
          }
        ]
      }
    },
    {
      title = "Database connections"
      xyChart = {
        dataSets = [{
          plotType = "LINE"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter      = "metric.type=\"cloudsql.googleapis.com/database/network/connections\" AND ${local.metric}"
              aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_MEAN" }
            }
          }
        }]
      }
    },
  ]
}
