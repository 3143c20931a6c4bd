# The application's own secrets (API keys, third-party credentials), a JSON object. Terraform
# creates the secret only: values are added by their owners (`gcloud secrets versions add`) and
# never pass through Terraform state. Replicated in the environment's region only; a destroyed
# version stays recoverable (disabled) for version_destroy_ttl_days.
resource "google_secret_manager_secret" "app" {
  secret_id           = "${var.name}-app"
  deletion_protection = var.deletion_protection

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
  version_destroy_ttl = "${var.version_destroy_ttl_days * 86400}s"
}

# An empty JSON object, so that the application starts before its owners add the real values
# (a new version each; the application reads the latest). Write-only: with secret_data empty,
# refreshing the version reads its metadata only, never its value (:access), so the read-only
# plan identity needs no secret accessor role.
resource "google_secret_manager_secret_version" "initial" {
  secret                 = google_secret_manager_secret.app.id
  secret_data_wo         = "{}"
  secret_data_wo_version = 1
}
