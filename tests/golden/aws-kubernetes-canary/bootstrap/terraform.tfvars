project_name      = "payments"
owner             = "payments-team"
region            = "us-east-1"
state_account_id  = "999999999999"
state_bucket_name = "payments-tfstate-999999999999"
state_keys        = ["terraform.tfstate", "addons/terraform.tfstate"]
ci_provider       = "gitlab-ci"

environment_admin_role_name = "OrganizationAccountAccessRole"

repository           = "acme/platform/payments-infra"
create_oidc_provider = true
# Protected environments apply and deploy only from their branch <prefix><env> (docs/SECURITY.md).
gitlab_deploy_branch_prefix = "deploy/"

runtime_role_path     = "/payments/runtime/"
runtime_boundary_name = "payments-runtime-boundary"
deploy_services       = ["acm", "apigateway", "application-autoscaling", "autoscaling", "cloudfront", "cloudwatch", "ec2", "ecr", "ecs", "eks", "elasticache", "elasticloadbalancing", "events", "kms", "lambda", "logs", "rds", "route53", "s3", "secretsmanager", "sns", "ssm", "tag", "wafv2", "xray"]

environments = [
  { name = "staging", region = "us-east-1", account_id = "444444444444", protected = false },
  { name = "prod", region = "us-east-1", account_id = "555555555555", protected = true },
]
