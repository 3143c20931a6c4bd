variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "region" {
  description = "The only region the secret is replicated to."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the secret (terraform destroy fails until it is turned off)."
  type        = bool
  default     = true
}

variable "version_destroy_ttl_days" {
  description = "Days a destroyed secret version stays recoverable (disabled) before it is gone."
  type        = number
  default     = 7

  validation {
    condition     = var.version_destroy_ttl_days >= 1 && var.version_destroy_ttl_days <= 30
    error_message = "version_destroy_ttl_days must be between 1 and 30."
  }
}
