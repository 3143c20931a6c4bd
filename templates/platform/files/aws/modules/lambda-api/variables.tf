variable "name" {
  description = "Name prefix of every resource (project-environment); also the function and API name."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC the function runs in."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC: the function may open TCP connections inside it (database, cache)."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets of the function (reaching the internet through NAT)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for environment variables and log groups."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep function and API access logs in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "runtime" {
  description = "Lambda runtime of the application's package."
  type        = string
  default     = "python3.13"
}

variable "handler" {
  description = "Entry point of the application's package (module.function for Python, file.export for Node.js)."
  type        = string
  default     = "app.handler"
}

variable "architecture" {
  description = "Instruction set: arm64 (Graviton, cheaper) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_mb" {
  description = "Memory of the function in MB (CPU is allocated in proportion)."
  type        = number

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb must be between 128 and 10240."
  }
}

variable "timeout_seconds" {
  description = "Longest run of one invocation; the API waits at most 30 seconds."
  type        = number
  default     = 29

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be between 1 and 900."
  }
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for the function, which also cap it (protecting the database and the account's pool); null reserves none (the account's unreserved pool)."
  type        = number
  default     = null

  validation {
    condition     = coalesce(var.reserved_concurrency, 1) >= 1
    error_message = "reserved_concurrency must be at least 1, or null for none."
  }
}

variable "alias_name" {
  description = "Name of the alias the API invokes and deployments move."
  type        = string
  default     = "live"
}

variable "environment" {
  description = "Environment variables of the function (name => value); secrets are passed as ARNs, read at start."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "ARNs of the Secrets Manager secrets the function may read."
  type        = list(string)
  default     = []
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second the API accepts before answering 429."
  type        = number
  default     = 500
}

variable "throttling_burst_limit" {
  description = "Burst of requests the API accepts above the rate limit."
  type        = number
  default     = 1000
}

variable "domain_name" {
  description = "Custom domain of the API; null serves on the execute-api endpoint only."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "ARN of a regional ACM certificate covering domain_name (required with it)."
  type        = string
  default     = null
}

variable "alarm_topic_arn" {
  description = "ARN of the SNS topic alarms notify."
  type        = string
}

variable "error_threshold" {
  description = "5XX responses or failed invocations a minute above which the error alarms fire."
  type        = number
  default     = 5
}

variable "latency_threshold_ms" {
  description = "p95 API latency, in milliseconds, above which the latency alarm fires."
  type        = number
  default     = 1000
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
