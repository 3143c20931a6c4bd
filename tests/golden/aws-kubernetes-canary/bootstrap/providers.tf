# The default provider works in the state account; one alias per environment works in that
# environment's account, through a role the operator may assume there (bootstrap/README.md).
provider "aws" {
  region              = var.region
  allowed_account_ids = [var.state_account_id]

  default_tags {
    tags = {
      project     = var.project_name
      environment = "shared"
      owner       = var.owner
      managed-by  = "terraform"
    }
  }
}

provider "aws" {
  alias               = "staging"
  region              = "us-east-1"
  allowed_account_ids = ["444444444444"]

  assume_role {
    role_arn = format("arn:%s:iam::%s:role/%s", var.partition, "444444444444", var.environment_admin_role_name)
  }

  default_tags {
    tags = {
      project     = var.project_name
      environment = "staging"
      owner       = var.owner
      managed-by  = "terraform"
    }
  }
}

provider "aws" {
  alias               = "prod"
  region              = "us-east-1"
  allowed_account_ids = ["555555555555"]

  assume_role {
    role_arn = format("arn:%s:iam::%s:role/%s", var.partition, "555555555555", var.environment_admin_role_name)
  }

  default_tags {
    tags = {
      project     = var.project_name
      environment = "prod"
      owner       = var.owner
      managed-by  = "terraform"
    }
  }
}
