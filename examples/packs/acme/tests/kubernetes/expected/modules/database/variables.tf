variable "name" {
  description = "Name prefix of every resource (project-environment); also the instance identifier."
  type        = string
}

variable "engine" {
  description = "Database engine: postgres (PostgreSQL 17) or mysql (MySQL 8.4)."
  type        = string

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "engine must be postgres or mysql."
  }
}

variable "database_name" {
  description = "Name of the database created on the instance (letters, digits and underscores, starting with a letter)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a letter and hold only letters, digits and underscores (at most 63)."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Database subnets (no internet route), in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "A DB subnet group needs subnets in at least two availability zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect (a label => security group ID)."
  type        = map(string)
  default     = {}
}

variable "instance_class" {
  description = "DB instance class, for example db.t4g.micro."
  type        = string

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS instance class (db.*)."
  }
}

variable "allocated_storage_gb" {
  description = "Initial storage in GiB (gp3, at least 20)."
  type        = number

  validation {
    condition     = var.allocated_storage_gb >= 20
    error_message = "allocated_storage_gb must be at least 20 (the gp3 minimum)."
  }
}

variable "max_allocated_storage_gb" {
  description = "Ceiling of storage autoscaling in GiB; also the base of the free-storage alarm."
  type        = number
}

variable "multi_az" {
  description = "Keep a synchronous standby in another availability zone."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the instance from deletion; also keeps automated backups and takes a final snapshot when it is deleted."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35."
  }
}

variable "performance_insights_enabled" {
  description = "Turn on Performance Insights (not available on the smallest instance classes of every engine)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for storage, the master password secret, logs and Performance Insights."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep database logs in CloudWatch Logs."
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

variable "iam_role_path" {
  description = "IAM path of the module's roles: the runtime-role path the CI deploy role may manage."
  type        = string
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary every role of the module carries (bootstrap/ creates it)."
  type        = string
}

variable "app_username" {
  description = "Database user the application signs in as (IAM database authentication); never the master user."
  type        = string
  default     = "app"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,31}$", var.app_username)) && var.app_username != "dbadmin"
    error_message = "app_username must be a lowercase identifier of at most 32 characters, other than the master user dbadmin."
  }
}
