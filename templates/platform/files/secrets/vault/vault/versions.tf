terraform {
  required_version = ">= 1.11"

  required_providers {
    vault = {
      source = "hashicorp/vault"
      # 5.x: vault_jwt_auth_backend_role has disable_bound_claims_parsing (main.tf).
      version = ">= 5.6, < 6.0"
    }
  }
}
