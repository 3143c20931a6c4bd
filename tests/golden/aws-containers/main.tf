data "aws_partition" "current" {}

locals {
  name = "${var.project_name}-${var.environment}"

  # Roles of the application (bootstrap/ gives the CI deploy role IAM writes on this path only,
  # and only with this boundary attached).
  runtime_role_path    = var.runtime_role_path
  runtime_boundary_arn = "arn:${data.aws_partition.current.partition}:iam::${var.account_id}:policy/${var.runtime_boundary_name}"

  default_tags = merge(var.extra_tags, {
    project     = var.project_name
    environment = var.environment
    owner       = var.owner
    managed-by  = "terraform"
  })
}

module "secrets" {
  source = "./modules/secrets"

  name                        = local.name
  key_deletion_window_days    = var.protected ? 30 : 7
  secret_recovery_window_days = var.protected ? 30 : 0
}

module "network" {
  source = "./modules/network"

  iam_role_path            = local.runtime_role_path
  permissions_boundary_arn = local.runtime_boundary_arn

  name                    = local.name
  cidr_block              = var.vpc_cidr
  az_count                = var.az_count
  single_nat_gateway      = !var.protected
  flow_log_retention_days = var.log_retention_days
  kms_key_arn             = module.secrets.kms_key_arn
}

module "observability" {
  source = "./modules/observability"

  name        = local.name
  kms_key_arn = module.secrets.kms_key_arn
  alert_email = var.alert_email
  dashboard_widgets = concat(
    module.app.dashboard_widgets,
    module.database.dashboard_widgets,
  )
}

module "database" {
  source = "./modules/database"

  iam_role_path            = local.runtime_role_path
  permissions_boundary_arn = local.runtime_boundary_arn

  name                         = local.name
  engine                       = var.database_engine
  database_name                = replace(var.project_name, "-", "_")
  vpc_id                       = module.network.vpc_id
  subnet_ids                   = module.network.database_subnet_ids
  allowed_security_group_ids   = { app = module.app.security_group_id }
  instance_class               = var.database_instance_class
  allocated_storage_gb         = var.database_allocated_storage_gb
  max_allocated_storage_gb     = var.database_max_allocated_storage_gb
  backup_retention_days        = var.database_backup_retention_days
  performance_insights_enabled = var.database_performance_insights
  multi_az                     = var.protected
  deletion_protection          = var.protected
  kms_key_arn                  = module.secrets.kms_key_arn
  log_retention_days           = var.log_retention_days
  alarm_topic_arn              = module.observability.alarm_topic_arn
}
