output "app_secret_id" {
  description = "ID of the application secret (projects/<project>/secrets/<name>); available once it has a version."
  value       = google_secret_manager_secret_version.initial.secret
}

output "app_secret_name" {
  description = "Short name of the application secret (gcloud secrets versions add <name>)."
  value       = google_secret_manager_secret.app.secret_id
}
