variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "default_backend" {
  description = "ID of the backend service or backend bucket every request goes to."
  type        = string
}

variable "domain_name" {
  description = "Fully qualified name served over HTTPS with a Google-managed certificate; null to serve HTTP only."
  type        = string
  default     = null
}

variable "path_prefix_rewrite" {
  description = "Serve every request from this path prefix of the backend (for example /releases/initial/); null to pass paths unchanged. Only read at creation: then the pipeline owns it."
  type        = string
  default     = null

  validation {
    condition     = var.path_prefix_rewrite == null || can(regex("^/.*/$", coalesce(var.path_prefix_rewrite, "-")))
    error_message = "path_prefix_rewrite must start and end with /."
  }
}

variable "error_rate_percent" {
  description = "Share of 5xx responses, in percent, above which the error alert fires."
  type        = number
  default     = 5

  validation {
    condition     = var.error_rate_percent > 0 && var.error_rate_percent <= 100
    error_message = "error_rate_percent must be greater than 0 and at most 100."
  }
}

variable "notification_channels" {
  description = "Notification channels of the alert policy."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels of the alert policy (the provider's default labels do not reach it)."
  type        = map(string)
  default     = {}
}
