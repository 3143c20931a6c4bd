variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "unique_suffix" {
  description = "Short suffix that makes the globally unique storage account name unlikely to be taken."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{4,6}$", var.unique_suffix))
    error_message = "unique_suffix must be 4-6 lowercase letters and digits."
  }
}

variable "location" {
  description = "Azure region of the storage account."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "replication_type" {
  description = "Storage replication: ZRS (zones of one region) or GZRS (and the paired region)."
  type        = string
  default     = "ZRS"

  validation {
    condition     = contains(["ZRS", "GZRS", "RAGZRS"], var.replication_type)
    error_message = "replication_type must be ZRS, GZRS or RAGZRS."
  }
}

variable "soft_delete_days" {
  description = "Days deleted or overwritten files (and containers) can be restored."
  type        = number
  default     = 7

  validation {
    condition     = var.soft_delete_days >= 1 && var.soft_delete_days <= 365
    error_message = "soft_delete_days must be between 1 and 365."
  }
}

variable "delete_lock" {
  description = "Put a CanNotDelete lock on the storage account (protected environments)."
  type        = bool
  default     = true
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the blob audit log."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
