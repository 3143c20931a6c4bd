variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the cache nodes (no internet route needed)."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect (a label => security group ID)."
  type        = map(string)
  default     = {}
}

variable "node_type" {
  description = "Cache node type, for example cache.t4g.micro."
  type        = string

  validation {
    condition     = startswith(var.node_type, "cache.")
    error_message = "node_type must be an ElastiCache node type (cache.*)."
  }
}

variable "node_count" {
  description = "Nodes in the replication group: 1 primary plus replicas. Two or more turn on automatic failover across availability zones."
  type        = number
  default     = 1

  validation {
    condition     = var.node_count >= 1 && var.node_count <= 6
    error_message = "node_count must be between 1 and 6."
  }
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots to keep (0 turns snapshots off)."
  type        = number
  default     = 1

  validation {
    condition     = var.snapshot_retention_days >= 0 && var.snapshot_retention_days <= 35
    error_message = "snapshot_retention_days must be between 0 and 35."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for data at rest, the AUTH token secret and the slow log."
  type        = string
}

variable "secret_recovery_window_days" {
  description = "Days a deleted AUTH token secret can still be restored (0 deletes at once, otherwise 7 to 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "log_retention_days" {
  description = "Days to keep the slow log in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "alarm_topic_arn" {
  description = "ARN of the SNS topic alarms notify."
  type        = string
}
