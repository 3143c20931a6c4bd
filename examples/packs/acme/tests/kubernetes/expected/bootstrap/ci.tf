################################################################################
# Each environment's account: the permissions boundary of the application's runtime roles and,
# unless CI is "none", the CI system's OIDC provider and two roles (plan, deploy). The roles
# live in the environment's own account, so an environment's CI can reach nothing of another
# environment but its "<env>/" state prefix, which the bucket policy in main.tf enforces.
################################################################################

module "account_staging" {
  source = "./modules/environment-account"
  providers = {
    aws = aws.staging
  }

  project_name          = var.project_name
  environment           = "staging"
  protected             = false
  ci_provider           = var.ci_provider
  repository            = var.repository
  github_owner_id       = var.github_owner_id
  github_repository_id  = var.github_repository_id
  default_branch        = var.default_branch
  gitlab_url            = var.gitlab_url
  gitlab_deploy_prefix  = var.gitlab_deploy_branch_prefix
  create_oidc_provider  = var.create_oidc_provider
  runtime_role_path     = var.runtime_role_path
  runtime_boundary_name = var.runtime_boundary_name
  state_bucket_arn      = aws_s3_bucket.state.arn
  state_kms_key_arn     = aws_kms_key.state.arn
  state_keys            = var.state_keys
  deploy_services       = var.deploy_services
  dns_zone_name         = "staging.payments.acme.example"
}

module "account_prod" {
  source = "./modules/environment-account"
  providers = {
    aws = aws.prod
  }

  project_name          = var.project_name
  environment           = "prod"
  protected             = true
  ci_provider           = var.ci_provider
  repository            = var.repository
  github_owner_id       = var.github_owner_id
  github_repository_id  = var.github_repository_id
  default_branch        = var.default_branch
  gitlab_url            = var.gitlab_url
  gitlab_deploy_prefix  = var.gitlab_deploy_branch_prefix
  create_oidc_provider  = var.create_oidc_provider
  runtime_role_path     = var.runtime_role_path
  runtime_boundary_name = var.runtime_boundary_name
  state_bucket_arn      = aws_s3_bucket.state.arn
  state_kms_key_arn     = aws_kms_key.state.arn
  state_keys            = var.state_keys
  deploy_services       = var.deploy_services
  dns_zone_name         = "payments.acme.example"
}

locals {
  # environment => outputs of its account module (CI role ARNs are null when ci_provider is none).
  accounts = merge(
    { "staging" = module.account_staging },
    { "prod" = module.account_prod },
  )
}

# Each environment but prod (the last protected one) owns a subdomain zone of prod's
# zone (the apex); the NS records that delegate it are written in prod's account. The apex
# zone is delegated by hand from the registrar or parent zone (docs/runbooks/bootstrap.md).

resource "aws_route53_record" "delegate_staging" {
  provider = aws.prod

  zone_id = module.account_prod.dns_zone_id
  name    = "staging.payments.acme.example"
  type    = "NS"
  ttl     = 300
  records = module.account_staging.dns_name_servers
}
