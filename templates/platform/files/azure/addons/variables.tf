variable "project_name" {
  description = "Project slug: the first part of every resource name."
  type        = string
}

variable "environment" {
  description = "Environment name."
  type        = string
}

variable "subscription_id" {
  description = "The environment's subscription."
  type        = string
}

variable "deployment_strategy" {
  description = "rolling, blue-green or canary: Argo Rollouts is installed for the last two."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}
