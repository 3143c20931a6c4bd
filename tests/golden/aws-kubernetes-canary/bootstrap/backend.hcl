bucket       = "payments-tfstate-acme-platform-payments-infra"
key          = "bootstrap/terraform.tfstate"
region       = "us-east-1"
encrypt      = true
kms_key_id   = "alias/payments-tfstate"
use_lockfile = true
