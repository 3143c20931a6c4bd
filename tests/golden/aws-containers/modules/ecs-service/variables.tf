variable "name" {
  description = "Name prefix of every resource (project-environment); also the cluster, service and task family name."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC: tasks may open TCP connections inside it (database, cache)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the load balancer (at least two availability zones)."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An application load balancer needs subnets in at least two availability zones."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets the tasks run in."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for the image registry, log groups and ECS Exec sessions."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep container logs in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "access_log_bucket" {
  description = "S3 bucket the load balancer writes its access logs to."
  type        = string
}

variable "access_log_prefix" {
  description = "Key prefix of the load balancer access logs in access_log_bucket."
  type        = string
  default     = "alb"
}

variable "web_acl_arn" {
  description = "ARN of the regional WAF web ACL associated with the load balancer."
  type        = string
}

variable "https_enabled" {
  description = "Serve HTTPS on 443 with certificate_arn and redirect HTTP to it; otherwise serve HTTP on 80."
  type        = bool
  default     = false
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate of the HTTPS listener (required when https_enabled)."
  type        = string
  default     = null
}

variable "container_image" {
  description = "Image of the first task definition revision. Later revisions are registered by the CI pipeline with the application image; the default is a placeholder that answers on port 8080."
  type        = string
  default     = "public.ecr.aws/nginx/nginx-unprivileged:stable-alpine"
}

variable "container_port" {
  description = "Port the container listens on."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be an unprivileged port (1024-65535): the container runs as a non-root user."
  }
}

variable "health_check_path" {
  description = "Path the load balancer checks; any 2XX or 3XX answer is healthy."
  type        = string
  default     = "/"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks: X86_64 or ARM64 (Graviton, cheaper; the image must support it)."
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
  description = "Fewest running tasks (autoscaling floor)."
  type        = number

  validation {
    condition     = var.min_count >= 1
    error_message = "min_count must be at least 1."
  }
}

variable "max_count" {
  description = "Most running tasks (autoscaling ceiling); must not be below min_count."
  type        = number

  validation {
    condition     = var.max_count >= 1
    error_message = "max_count must be at least 1."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation autoscaling keeps the service at."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 10 and 90."
  }
}

variable "environment" {
  description = "Plain environment variables of the container (name => value)."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables read from Secrets Manager at start (name => secret ARN, optionally with :json-key::)."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "ARNs of the secrets the execution role may read (those referenced in secrets)."
  type        = list(string)
  default     = []
}

variable "deployment_strategy" {
  description = "How new revisions reach users: rolling (replace tasks gradually), blue-green (full switch after a bake time) or canary (a share of traffic first)."
  type        = string
  default     = "rolling"

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "bake_time_minutes" {
  description = "Blue-green and canary: minutes the previous revision stays ready after all traffic moved, the window of an instant rollback."
  type        = number
  default     = 10

  validation {
    condition     = var.bake_time_minutes >= 0 && var.bake_time_minutes <= 1440
    error_message = "bake_time_minutes must be between 0 and 1440."
  }
}

variable "canary_percent" {
  description = "Canary: share of production traffic the new revision receives first."
  type        = number
  default     = 10

  validation {
    condition     = var.canary_percent >= 0.1 && var.canary_percent <= 100
    error_message = "canary_percent must be between 0.1 and 100."
  }
}

variable "canary_bake_time_minutes" {
  description = "Canary: minutes the canary share is held, watched by the error alarm, before all traffic moves."
  type        = number
  default     = 10

  validation {
    condition     = var.canary_bake_time_minutes >= 0 && var.canary_bake_time_minutes <= 1440
    error_message = "canary_bake_time_minutes must be between 0 and 1440."
  }
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion."
  type        = bool
  default     = true
}

variable "force_delete" {
  description = "Let `terraform destroy` delete the image repository with images still in it."
  type        = bool
  default     = false
}

variable "images_to_keep" {
  description = "Most recent images kept in the repository; older ones expire."
  type        = number
  default     = 50

  validation {
    condition     = var.images_to_keep >= 1
    error_message = "images_to_keep must be at least 1."
  }
}

variable "alarm_topic_arn" {
  description = "ARN of the SNS topic alarms notify."
  type        = string
}

variable "error_threshold" {
  description = "5XX responses a minute above which the error alarm fires (and a running deployment rolls back)."
  type        = number
  default     = 10
}

variable "latency_threshold_seconds" {
  description = "p95 response time, in seconds, above which the latency alarm fires."
  type        = number
  default     = 1
}

variable "iam_role_path" {
  description = "IAM path of the module's roles: the runtime-role path the CI deploy role may manage."
  type        = string
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary every role of the module carries (bootstrap/ creates it)."
  type        = string
}

variable "database_user_arns" {
  description = "rds-db:connect resources (dbuser ARNs) the application role may sign in as, with IAM database authentication."
  type        = list(string)
  default     = []
}
