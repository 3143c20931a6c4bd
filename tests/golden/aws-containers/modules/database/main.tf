data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  engine = {
    postgres = {
      version     = "17"
      family      = "postgres17"
      port        = 5432
      log_exports = ["postgresql", "upgrade"]
      parameters = {
        "rds.force_ssl"              = "1"    # refuse unencrypted connections
        "log_min_duration_statement" = "1000" # log statements slower than a second
        "log_statement"              = "ddl"  # log schema changes
      }
    }
    mysql = {
      version     = "8.4"
      family      = "mysql8.4"
      port        = 3306
      log_exports = ["error", "slowquery"]
      parameters = {
        "require_secure_transport" = "1" # refuse unencrypted connections
        "slow_query_log"           = "1"
        "long_query_time"          = "1"
      }
    }
  }[var.engine]

  # Master username: not a reserved word of either engine. Only the one-off bootstrap of the
  # application's user (docs/runbooks) signs in with it; its password is RDS's, rotated by RDS.
  username = "dbadmin"

  # The application signs in as its own user with IAM database authentication: a token its SDK
  # signs with its role (rds-db:connect on this ARN), valid 15 minutes for new connections, so
  # no password exists to leak or to rotate under it.
  app_user_arn = "arn:${data.aws_partition.current.partition}:rds-db:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:dbuser:${aws_db_instance.this.resource_id}/${var.app_username}"
}

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "Database subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
}

resource "aws_security_group" "this" {
  name        = "${var.name}-database"
  description = "Database of ${var.name}"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "${var.engine} from ${each.key}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = local.engine.port
  to_port                      = local.engine.port
}

# A client group for one-off administration sessions (the bootstrap of the application's user
# from a CloudShell VPC environment): the database admits it; it reaches the database and
# HTTPS (AWS APIs, the client's package) and nothing else. Unused, it grants nothing.
resource "aws_security_group" "admin_client" {
  # checkov:skip=CKV2_AWS_5: attached by an operator to a CloudShell VPC environment for one-off administration, never to a resource of the stack
  name        = "${var.name}-database-admin"
  description = "One-off administration sessions of the database of ${var.name}"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "admin_client_database" {
  security_group_id            = aws_security_group.admin_client.id
  description                  = "${var.engine} to the database"
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = "tcp"
  from_port                    = local.engine.port
  to_port                      = local.engine.port
}

resource "aws_vpc_security_group_egress_rule" "admin_client_https" {
  security_group_id = aws_security_group.admin_client.id
  description       = "HTTPS to AWS APIs and the client's package repository"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "admin_client" {
  security_group_id            = aws_security_group.this.id
  description                  = "${var.engine} from administration sessions"
  referenced_security_group_id = aws_security_group.admin_client.id
  ip_protocol                  = "tcp"
  from_port                    = local.engine.port
  to_port                      = local.engine.port
}

# name_prefix: with create_before_destroy, a replacement group is created before the old one is
# deleted, so a fixed name fails with DBParameterGroupAlreadyExists.
resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-"
  family      = local.engine.family
  description = "Parameters of ${var.name}"

  dynamic "parameter" {
    for_each = local.engine.parameters

    content {
      name         = parameter.key
      value        = parameter.value
      apply_method = "pending-reboot"
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Created ahead of the instance so that retention and encryption are ours, not the defaults.
resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(local.engine.log_exports)

  name              = "/aws/rds/instance/${var.name}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name                 = "${var.name}-rds-monitoring"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = var.engine
  engine_version = local.engine.version
  instance_class = var.instance_class
  port           = local.engine.port
  db_name        = var.database_name

  username                      = local.username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.multi_az

  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  allow_major_version_upgrade         = false
  apply_immediately                   = !var.deletion_protection

  backup_retention_period   = var.backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = !var.deletion_protection
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.deletion_protection
  final_snapshot_identifier = "${var.name}-final"

  enabled_cloudwatch_logs_exports       = local.engine.log_exports
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.monitoring.arn
  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? 7 : null

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy_attachment.monitoring]
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${var.name}-database-cpu"
  alarm_description   = "Database CPU above 80% for 15 minutes on ${var.name}"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.this.identifier }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  treat_missing_data  = "missing"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "storage" {
  alarm_name          = "${var.name}-database-free-storage"
  alarm_description   = "Less than 10% of the maximum storage free on ${var.name}: storage autoscaling is about to hit its ceiling"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.this.identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "LessThanThreshold"
  threshold           = var.max_allocated_storage_gb * 0.1 * 1073741824
  treat_missing_data  = "missing"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "memory" {
  alarm_name          = "${var.name}-database-freeable-memory"
  alarm_description   = "Less than 64 MiB of freeable memory on ${var.name}: the instance class is too small"
  namespace           = "AWS/RDS"
  metric_name         = "FreeableMemory"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.this.identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = 67108864
  treat_missing_data  = "missing"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

locals {
  dashboard_widgets = [
    {
      type = "metric"
      properties = {
        title  = "Database CPU (%) and connections"
        region = data.aws_region.current.region
        stat   = "Average"
        period = 300
        metrics = [
          ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.this.identifier],
          ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", aws_db_instance.this.identifier, { yAxis = "right" }],
        ]
      }
    },
    {
      type = "metric"
      properties = {
        title  = "Database free storage and memory (bytes)"
        region = data.aws_region.current.region
        stat   = "Minimum"
        period = 300
        metrics = [
          ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", aws_db_instance.this.identifier],
          ["AWS/RDS", "FreeableMemory", "DBInstanceIdentifier", aws_db_instance.this.identifier],
        ]
      }
    },
  ]
}
