variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "rate_limit_per_5_minutes" {
  description = "Requests one client IP may send in any 5-minute window before it is blocked."
  type        = number
  default     = 2000

  validation {
    condition     = var.rate_limit_per_5_minutes >= 10
    error_message = "rate_limit_per_5_minutes must be at least 10 (the AWS WAF minimum)."
  }
}

variable "log_retention_days" {
  description = "Days to keep WAF logs in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the WAF log group."
  type        = string
}
