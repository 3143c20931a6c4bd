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

variable "dashboard_widgets" {
  description = "Charts of the environment's dashboard, in display order: each module's `dashboard_widgets` (a title, the metrics of Azure resources it plots, and a dimension to split by or \"\"; or a Log Analytics query, its workspace and its value column)."
  type = list(object({
    title = string
    metrics = list(object({
      resource_id  = string
      namespace    = string
      name         = string
      aggregation  = string
      display_name = string
    }))
    split_by = optional(string, "")
    # A Log Analytics chart instead (metrics empty): its KQL, the workspace it runs on and the
    # column it draws over TimeGenerated (dashboard.tf).
    query       = optional(string, "")
    query_scope = optional(string, "")
    query_value = optional(string, "")
  }))
  default = []

  validation {
    condition     = alltrue([for widget in var.dashboard_widgets : alltrue([for metric in widget.metrics : contains(["Sum", "Minimum", "Maximum", "Average", "Count"], metric.aggregation)])])
    error_message = "Each dashboard metric's aggregation must be Sum, Minimum, Maximum, Average or Count."
  }
}
