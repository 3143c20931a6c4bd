variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "region" {
  description = "Region of the instance."
  type        = string
}

variable "network_id" {
  description = "ID of the VPC network the instance is reachable from."
  type        = string
}

variable "reserved_ip_range" {
  description = "Name of the private services access range the instance's address comes from."
  type        = string
}

variable "memory_size_gb" {
  description = "Memory of the instance in GB."
  type        = number

  validation {
    condition     = var.memory_size_gb >= 1 && var.memory_size_gb <= 300
    error_message = "memory_size_gb must be between 1 and 300."
  }
}

variable "high_availability" {
  description = "STANDARD_HA tier: a replica in another zone with automatic failover (otherwise BASIC, a single node)."
  type        = bool
  default     = false
}

variable "snapshot_period" {
  description = "RDB snapshot period (ONE_HOUR, SIX_HOURS, TWELVE_HOURS, TWENTY_FOUR_HOURS); null for no persistence."
  type        = string
  default     = null

  validation {
    condition     = var.snapshot_period == null || contains(["ONE_HOUR", "SIX_HOURS", "TWELVE_HOURS", "TWENTY_FOUR_HOURS"], coalesce(var.snapshot_period, "-"))
    error_message = "snapshot_period must be null, ONE_HOUR, SIX_HOURS, TWELVE_HOURS or TWENTY_FOUR_HOURS."
  }
}


variable "notification_channels" {
  description = "Notification channels of the alert policies."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels of the alert policies (the provider's default labels do not reach them)."
  type        = map(string)
  default     = {}
}
