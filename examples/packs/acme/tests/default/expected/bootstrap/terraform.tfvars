project_name      = "acme-shop"
owner             = "acme-platform"
region            = "eu-west-1"
state_bucket_name = "acme-shop-tfstate-acme-shop-infra"
ci_provider       = "github-actions"
repository        = "acme/shop-infra"

environments = [
  { name = "dev", region = "eu-west-1", protected = false },
  { name = "prod", region = "eu-central-1", protected = true },
]
