variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "key_deletion_window_days" {
  description = "Days a deleted KMS key can still be restored (7 to 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.key_deletion_window_days >= 7 && var.key_deletion_window_days <= 30
    error_message = "key_deletion_window_days must be between 7 and 30."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once, otherwise 7 to 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "create_app_secret" {
  description = "Create the application secret (not needed by a static site)."
  type        = bool
  default     = true
}

variable "region" {
  description = "Region of the key and secret; null for the provider's region."
  type        = string
  default     = null
}

variable "ebs_for_autoscaling" {
  description = "Let the EC2 Auto Scaling service-linked role use the key for the EBS volumes of the instances it launches (EKS managed node groups)."
  type        = bool
  default     = false
}

variable "eventbridge_topic_names" {
  description = "SNS topics (names, in the key's account and region) encrypted with this key that EventBridge rules publish to: EventBridge may use the key for these topics only."
  type        = list(string)
  default     = []
}
