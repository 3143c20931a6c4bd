bucket       = "acme-shop-tfstate-acme-shop-infra"
key          = "bootstrap/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
kms_key_id   = "alias/acme-shop-tfstate"
use_lockfile = true
