terraform {
  # Write-only arguments and ephemeral resources.
  required_version = ">= 1.11"

  required_providers {
    google = {
      source = "hashicorp/google"
      # google_sql_user.password_wo exists from 6.24.
      version = "~> 6.24"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }
}
