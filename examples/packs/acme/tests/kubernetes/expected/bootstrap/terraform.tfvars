project_name      = "acme-payments"
owner             = "acme-platform"
region            = "eu-central-1"
state_bucket_name = "acme-payments-tfstate-acme-payments-infra"
ci_provider       = "github-actions"
repository        = "acme/payments-infra"

environments = [
  { name = "staging", region = "eu-central-1", protected = false },
  { name = "prod", region = "eu-central-1", protected = true },
]
