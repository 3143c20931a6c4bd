locals {
  environments = { for env in var.environments : env.name => env }

  # APIs each environment's project needs, following the stack's answers.
  environment_services = distinct(concat(
    [
      "cloudresourcemanager.googleapis.com",
      "compute.googleapis.com",
      "iam.googleapis.com",
      "iamcredentials.googleapis.com",
      "logging.googleapis.com",
      "monitoring.googleapis.com",
      "secretmanager.googleapis.com",
      "serviceusage.googleapis.com",
    ],
    {
      containers  = ["run.googleapis.com", "artifactregistry.googleapis.com", "containerscanning.googleapis.com"]
      kubernetes  = ["container.googleapis.com", "artifactregistry.googleapis.com", "containerscanning.googleapis.com", "binaryauthorization.googleapis.com", "containeranalysis.googleapis.com"]
      serverless  = ["cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com", "artifactregistry.googleapis.com", "containerscanning.googleapis.com", "storage.googleapis.com"]
      static-site = ["storage.googleapis.com"]
    }[var.compute],
    var.database != "none" ? ["sqladmin.googleapis.com", "servicenetworking.googleapis.com"] : [],
    var.cache != "none" ? ["redis.googleapis.com", "servicenetworking.googleapis.com"] : [],
    var.compute == "serverless" && (var.database != "none" || var.cache != "none") ? ["vpcaccess.googleapis.com"] : [],
    var.dns_enabled ? ["dns.googleapis.com"] : [],
  ))
  state_services = [
    "cloudkms.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "storage.googleapis.com",
    "sts.googleapis.com",
  ]

  # One entry per project and API, whether a project holds one environment, several, or the state.
  project_services = merge(
    { for pair in setproduct(distinct([for env in var.environments : env.project_id]), local.environment_services) : "${pair[0]}/${pair[1]}" => { project = pair[0], service = pair[1] } },
    { for service in local.state_services : "${var.state_project_id}/${service}" => { project = var.state_project_id, service = service } },
  )
}

################################################################################
# APIs: enabled here, with administrator rights, so the CI identities need no right to enable them
################################################################################

resource "google_project_service" "this" {
  for_each = local.project_services

  project                    = each.value.project
  service                    = each.value.service
  disable_on_destroy         = false
  disable_dependent_services = false
}

################################################################################
# State: one bucket in the state project, one prefix per environment (<env>/default.tfstate,
# <env>/addons/default.tfstate), natively locked by the GCS backend; versioned, encrypted with a
# customer-managed key, never public. Each environment's identities reach their prefix only
# (IAM conditions, ci.tf); this stack's own state is under _bootstrap/, which no environment
# name can match (names start with a letter).
################################################################################

resource "google_kms_key_ring" "state" {
  name     = "${var.project_name}-tfstate"
  location = var.state_location

  depends_on = [google_project_service.this]
}

resource "google_kms_crypto_key" "state" {
  name                       = "tfstate"
  key_ring                   = google_kms_key_ring.state.id
  purpose                    = "ENCRYPT_DECRYPT"
  rotation_period            = "7776000s"
  destroy_scheduled_duration = "2592000s"

  lifecycle {
    prevent_destroy = true
  }
}

# Cloud Storage encrypts and decrypts with the key as its own service agent: the identities that
# read and write the state need no right on the key.
data "google_storage_project_service_account" "state" {
  depends_on = [google_project_service.this]
}

resource "google_kms_crypto_key_iam_member" "state_storage" {
  crypto_key_id = google_kms_crypto_key.state.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = data.google_storage_project_service_account.state.member
}

# Who read or wrote which state is recorded by Cloud Audit Logs (data access logs of Cloud
# Storage, enabled below), not by usage logs.
resource "google_storage_bucket" "state" {
  # checkov:skip=CKV_GCP_62: state access is audited with Cloud Audit Logs data access logs (google_project_iam_audit_config.storage); usage logs would need a second bucket
  name                        = var.state_bucket_name
  location                    = var.state_location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  encryption {
    default_kms_key_name = google_kms_crypto_key.state.id
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 50
      with_state         = "ARCHIVED"
    }

    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 90
    }

    action {
      type = "Delete"
    }
  }

  lifecycle {
    prevent_destroy = true

    # An environment's deploy identity administers its project: the state cannot live there.
    precondition {
      condition     = !contains([for env in var.environments : env.project_id], var.state_project_id)
      error_message = "state_project_id must be a project of its own, not an environment's project_id."
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.state_storage]
}

resource "google_project_iam_audit_config" "storage" {
  project = var.state_project_id
  service = "storage.googleapis.com"

  audit_log_config {
    log_type = "DATA_READ"
  }

  audit_log_config {
    log_type = "DATA_WRITE"
  }
}

################################################################################
# DNS: the public zone of each environment's domain (the apex for the last environment,
# <env>.<domain> for the others), in the environment's project, created here so that its name
# servers can be delegated before the first apply: the load balancer's Google-managed
# certificate is provisioned only once the domain resolves to it. The root stack reads the zone
# (data source) and writes its records.
################################################################################

resource "google_dns_managed_zone" "environment" {
  for_each = var.dns_domains

  project     = local.environments[each.key].project_id
  name        = replace(each.value, ".", "-")
  dns_name    = "${each.value}."
  description = "Public zone of ${each.value} (${var.project_name} ${each.key})"
  visibility  = "public"

  dnssec_config {
    state = "on"
  }

  depends_on = [google_project_service.this]
}
