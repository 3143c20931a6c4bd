data "aws_region" "current" {}

locals {
  # Replication group IDs are limited to 40 characters.
  replication_group_id = length(var.name) <= 40 ? var.name : "${trim(substr(var.name, 0, 35), "-")}-${substr(md5(var.name), 0, 4)}"
  port                 = 6379
  failover             = var.node_count > 1
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "Cache subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
}

resource "aws_security_group" "this" {
  name        = "${var.name}-cache"
  description = "Cache of ${var.name}"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "Redis from ${each.key}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

# The AUTH token never passes through Terraform: ElastiCache has no write-only token argument,
# so a token Terraform set would sit in the state, which the read-only plan role reads. The
# create-environment runbook generates it, stores it here and turns AUTH on (ROTATE, then SET);
# the rotate-secrets runbook replaces it the same way. Until then the group admits only TLS
# connections from the application's security group.
resource "aws_secretsmanager_secret" "auth" {
  # checkov:skip=CKV2_AWS_57: rotated by the rotate-secrets runbook (ROTATE, then SET), which changes the token on the replication group and here together
  name                    = "${var.name}/redis-auth"
  description             = "AUTH token of the ${var.name} Redis replication group (set by the runbooks, never by Terraform)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_cloudwatch_log_group" "slow_log" {
  name              = "/aws/elasticache/${var.name}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_elasticache_replication_group" "this" {
  # checkov:skip=CKV_AWS_31: TLS is required; the AUTH token is set by the runbooks (modify-replication-group), never in Terraform, whose state the plan role reads
  replication_group_id = local.replication_group_id
  description          = "Redis cache of ${var.name}"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = var.node_type
  num_cache_clusters   = var.node_count
  port                 = local.port

  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.this.id]
  automatic_failover_enabled = local.failover
  multi_az_enabled           = local.failover

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true

  auto_minor_version_upgrade = true
  maintenance_window         = "sun:04:30-sun:05:30"
  snapshot_window            = "02:00-03:00"
  snapshot_retention_limit   = var.snapshot_retention_days
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  # The runbooks own the token (modify-replication-group --auth-token).
  lifecycle {
    ignore_changes = [auth_token, auth_token_update_strategy]
  }
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${var.name}-cache-cpu"
  alarm_description   = "Redis engine CPU above 80% for 15 minutes on ${var.name}"
  namespace           = "AWS/ElastiCache"
  metric_name         = "EngineCPUUtilization"
  dimensions          = { ReplicationGroupId = aws_elasticache_replication_group.this.id }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  treat_missing_data  = "missing"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "memory" {
  alarm_name          = "${var.name}-cache-memory"
  alarm_description   = "Redis memory above 85% for 15 minutes on ${var.name}: keys are being evicted"
  namespace           = "AWS/ElastiCache"
  metric_name         = "DatabaseMemoryUsagePercentage"
  dimensions          = { ReplicationGroupId = aws_elasticache_replication_group.this.id }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 85
  treat_missing_data  = "missing"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

locals {
  dashboard_widgets = [
    {
      type = "metric"
      properties = {
        title  = "Cache CPU and memory (%)"
        region = data.aws_region.current.region
        stat   = "Average"
        period = 300
        metrics = [
          ["AWS/ElastiCache", "EngineCPUUtilization", "ReplicationGroupId", aws_elasticache_replication_group.this.id],
          ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "ReplicationGroupId", aws_elasticache_replication_group.this.id],
        ]
      }
    },
  ]
}
