variable "project_name" {
  description = "Project slug: the first part of every resource name."
  type        = string
}

variable "environment" {
  description = "Environment name (the main stack's)."
  type        = string
}

variable "project_id" {
  description = "The environment's project."
  type        = string
}

variable "region" {
  description = "Region of the environment's cluster."
  type        = string
}

variable "deployment_strategy" {
  description = "rolling, blue-green or canary: blue-green and canary install Argo Rollouts."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "plan_service_account" {
  description = "E-mail of the environment's read-only CI plan identity, which may read Helm's release records (Secrets of the add-ons' namespaces) and nothing else in them; empty without CI."
  type        = string
  default     = ""
}
