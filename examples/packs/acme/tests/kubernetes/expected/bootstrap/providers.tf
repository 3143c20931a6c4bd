provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = var.project_name
      environment = "shared"
      owner       = var.owner
      managed-by  = "terraform"
    }
  }
}
