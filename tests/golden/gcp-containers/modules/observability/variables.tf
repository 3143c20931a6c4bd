variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "project_id" {
  description = "Project whose _Default log bucket retention is set."
  type        = string
}

variable "log_retention_days" {
  description = "Days Cloud Logging keeps the project's logs (_Default bucket)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 1 && var.log_retention_days <= 3650
    error_message = "log_retention_days must be between 1 and 3650."
  }
}

variable "alert_email" {
  description = "E-mail address alerts are sent to; empty for none (alerts then only show in the console)."
  type        = string
  default     = ""

  validation {
    condition     = var.alert_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be empty or an e-mail address."
  }
}

variable "error_log" {
  description = "The application's error log entries: a Logging filter selecting them, and their monitored resource type."
  type = object({
    filter        = string
    resource_type = string
  })
}

variable "error_log_threshold" {
  description = "Error log entries a minute above which the application error alert fires."
  type        = number
  default     = 10
}

variable "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets (objects with title and xyChart), in display order."
  type        = any
  default     = []
}

variable "labels" {
  description = "Labels of the alert policies, notification channel and dashboard (the provider's default labels do not reach them)."
  type        = map(string)
  default     = {}
}

variable "protected" {
  description = "The environment is protected: its alerts must have a notification channel (alert_email)."
  type        = bool
  default     = false
}
