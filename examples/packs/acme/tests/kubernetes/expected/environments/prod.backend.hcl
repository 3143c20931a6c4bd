# State of this environment in the bucket created by bootstrap/ (one key per environment).
# terraform init -backend-config=environments/<env>.backend.hcl
bucket       = "acme-payments-tfstate-acme-payments-infra"
key          = "prod/terraform.tfstate"
region       = "eu-central-1"
encrypt      = true
kms_key_id   = "alias/acme-payments-tfstate"
use_lockfile = true
