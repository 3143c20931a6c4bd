variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the alarm topic (its policy must let cloudwatch.amazonaws.com use it)."
  type        = string
}

variable "alert_email" {
  description = "E-mail address subscribed to the alarm topic; empty for none (the address must confirm the subscription)."
  type        = string
  default     = ""

  validation {
    condition     = var.alert_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be empty or an e-mail address."
  }
}

variable "dashboard_widgets" {
  description = "CloudWatch dashboard widgets (objects with type and properties, without position), in display order."
  type        = any
  default     = []
}

variable "event_rule_arns" {
  description = "EventBridge rules that publish to the alarm topic (the topic policy allows exactly these; the topic's key must let events.amazonaws.com use it)."
  type        = list(string)
  default     = []
}

variable "region" {
  description = "Region of the topic; null for the provider's region. Alarms notify topics of their own region only (a static site's CloudFront alarms live in us-east-1)."
  type        = string
  default     = null
}
