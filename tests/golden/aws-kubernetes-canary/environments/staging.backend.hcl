# State of this environment in the bucket created by bootstrap/ (one key per environment).
# terraform init -backend-config=environments/<env>.backend.hcl
bucket       = "payments-tfstate-acme-platform-payments-infra"
key          = "staging/terraform.tfstate"
region       = "us-east-1"
encrypt      = true
kms_key_id   = "alias/payments-tfstate"
use_lockfile = true
