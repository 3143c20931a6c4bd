# One further workload of the application on the primary service's ECS cluster: an http service
# routed by path on the shared load balancer, a worker without ingress, or a job that
# EventBridge Scheduler runs as an ECS task. Each has its own image repository, log group,
# secret, execution and task roles and security group: a workload reads only its own secret.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  region         = data.aws_region.current.region
  account_id     = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
  container_name = "app"

  # Every name of the workload: IAM role names ("<id>-ecs-load-balancer") are limited to 64
  # characters, so a longer name is cut to 41 and given 4 hex digits of its MD5.
  name = "${var.name_prefix}-${var.service}"
  id   = length(local.name) <= 46 ? local.name : "${substr(local.name, 0, 41)}-${substr(md5(local.name), 0, 4)}"

  is_http    = var.kind == "http"
  is_service = var.kind != "job"
  has_port   = var.container_port != null

  # Target group names are limited to 32 characters (with "-blue"/"-green").
  short_name = length(local.id) <= 26 ? local.id : "${substr(local.id, 0, 21)}-${substr(md5(local.id), 0, 4)}"

  # Only an http service shifts traffic between two target groups; workers always roll.
  progressive   = local.is_http && var.deployment_strategy != "rolling"
  target_groups = local.is_http ? (local.progressive ? ["blue", "green"] : ["blue"]) : []
  ecs_strategy  = local.progressive ? { blue-green = "BLUE_GREEN", canary = "CANARY" }[var.deployment_strategy] : "ROLLING"

  # The family ARN without its revision: the scheduler role may run any revision of it.
  task_family_arn = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${local.id}:*"
}

################################################################################
# Image registry, logs, the workload's own secret
################################################################################

resource "aws_ecr_repository" "this" {
  name                 = local.id
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after 7 days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 7
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the ${var.images_to_keep} most recent images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.images_to_keep
        }
        action = { type = "expire" }
      },
    ]
  })
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${local.id}/app"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# The workload's secret gets its value from its owners (docs/runbooks/create-environment.md);
# ECS refuses to start a task whose secret has no AWSCURRENT version, so the tasks get
# APP_SECRETS only once it has one (apply again after setting it).
resource "aws_secretsmanager_secret" "app" {
  # checkov:skip=CKV2_AWS_57: an application secret set by its owners; rotation is theirs (docs/runbooks/rotate-secrets.md)
  name                    = "${local.id}/app"
  description             = "Application secrets of ${local.id} (JSON), set by its owners, never by Terraform"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

data "aws_secretsmanager_secret_versions" "app" {
  secret_id = aws_secretsmanager_secret.app.arn
}

locals {
  app_secret_ready = anytrue([
    for version in data.aws_secretsmanager_secret_versions.app.versions : contains(version.version_stages, "AWSCURRENT")
  ])
  secrets = merge(var.secrets, local.app_secret_ready ? { APP_SECRETS = aws_secretsmanager_secret.app.arn } : {})
}

################################################################################
# IAM: the execution role pulls the image and reads this workload's secrets; the task role is
# the application's
################################################################################

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  name                 = "${local.id}-ecs-execution"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution" {
  # Images need no key use of the task's (ECR decrypts them through its own grant).
  statement {
    sid       = "DecryptItsSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    # Only through Secrets Manager and only for its own secrets (Secrets Manager's encryption
    # context SecretARN): the key decrypts nothing else for this role.
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:SecretARN"
      values   = concat([aws_secretsmanager_secret.app.arn], var.secret_arns)
    }
  }

  statement {
    sid       = "ReadItsOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = concat([aws_secretsmanager_secret.app.arn], var.secret_arns)
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# The workload's own AWS permissions go here (attach policies to this role).
resource "aws_iam_role" "task" {
  name                 = "${local.id}-ecs-task"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  count = length(var.database_user_arns) > 0 ? 1 : 0

  statement {
    sid       = "SignInToTheDatabase"
    actions   = ["rds-db:connect"]
    resources = var.database_user_arns
  }
}

resource "aws_iam_role_policy" "task" {
  count = length(var.database_user_arns) > 0 ? 1 : 0

  name   = "database-sign-in"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task[0].json
}

data "aws_iam_policy_document" "ecs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs.amazonaws.com"]
    }
  }
}

# Blue/green and canary: ECS rewrites this service's listener rule and swaps its target groups.
resource "aws_iam_role" "load_balancer" {
  count = local.progressive ? 1 : 0

  name                 = "${local.id}-ecs-load-balancer"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_iam_role_policy_attachment" "load_balancer" {
  count = local.progressive ? 1 : 0

  role       = aws_iam_role.load_balancer[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
}

################################################################################
# Network: tasks in private subnets; only an http service takes traffic, from the load balancer
################################################################################

resource "aws_security_group" "tasks" {
  name        = "${local.id}-tasks"
  description = "Tasks of ${local.id} (${var.kind})"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  count = local.is_http ? 1 : 0

  security_group_id            = aws_security_group.tasks.id
  description                  = "Traffic from the load balancer"
  referenced_security_group_id = var.load_balancer_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  count = local.is_http ? 1 : 0

  security_group_id            = var.load_balancer_security_group_id
  description                  = "Forward to the tasks of ${local.id}"
  referenced_security_group_id = aws_security_group.tasks.id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch) and third parties"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "tasks_vpc" {
  security_group_id = aws_security_group.tasks.id
  description       = "TCP inside the VPC (database, cache); their own security groups decide"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = 0
  to_port           = 65535
}

################################################################################
# http: target groups and a path rule on the shared listener, evaluated before the primary
# service's catch-all (lower priority numbers first)
################################################################################

resource "aws_lb_target_group" "this" {
  # checkov:skip=CKV_AWS_378: TLS ends at the load balancer; targets are reached over HTTP inside private subnets
  for_each = toset(local.target_groups)

  name                 = "${local.short_name}-${each.key}"
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = var.health_check_path
    port                = "traffic-port"
    matcher             = "200-399"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  lifecycle {
    precondition {
      condition     = var.container_port != null && var.path != null && var.listener_arn != null && var.listener_rule_priority != null
      error_message = "An http workload needs container_port, path, listener_arn and listener_rule_priority."
    }
  }
}

resource "aws_lb_listener_rule" "this" {
  count = local.is_http ? 1 : 0

  listener_arn = var.listener_arn
  priority     = var.listener_rule_priority

  action {
    type = "forward"

    forward {
      dynamic "target_group" {
        for_each = aws_lb_target_group.this

        content {
          arn    = target_group.value.arn
          weight = target_group.key == "blue" ? 100 : 0
        }
      }
    }
  }

  # "/api" and everything under it, not "/apix": path patterns compare the path only, case-sensitively.
  condition {
    path_pattern {
      values = [var.path, "${var.path}/*"]
    }
  }

  lifecycle {
    # ECS moves the weights between blue and green during a deployment.
    ignore_changes = [action]
  }
}

################################################################################
# Task definition (every kind), service (http, worker), schedule (job)
################################################################################

# The root filesystem is read-only; /tmp is a writable scratch volume.
resource "aws_ecs_task_definition" "this" {
  family                   = local.id
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge({
      name                   = local.container_name
      image                  = var.container_image
      essential              = true
      readonlyRootFilesystem = true
      portMappings           = local.has_port ? [{ containerPort = var.container_port, protocol = "tcp" }] : []
      environment            = [for key, value in var.environment : { name = key, value = value }]
      secrets                = [for key, value in local.secrets : { name = key, valueFrom = value }]
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      linuxParameters        = { initProcessEnabled = true }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "app"
        }
      }
    }, local.health_check == null ? {} : { healthCheck = local.health_check }),
  ])
}

resource "aws_ecs_service" "this" {
  count = local.is_service ? 1 : 0

  name                              = local.id
  cluster                           = var.cluster_arn
  task_definition                   = aws_ecs_task_definition.this.arn
  desired_count                     = var.min_count
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  health_check_grace_period_seconds = local.is_http ? 60 : null
  propagate_tags                    = "SERVICE"
  enable_ecs_managed_tags           = true

  deployment_configuration {
    strategy             = local.ecs_strategy
    bake_time_in_minutes = local.progressive ? var.bake_time_minutes : null

    dynamic "canary_configuration" {
      for_each = local.progressive && var.deployment_strategy == "canary" ? [1] : []

      content {
        canary_percent              = var.canary_percent
        canary_bake_time_in_minutes = var.canary_bake_time_minutes
      }
    }
  }

  # A deployment whose tasks never become healthy (or, http, that trips the 5XX alarm) returns
  # to the last revision that completed.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "alarms" {
    for_each = local.is_http ? [1] : []

    content {
      alarm_names = [aws_cloudwatch_metric_alarm.errors[0].alarm_name]
      enable      = true
      rollback    = true
    }
  }

  dynamic "load_balancer" {
    for_each = local.is_http ? [1] : []

    content {
      target_group_arn = aws_lb_target_group.this["blue"].arn
      container_name   = local.container_name
      container_port   = var.container_port

      dynamic "advanced_configuration" {
        for_each = local.progressive ? [1] : []

        content {
          alternate_target_group_arn = aws_lb_target_group.this["green"].arn
          production_listener_rule   = aws_lb_listener_rule.this[0].arn
          role_arn                   = aws_iam_role.load_balancer[0].arn
        }
      }
    }
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  lifecycle {
    # Autoscaling owns the task count, the CI pipeline the task definition revision, and ECS
    # swaps the target groups at the end of every blue/green or canary deployment.
    ignore_changes = [desired_count, task_definition, load_balancer]
  }

  depends_on = [
    aws_iam_role_policy_attachment.load_balancer,
    aws_iam_role_policy.execution,
  ]
}

resource "aws_appautoscaling_target" "this" {
  count = local.is_service ? 1 : 0

  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this[0].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_count
  max_capacity       = var.max_count

  lifecycle {
    precondition {
      condition     = var.max_count >= var.min_count
      error_message = "max_count must not be below min_count."
    }
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  count = local.is_service ? 1 : 0

  name               = "${local.id}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
