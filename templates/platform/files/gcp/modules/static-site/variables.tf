variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "project_id" {
  description = "Project of the buckets (it makes their global names unique)."
  type        = string
}

variable "region" {
  description = "Location of the buckets."
  type        = string
}

variable "https_only" {
  description = "The site is only served over HTTPS (a domain is configured): send Strict-Transport-Security."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Days the site bucket's access logs are kept."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 1
    error_message = "log_retention_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the buckets with objects still in them."
  type        = bool
  default     = false
}
