"""A synthetic Terraform repository for benchmarks: ~1,000 files, ~3 MB, every file distinct.

90 service modules (10 files each: Terraform for three components, a README) and 10 root stacks
that call 9 of them (main, variables, versions, outputs, 3 tfvars, a README). The tree validates
clean.
"""

from __future__ import annotations

from pathlib import Path

MODULES = 90
STACKS = 10
MODULES_PER_STACK = MODULES // STACKS
ENVIRONMENTS = ("dev", "staging", "prod")

VERSIONS = """terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
"""

VARIABLES = """variable "name" {
  type        = string
  description = "Name prefix of every resource of service NAME."
}

variable "vpc_id" {
  type        = string
  description = "VPC that hosts service NAME."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the tasks of service NAME."
}

variable "image" {
  type        = string
  description = "Container image of service NAME, tag included."
}

variable "container_port" {
  type        = number
  description = "Port the NAME container listens on."
  default     = PORT
}

variable "desired_count" {
  type        = number
  description = "Number of running NAME tasks."
  default     = 2
}

variable "cpu" {
  type        = number
  description = "CPU units of one NAME task."
  default     = 256
}

variable "memory" {
  type        = number
  description = "Memory (MiB) of one NAME task."
  default     = 512
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the NAME logs."
  default     = 30
}

variable "ingress_ports" {
  type        = list(number)
  description = "Extra ports opened to the VPC for NAME."
  default     = [PORT]
}

variable "tags" {
  type        = map(string)
  description = "Tags of every NAME resource."
  default     = {}
}
"""

LOCALS = """locals {
  # Every resource of service NAME is named after the stack and the service.
  full_name = "${var.name}-NAME"
  tags = merge(var.tags, {
    Service   = "NAME"
    Component = "service-NAME"
  })
  log_group_name = "/ecs/${var.name}/NAME"
}
"""

NETWORK = """# Network access of service NAME: tasks accept traffic from the VPC on their ports.
resource "aws_security_group" "NAME" {
  name_prefix = "${local.full_name}-"
  description = "Tasks of service NAME."
  vpc_id      = var.vpc_id
  tags        = local.tags

  dynamic "ingress" {
    for_each = toset(var.ingress_ports)
    content {
      description = "NAME port ${ingress.value}"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [data.aws_vpc.NAME.cidr_block]
    }
  }

  egress {
    description = "All egress of NAME"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_vpc" "NAME" {
  id = var.vpc_id
}

resource "aws_lb_target_group" "NAME" {
  name_prefix = "sPORT"
  port        = var.container_port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id
  tags        = local.tags

  health_check {
    path                = "/NAME/healthz"
    matcher             = "200-299"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}
"""

MAIN = """resource "aws_cloudwatch_log_group" "NAME" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_ecs_cluster" "NAME" {
  name = local.full_name
  tags = local.tags

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_task_definition" "NAME" {
  family                   = local.full_name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.NAME_execution.arn
  task_role_arn            = aws_iam_role.NAME_task.arn
  tags                     = local.tags

  container_definitions = jsonencode([
    {
      name         = "NAME"
      image        = var.image
      essential    = true
      cpu          = var.cpu
      memory       = var.memory
      portMappings = [{ containerPort = var.container_port, protocol = "tcp" }]
      environment = [
        { name = "SERVICE_NAME", value = "NAME" },
        { name = "PORT", value = tostring(var.container_port) },
        { name = "BUCKET", value = aws_s3_bucket.NAME.bucket },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.NAME.name
          awslogs-region        = data.aws_region.NAME.region
          awslogs-stream-prefix = "NAME"
        }
      }
      healthCheck = {
        command  = ["CMD-SHELL", "curl -f localhost:${var.container_port}/NAME/healthz || exit 1"]
        interval = 30
        retries  = 3
      }
    }
  ])
}

data "aws_region" "NAME" {}

resource "aws_ecs_service" "NAME" {
  name                               = local.full_name
  cluster                            = aws_ecs_cluster.NAME.id
  task_definition                    = aws_ecs_task_definition.NAME.arn
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 30
  tags                               = local.tags

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.NAME.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.NAME.arn
    container_name   = "NAME"
    container_port   = var.container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "NAME" {
  max_capacity       = var.desired_count * 4
  min_capacity       = var.desired_count
  resource_id        = "service/${aws_ecs_cluster.NAME.name}/${aws_ecs_service.NAME.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}

resource "aws_appautoscaling_policy" "NAME_cpu" {
  name               = "${local.full_name}-cpu"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.NAME.resource_id
  scalable_dimension = aws_appautoscaling_target.NAME.scalable_dimension
  service_namespace  = aws_appautoscaling_target.NAME.service_namespace

  target_tracking_scaling_policy_configuration {
    target_value       = 60
    scale_in_cooldown  = 120
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
"""

IAM = """data "aws_iam_policy_document" "NAME_assume" {
  statement {
    sid     = "EcsTasksAssumeNAME"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "NAME_execution" {
  name               = "${local.full_name}-execution"
  assume_role_policy = data.aws_iam_policy_document.NAME_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "NAME_execution" {
  role       = aws_iam_role.NAME_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "NAME_task" {
  name               = "${local.full_name}-task"
  assume_role_policy = data.aws_iam_policy_document.NAME_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy" "NAME_task" {
  name = "${local.full_name}-bucket"
  role = aws_iam_role.NAME_task.id

  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "ReadWriteNAMEObjects",
          "Effect": "Allow",
          "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
          "Resource": "${aws_s3_bucket.NAME.arn}/*"
        },
        {
          "Sid": "ListNAMEBucket",
          "Effect": "Allow",
          "Action": ["s3:ListBucket"],
          "Resource": "${aws_s3_bucket.NAME.arn}"
        },
        {
          "Sid": "WriteNAMELogs",
          "Effect": "Allow",
          "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
          "Resource": "${aws_cloudwatch_log_group.NAME.arn}:*"
        }
      ]
    }
  POLICY
}
"""

MONITORING = """resource "aws_sns_topic" "NAME_alarms" {
  name = "${local.full_name}-alarms"
  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "NAME_cpu_high" {
  alarm_name          = "${local.full_name}-cpu-high"
  alarm_description   = "CPU of service NAME above 85% for 10 minutes."
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 85
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.NAME_alarms.arn]
  ok_actions          = [aws_sns_topic.NAME_alarms.arn]
  tags                = local.tags

  dimensions = {
    ClusterName = aws_ecs_cluster.NAME.name
    ServiceName = aws_ecs_service.NAME.name
  }
}

resource "aws_cloudwatch_metric_alarm" "NAME_memory_high" {
  alarm_name          = "${local.full_name}-memory-high"
  alarm_description   = "Memory of service NAME above 90% for 10 minutes."
  namespace           = "AWS/ECS"
  metric_name         = "MemoryUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.NAME_alarms.arn]
  tags                = local.tags

  dimensions = {
    ClusterName = aws_ecs_cluster.NAME.name
    ServiceName = aws_ecs_service.NAME.name
  }
}
"""

STORAGE = """resource "aws_s3_bucket" "NAME" {
  bucket_prefix = "${local.full_name}-"
  tags          = local.tags
}

resource "aws_s3_bucket_versioning" "NAME" {
  bucket = aws_s3_bucket.NAME.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "NAME" {
  bucket = aws_s3_bucket.NAME.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "NAME" {
  bucket                  = aws_s3_bucket.NAME.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "NAME" {
  bucket = aws_s3_bucket.NAME.id

  rule {
    id     = "expire-old-NAME-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}
"""

OUTPUTS = """output "NAME_service_name" {
  description = "ECS service of NAME."
  value       = aws_ecs_service.NAME.name
}

output "NAME_target_group_arn" {
  description = "Target group of NAME, for a listener rule."
  value       = aws_lb_target_group.NAME.arn
}

output "NAME_bucket" {
  description = "Bucket of NAME."
  value       = aws_s3_bucket.NAME.bucket
}

output "NAME_alarm_topic_arn" {
  description = "SNS topic of the NAME alarms."
  value       = aws_sns_topic.NAME_alarms.arn
}
"""

README = """# Service NAME

The NAME service runs on ECS Fargate behind a target group on port PORT, with its own bucket,
log group, alarms and autoscaling. Inputs are in `variables.tf`, outputs in `outputs.tf`.

| input | meaning |
| --- | --- |
| `name` | prefix of every resource name |
| `vpc_id`, `subnet_ids` | where the NAME tasks run |
| `image` | the container image, tag included |
| `container_port` | PORT unless set |
| `desired_count` | running tasks; autoscaling goes up to four times this |

Operations: the NAME alarms go to the `alarm_topic_arn` SNS topic. To roll back, deploy the
previous image tag; the deployment circuit breaker rolls back failed deployments by itself.
"""

SHARED_FILES = {
    "versions.tf": VERSIONS,
    "variables.tf": VARIABLES,
    "locals.tf": LOCALS,
    "README.md": README,
}
# Each module runs three components (web, worker, cron): these files hold one copy per component.
COMPONENT_FILES = {
    "network.tf": NETWORK,
    "main.tf": MAIN,
    "iam.tf": IAM,
    "monitoring.tf": MONITORING,
    "storage.tf": STORAGE,
    "outputs.tf": OUTPUTS,
}
COMPONENTS = ("web", "worker", "cron")


def module_files(index: int) -> dict[str, str]:
    """The files of service module `index`."""
    service, port = f"svc{index:03d}", 3000 + 10 * index
    files = {
        f"modules/{service}/{file}": text.replace("NAME", service).replace("PORT", str(port))
        for file, text in SHARED_FILES.items()
    }
    for file, text in COMPONENT_FILES.items():
        copies = [
            text.replace("NAME", f"{service}_{component}").replace("PORT", str(port + offset))
            for offset, component in enumerate(COMPONENTS)
        ]
        files[f"modules/{service}/{file}"] = "\n".join(copies)
    return files


def stack_files(index: int) -> dict[str, str]:
    """The files of root stack `index`, which calls MODULES_PER_STACK service modules."""
    stack = f"stacks/stack{index:02d}"
    services = [f"svc{index * MODULES_PER_STACK + i:03d}" for i in range(MODULES_PER_STACK)]
    calls = "".join(_call(service) for service in services)
    outputs = "".join(
        f'output "{s}_service" {{\n  description = "Service {s}."\n'
        f"  value       = module.{s}.{s}_web_service_name\n}}\n\n"
        for s in services
    )
    files = {
        f"{stack}/versions.tf": VERSIONS.replace("  }\n}\n", '  }\n\n  backend "s3" {}\n}\n'),
        f"{stack}/variables.tf": _stack_variables(),
        f"{stack}/main.tf": f'provider "aws" {{\n  region = var.region\n}}\n\n{calls}',
        f"{stack}/outputs.tf": outputs,
        f"{stack}/README.md": f"# Stack {index}\n\nCalls {', '.join(services)}.\n",
    }
    for env_index, env in enumerate(ENVIRONMENTS):
        cidr = f"10.{index * len(ENVIRONMENTS) + env_index}.0.0/16"
        suffix = f"{index:02d}{env_index}"
        files[f"{stack}/environments/{env}.tfvars"] = (
            f'name       = "stack{index:02d}-{env}"\nregion     = "eu-west-1"\n'
            f'vpc_id     = "vpc-{suffix}"\nvpc_cidr   = "{cidr}"\n'
            f'image_tag  = "1.{index}.{env_index}"\n'
            f'subnet_ids = ["subnet-{suffix}a", "subnet-{suffix}b"]\n'
        )
    return files


def _call(service: str) -> str:
    return (
        f'module "{service}" {{\n'
        f'  source = "../../modules/{service}"\n\n'
        f"  name       = var.name\n  vpc_id     = var.vpc_id\n  subnet_ids = var.subnet_ids\n"
        f'  image      = "registry.example.com/{service}:${{var.image_tag}}"\n'
        f"  tags       = {{ Stack = var.name, CidrBlock = var.vpc_cidr }}\n}}\n\n"
    )


def _stack_variables() -> str:
    names = {
        "name": "string",
        "region": "string",
        "vpc_id": "string",
        "vpc_cidr": "string",
        "image_tag": "string",
        "subnet_ids": "list(string)",
    }
    return "".join(
        f'variable "{n}" {{\n  type        = {t}\n  description = "The stack\'s {n}."\n}}\n\n'
        for n, t in names.items()
    )


def synthetic_tree() -> dict[str, str]:
    """The whole synthetic repository: relative path → text."""
    tree: dict[str, str] = {}
    for index in range(MODULES):
        tree.update(module_files(index))
    for index in range(STACKS):
        tree.update(stack_files(index))
    return tree


def write_tree(root: Path, tree: dict[str, str]) -> None:
    """Write `tree` under `root`."""
    for rel, text in tree.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
