# Every resource with labels gets the environment's (default_labels); the few label fields the
# provider does not reach (revision, alert policy and database labels) are set by the modules.
provider "google" {
  project        = var.project_id
  region         = var.region
  default_labels = local.labels
}
