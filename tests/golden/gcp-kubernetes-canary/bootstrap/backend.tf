terraform {
  # The first apply creates the state bucket, so this stack starts with local state. Right
  # after it, switch "local" to "gcs" and move the state into the bucket (bootstrap/README.md):
  #   terraform -chdir=bootstrap init -migrate-state -backend-config=backend.hcl
  backend "local" {}
}
