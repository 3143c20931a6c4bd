provider "google" {
  project = var.state_project_id
  region  = var.state_location

  default_labels = {
    project     = var.project_name
    environment = "shared"
    owner       = substr(replace(lower(var.owner), "/[^a-z0-9_-]/", "-"), 0, 63)
    managed-by  = "terraform"
  }
}
