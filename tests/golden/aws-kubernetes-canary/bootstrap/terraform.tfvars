project_name      = "payments"
owner             = "payments-team"
region            = "us-east-1"
state_bucket_name = "payments-tfstate-acme-platform-payments-infra"
ci_provider       = "gitlab-ci"
repository        = "acme/platform/payments-infra"

environments = [
  { name = "staging", region = "us-east-1", protected = false },
  { name = "prod", region = "us-east-1", protected = true },
]
