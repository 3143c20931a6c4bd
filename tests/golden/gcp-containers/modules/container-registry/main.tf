# Google-managed encryption at rest: a customer-managed key would need the Artifact Registry
# service agent, which exists only once a repository does (see docs/gcp-layout.md). Every pushed
# image is scanned when the Container Scanning API is on (bootstrap enables it); the most recent
# images (rollback targets) are never cleaned up: KEEP wins over DELETE.
resource "google_artifact_registry_repository" "this" {
  # checkov:skip=CKV_GCP_84: Google-managed encryption; CMEK needs the Artifact Registry service agent before the first repository exists, which only the beta API can create
  repository_id          = var.name
  description            = "Container images of ${var.name}"
  location               = var.region
  format                 = "DOCKER"
  cleanup_policy_dry_run = false

  docker_config {
    immutable_tags = true
  }

  vulnerability_scanning_config {
    enablement_config = "INHERITED"
  }

  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"

    condition {
      tag_state  = "UNTAGGED"
      older_than = "${var.untagged_retention_days * 86400}s"
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"

    condition {
      tag_state  = "ANY"
      older_than = "${var.image_retention_days * 86400}s"
    }
  }

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"

    most_recent_versions {
      keep_count = var.images_to_keep
    }
  }
}

resource "google_artifact_registry_repository_iam_member" "readers" {
  for_each = var.reader_members

  location   = google_artifact_registry_repository.this.location
  repository = google_artifact_registry_repository.this.name
  role       = "roles/artifactregistry.reader"
  member     = each.value
}
