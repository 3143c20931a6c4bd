output "repository_id" {
  description = "ID of the repository (projects/<project>/locations/<region>/repositories/<name>)."
  value       = google_artifact_registry_repository.this.id
}

output "repository_name" {
  description = "Name of the repository."
  value       = google_artifact_registry_repository.this.name
}

output "repository_url" {
  description = "Image path prefix: <region>-docker.pkg.dev/<project>/<repository> (docker push <url>/<image>:<tag>)."
  value       = "${google_artifact_registry_repository.this.location}-docker.pkg.dev/${google_artifact_registry_repository.this.project}/${google_artifact_registry_repository.this.repository_id}"
}
