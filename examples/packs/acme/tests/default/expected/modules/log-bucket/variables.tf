variable "name" {
  description = "Name prefix of every resource (project-environment); the bucket is <name>-logs-<account id>."
  type        = string
}

variable "retention_days" {
  description = "Days to keep access logs before they expire."
  type        = number
  default     = 90

  validation {
    condition     = var.retention_days >= 1
    error_message = "retention_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with the logs still in it (unprotected environments)."
  type        = bool
  default     = false
}
