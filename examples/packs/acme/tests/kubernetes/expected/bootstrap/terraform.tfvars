project_name      = "acme-payments"
owner             = "acme-platform"
region            = "eu-central-1"
state_account_id  = "999999999999"
state_bucket_name = "acme-payments-tfstate-999999999999"
state_keys        = ["terraform.tfstate", "addons/terraform.tfstate"]
ci_provider       = "github-actions"

environment_admin_role_name = "OrganizationAccountAccessRole"

repository           = "acme/payments-infra"
create_oidc_provider = true
# GitHub's immutable OIDC subject repo:<owner>@<owner id>/<name>@<repository id>: with both IDs
# (gh api repos/OWNER/REPO --jq '.owner.id, .id') every CI role trusts it as well as the
# name-only form; docs/runbooks/bootstrap.md says which form the repository's tokens carry.
github_owner_id      = ""
github_repository_id = ""

runtime_role_path     = "/acme-payments/runtime/"
runtime_boundary_name = "acme-payments-runtime-boundary"
deploy_services       = ["acm", "apigateway", "application-autoscaling", "autoscaling", "cloudfront", "cloudwatch", "ec2", "ecr", "ecs", "eks", "elasticache", "elasticloadbalancing", "events", "kms", "lambda", "logs", "rds", "route53", "s3", "secretsmanager", "sns", "ssm", "tag", "wafv2", "xray"]

environments = [
  { name = "staging", region = "eu-central-1", account_id = "333333333333", protected = false },
  { name = "prod", region = "eu-central-1", account_id = "444444444444", protected = true },
]
