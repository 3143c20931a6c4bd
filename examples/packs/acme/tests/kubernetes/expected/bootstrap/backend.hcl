bucket       = "acme-payments-tfstate-acme-payments-infra"
key          = "bootstrap/terraform.tfstate"
region       = "eu-central-1"
encrypt      = true
kms_key_id   = "alias/acme-payments-tfstate"
use_lockfile = true
