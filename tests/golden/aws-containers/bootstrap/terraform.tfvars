project_name      = "shop"
owner             = "platform-team"
region            = "eu-west-1"
state_account_id  = "999999999999"
state_bucket_name = "shop-tfstate-999999999999"
state_keys        = ["terraform.tfstate", "addons/terraform.tfstate"]
ci_provider       = "github-actions"

environment_admin_role_name = "OrganizationAccountAccessRole"

repository           = "acme/shop-infra"
create_oidc_provider = true
# GitHub's immutable OIDC subject repo:<owner>@<owner id>/<name>@<repository id>: with both IDs
# (gh api repos/OWNER/REPO --jq '.owner.id, .id') every CI role trusts it as well as the
# name-only form; docs/runbooks/bootstrap.md says which form the repository's tokens carry.
github_owner_id      = ""
github_repository_id = ""

runtime_role_path     = "/shop/runtime/"
runtime_boundary_name = "shop-runtime-boundary"
deploy_services       = ["acm", "apigateway", "application-autoscaling", "autoscaling", "cloudfront", "cloudwatch", "ec2", "ecr", "ecs", "eks", "elasticache", "elasticloadbalancing", "events", "kms", "lambda", "logs", "rds", "route53", "s3", "secretsmanager", "sns", "ssm", "tag", "wafv2", "xray"]

environments = [
  { name = "dev", region = "eu-west-1", account_id = "111111111111", protected = false },
  { name = "staging", region = "eu-west-1", account_id = "222222222222", protected = false },
  { name = "prod", region = "eu-west-1", account_id = "333333333333", protected = true },
]
