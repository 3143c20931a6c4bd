variable "name_prefix" {
  description = "Prefix of the workload's names (project-environment)."
  type        = string
}

variable "service" {
  description = "The service's name: the workload's resources are named <name_prefix>-<service>; beyond 46 characters the name is cut to 41 plus 4 hex digits of its MD5 (IAM role names are limited to 64)."
  type        = string
}

variable "kind" {
  description = "What the workload is: http (routed by path on the shared load balancer), worker (no ingress, always on) or job (an ECS task EventBridge Scheduler runs on a schedule)."
  type        = string

  validation {
    condition     = contains(["http", "worker", "job"], var.kind)
    error_message = "kind must be http, worker or job."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the workload runs in (the primary service's)."
  type        = string
}

variable "cluster_name" {
  description = "Name of the same ECS cluster."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC (the tasks reach the database and cache inside it)."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets the tasks run in."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key of the environment: images, logs and the workload's secret."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the container logs."
  type        = number
  default     = 365
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret of the workload can be restored (0 deletes it at once)."
  type        = number
  default     = 30
}

variable "container_image" {
  description = "Image of the first task definition revision; later revisions are registered by the CI pipeline with the workload's image."
  type        = string
  default     = "public.ecr.aws/nginx/nginx-unprivileged:stable-alpine"
}

variable "container_port" {
  description = "Port the container listens on (http and worker; null for a job)."
  type        = number
  default     = null

  validation {
    condition     = var.container_port == null ? true : var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be an unprivileged port (1024-65535): the container runs as a non-root user."
  }
}

variable "health_check_path" {
  description = "Path that answers 2XX or 3XX when the workload is healthy: the target group's check (http), the container's own check (worker, runtimes python, node, java and dotnet)."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._~/-]*$", var.health_check_path))
    error_message = "health_check_path must start with / and hold only letters, digits and . _ ~ - / (it is quoted into the container's health check command)."
  }
}

variable "runtime" {
  description = "worker: the image's runtime (python, node, java, dotnet, go or container); it picks the interpreter of the container's health check (none for go and container)."
  type        = string
  default     = null

  validation {
    condition     = var.runtime == null || contains(["python", "node", "java", "dotnet", "go", "container"], coalesce(var.runtime, "container"))
    error_message = "runtime must be python, node, java, dotnet, go or container."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks: X86_64 or ARM64."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "cpu" {
  description = "Fargate CPU units of a task (256 = 0.25 vCPU)."
  type        = number

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Memory of a task in MiB; must be a valid Fargate combination with cpu."
  type        = number

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880
    error_message = "memory must be between 512 and 122880 MiB."
  }
}

variable "min_count" {
  description = "Fewest running tasks of an http or worker service (autoscaling floor, at least 1)."
  type        = number
  default     = 1

  validation {
    condition     = var.min_count >= 1
    error_message = "min_count must be at least 1: a worker is always on."
  }
}

variable "max_count" {
  description = "Most running tasks of an http or worker service (autoscaling ceiling)."
  type        = number
  default     = 4
}

variable "cpu_target_percent" {
  description = "Average CPU the autoscaling keeps the service at."
  type        = number
  default     = 60
}

variable "environment" {
  description = "Plain environment variables of the container (name => value)."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables read from Secrets Manager at start (name => secret ARN), besides the workload's own APP_SECRETS."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "Secrets the execution role may read, besides the workload's own."
  type        = list(string)
  default     = []
}

variable "database_user_arns" {
  description = "rds-db:connect ARNs of the database users the task role may sign in as (IAM authentication)."
  type        = list(string)
  default     = []
}

variable "deployment_strategy" {
  description = "How ECS rolls out an http service: rolling, blue-green or canary (workers always roll; a job has no service)."
  type        = string
  default     = "rolling"

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "bake_time_minutes" {
  description = "Blue/green and canary: minutes both revisions stay up after the switch (ECS rolls back on alarm meanwhile)."
  type        = number
  default     = 10
}

variable "canary_percent" {
  description = "Canary: percent of traffic the new revision gets first."
  type        = number
  default     = 10
}

variable "canary_bake_time_minutes" {
  description = "Canary: minutes the canary share is watched before the rest moves."
  type        = number
  default     = 10
}

variable "force_delete" {
  description = "Let `terraform destroy` delete the image repository with images in it."
  type        = bool
  default     = false
}

variable "images_to_keep" {
  description = "Most recent images the repository keeps."
  type        = number
  default     = 50
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarms notify."
  type        = string
}

variable "error_threshold" {
  description = "http: 5XX responses a minute of the service's target group that count as failing."
  type        = number
  default     = 10
}

variable "latency_threshold_seconds" {
  description = "http: p95 response time of the service's target group above which the latency alarm fires."
  type        = number
  default     = 1
}

variable "listener_arn" {
  description = "http: the shared load balancer's serving listener (HTTPS with a domain, else HTTP)."
  type        = string
  default     = null
}

variable "load_balancer_arn_suffix" {
  description = "http: ARN suffix of the shared load balancer (CloudWatch dimension)."
  type        = string
  default     = null
}

variable "load_balancer_security_group_id" {
  description = "http: security group of the shared load balancer; the module lets it reach this service's port."
  type        = string
  default     = null
}

variable "path" {
  description = "http: path prefix the load balancer routes to the service (/p routes /p and /p/*)."
  type        = string
  default     = null

  validation {
    condition     = var.path == null || can(regex("^/[a-z0-9][a-z0-9._/-]*[a-z0-9._-]$|^/[a-z0-9]$", var.path))
    error_message = "path must be a prefix like /api (no trailing slash, not /: the primary service gets everything else)."
  }
}

variable "listener_rule_priority" {
  description = "http: priority of the service's listener rule; below the primary service's catch-all (100), deeper paths lower (evaluated first)."
  type        = number
  default     = null

  validation {
    condition     = var.listener_rule_priority == null ? true : var.listener_rule_priority >= 1 && var.listener_rule_priority < 100
    error_message = "listener_rule_priority must be 1-99: the primary service's catch-all rule has priority 100."
  }
}

variable "schedule_expression" {
  description = "job: EventBridge Scheduler expression, e.g. cron(15 2 * * ? *) (six fields)."
  type        = string
  default     = null
}

variable "iam_role_path" {
  description = "IAM path of the workload's roles (the CI deploy role may only manage roles there)."
  type        = string
  default     = "/"
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary every role of the workload carries."
  type        = string
  default     = null
}
