variable "project_name" {
  description = "Project slug: the first part of every resource name."
  type        = string
}

variable "environment" {
  description = "Environment name (the main stack's)."
  type        = string
}

variable "owner" {
  description = "Owning team, tagged on every resource."
  type        = string
}

variable "region" {
  description = "Region of the environment's cluster."
  type        = string
}

variable "account_id" {
  description = "The environment's AWS account: the provider refuses credentials of any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "deployment_strategy" {
  description = "rolling, blue-green or canary: blue-green and canary install Argo Rollouts."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "controllers_namespace" {
  description = "Namespace of the load balancer controller and the autoscaler: the main stack's Pod Identity associations name it (eks-cluster controllers_namespace)."
  type        = string
  default     = "cluster-controllers"
}

variable "domain_name" {
  description = "The environment's public hosted zone (its application's name): external-dns writes the Ingress records there only. Null installs no external-dns."
  type        = string
  default     = null
}
