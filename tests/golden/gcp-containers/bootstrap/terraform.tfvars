project_name      = "shop"
owner             = "platform-team"
state_project_id  = "acme-shop-tfstate"
state_location    = "europe-west1"
state_bucket_name = "shop-tfstate-acme-shop-infra"
compute           = "containers"
database          = "postgres"
cache             = "none"
dns_enabled       = true
ci_provider       = "github-actions"
repository        = "acme/shop-infra"

dns_domains = { "dev" = "dev.shop.example.com", "staging" = "staging.shop.example.com", "prod" = "shop.example.com" }

environments = [
  { name = "dev", project_id = "acme-shop-dev", region = "europe-west1", protected = false },
  { name = "staging", project_id = "acme-shop-staging", region = "europe-west1", protected = false },
  { name = "prod", project_id = "acme-shop-prod", region = "europe-west1", protected = true },
]
