variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "location" {
  description = "Azure region of the workspace."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "retention_days" {
  description = "Days to keep logs and telemetry in the workspace and Application Insights."
  type        = number
  default     = 90

  validation {
    condition     = contains([30, 60, 90, 120, 180, 270, 365, 550, 730], var.retention_days)
    error_message = "retention_days must be a period both Log Analytics and Application Insights accept: 30, 60, 90, 120, 180, 270, 365, 550 or 730."
  }
}

variable "daily_quota_gb" {
  description = "Daily ingestion cap of the workspace in GB (-1 for none): a runaway log loop cannot run up the bill."
  type        = number
  default     = -1
}

variable "alert_email" {
  description = "E-mail address of the action group; empty for none (add receivers to the action group)."
  type        = string
  default     = ""

  validation {
    condition     = var.alert_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be empty or an e-mail address."
  }
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
