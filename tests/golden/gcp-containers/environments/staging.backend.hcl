# State of this environment in the bucket created by bootstrap/ (one prefix per environment).
# terraform init -backend-config=environments/<env>.backend.hcl
bucket = "shop-tfstate-acme-shop-infra"
prefix = "staging"
