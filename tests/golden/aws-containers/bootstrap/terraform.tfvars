project_name      = "shop"
owner             = "platform-team"
region            = "eu-west-1"
state_bucket_name = "shop-tfstate-acme-shop-infra"
ci_provider       = "github-actions"
repository        = "acme/shop-infra"

environments = [
  { name = "dev", region = "eu-west-1", protected = false },
  { name = "staging", region = "eu-west-1", protected = false },
  { name = "prod", region = "eu-west-1", protected = true },
]
