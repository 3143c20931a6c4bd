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
  alias               = "dev"
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]

  assume_role {
    role_arn = format("arn:%s:iam::%s:role/%s", var.partition, "111111111111", var.environment_admin_role_name)
  }

  default_tags {
    tags = {
      project     = var.project_name
      environment = "dev"
      owner       = var.owner
      managed-by  = "terraform"
    }
  }
}

provider "aws" {
  alias               = "prod"
  region              = "eu-central-1"
  allowed_account_ids = ["222222222222"]

  assume_role {
    role_arn = format("arn:%s:iam::%s:role/%s", var.partition, "222222222222", var.environment_admin_role_name)
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
