variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "region" {
  description = "Region of the instance."
  type        = string
}

variable "engine" {
  description = "Database engine: postgres (PostgreSQL 18) or mysql (MySQL 8.4)."
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

variable "network_id" {
  description = "ID of the VPC network the instance gets its private address in."
  type        = string
}

variable "allocated_ip_range" {
  description = "Name of the private services access range the address comes from (the network must be peered with it)."
  type        = string
}

variable "tier" {
  description = "Machine type of the instance (Enterprise edition), for example db-custom-2-7680."
  type        = string

  validation {
    condition     = startswith(var.tier, "db-")
    error_message = "tier must be a Cloud SQL machine type (db-*)."
  }
}

variable "disk_size_gb" {
  description = "Initial SSD size in GB (it grows on its own up to disk_autoresize_limit_gb)."
  type        = number

  validation {
    condition     = var.disk_size_gb >= 10
    error_message = "disk_size_gb must be at least 10."
  }
}

variable "disk_autoresize_limit_gb" {
  description = "Ceiling of automatic storage increases in GB."
  type        = number
}

variable "high_availability" {
  description = "Keep a synchronous standby in another zone of the region (REGIONAL availability), with automatic failover."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the instance from deletion (in Terraform and in the API); keep backups after the instance is deleted."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Daily backups kept; the point-in-time recovery window is the same, up to 7 days."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 365
    error_message = "backup_retention_days must be between 1 and 365."
  }
}

variable "query_insights_enabled" {
  description = "Record query plans and statistics in Query Insights."
  type        = bool
  default     = true
}

variable "app_service_account_email" {
  description = "E-mail of the application's runtime service account: its IAM database user."
  type        = string
}

variable "service_account_emails" {
  description = "The other services' runtime service accounts (service name => e-mail): each signs in with IAM as a database user of its own, like the application."
  type        = map(string)
  default     = {}
}

variable "notification_channels" {
  description = "Notification channels of the alert policies."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels of the instance (settings.user_labels) and alert policies, which the provider's default labels do not reach."
  type        = map(string)
  default     = {}
}
