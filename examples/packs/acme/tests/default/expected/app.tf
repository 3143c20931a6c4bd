# The application: ECS on Fargate behind a public Application Load Balancer.

module "access_logs" {
  source = "./modules/log-bucket"

  name           = local.name
  retention_days = var.log_retention_days
  force_destroy  = !var.protected
}

module "waf" {
  source = "./modules/waf"

  name               = local.name
  log_retention_days = var.log_retention_days
  kms_key_arn        = module.secrets.kms_key_arn
}

# The application secret gets its value from its owners (docs/runbooks/create-environment.md).
# ECS refuses to start a task whose secret has no AWSCURRENT version (ResourceNotFoundException),
# so the tasks get APP_SECRETS only once it has one: apply again after setting it. Listing the
# versions reads no value (secretsmanager:ListSecretVersionIds).
data "aws_secretsmanager_secret_versions" "app" {
  secret_id = module.secrets.app_secret_arn
}


locals {
  app_secret_ready = anytrue([
    for version in data.aws_secretsmanager_secret_versions.app.versions : contains(version.version_stages, "AWSCURRENT")
  ])
}

module "app" {
  source = "./modules/ecs-service"

  iam_role_path            = local.runtime_role_path
  permissions_boundary_arn = local.runtime_boundary_arn

  name                = local.name
  vpc_id              = module.network.vpc_id
  vpc_cidr_block      = module.network.vpc_cidr_block
  public_subnet_ids   = module.network.public_subnet_ids
  private_subnet_ids  = module.network.private_subnet_ids
  kms_key_arn         = module.secrets.kms_key_arn
  log_retention_days  = var.log_retention_days
  access_log_bucket   = module.access_logs.bucket_name
  access_log_prefix   = module.access_logs.alb_prefix
  web_acl_arn         = module.waf.web_acl_arn
  https_enabled       = true
  certificate_arn     = module.dns.certificate_arn
  cpu                 = var.ecs_task_cpu
  memory              = var.ecs_task_memory
  container_port      = 8080
  health_check_path   = "/"
  min_count           = var.ecs_min_tasks
  max_count           = var.ecs_max_tasks
  deployment_strategy = var.deployment_strategy
  deletion_protection = var.protected
  force_delete        = !var.protected
  alarm_topic_arn     = module.observability.alarm_topic_arn

  environment = merge(
    module.database.app_environment,
    { APP_ENVIRONMENT = var.environment },
  )
  secrets = merge(
    local.app_secret_ready ? { APP_SECRETS = module.secrets.app_secret_arn } : {},
  )
  secret_arns = [
    module.secrets.app_secret_arn,
  ]
  database_user_arns = [module.database.app_user_arn]
}

module "dns" {
  source = "./modules/dns"

  zone_name   = var.hosted_zone_name
  domain_name = var.domain_name
  alias_target = {
    name            = module.app.load_balancer_dns_name
    zone_id         = module.app.load_balancer_zone_id
    evaluate_health = true
  }
}
