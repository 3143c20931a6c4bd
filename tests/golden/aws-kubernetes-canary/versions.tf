terraform {
  # S3 native state locking (use_lockfile) is generally available from Terraform 1.11.
  required_version = ">= 1.11"

  required_providers {
    # ECS canary_configuration (and so the CANARY strategy) needs 6.21 (provider v6.21.0 release).
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.21, < 7.0"
    }
  }
}
