project_name      = "payments"
owner             = "payments-team"
state_project_id  = "acme-payments-tfstate"
state_location    = "us-central1"
state_bucket_name = "payments-tfstate-acme-platform-payments-infra"
compute           = "kubernetes"
database          = "mysql"
cache             = "redis"
dns_enabled       = true
ci_provider       = "gitlab-ci"
repository        = "acme/platform/payments-infra"
# Protected environments apply and deploy only from their branch <prefix><env> (docs/SECURITY.md).
gitlab_deploy_branch_prefix = "deploy/"

dns_domains = { "staging" = "staging.payments.example.com", "prod" = "payments.example.com" }

environments = [
  { name = "staging", project_id = "acme-payments-staging", region = "us-central1", protected = false },
  { name = "prod", project_id = "acme-payments-prod", region = "us-central1", protected = true },
]
