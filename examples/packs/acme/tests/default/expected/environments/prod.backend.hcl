# State of this environment in the bucket created by bootstrap/ (one key per environment).
# terraform init -backend-config=environments/<env>.backend.hcl
bucket       = "acme-shop-tfstate-acme-shop-infra"
key          = "prod/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
kms_key_id   = "alias/acme-shop-tfstate"
use_lockfile = true
