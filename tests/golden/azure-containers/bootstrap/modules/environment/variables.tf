variable "project_name" {
  description = "Project slug: the first part of every resource name."
  type        = string
}

variable "environment" {
  description = "Environment name."
  type        = string
}

variable "subscription_id" {
  description = "The environment's subscription (its isolation boundary)."
  type        = string
}

variable "location" {
  description = "Region of the environment's resource group (the root stack's location)."
  type        = string
}

variable "runtime_identities" {
  description = "Runtime identities to create (key => name suffix: <project>-<env>-<suffix>); aks and kubelet for AKS."
  type        = map(string)
}

variable "kubernetes" {
  description = "Create the AKS control plane and kubelet identities, and grant the cluster roles."
  type        = bool
}

variable "dns_zone_name" {
  description = "Public DNS zone of the environment's domain, created here (empty: none)."
  type        = string
  default     = ""
}

variable "ci_enabled" {
  description = "Grant roles to the CI identities below (false: no CI system)."
  type        = bool
}

variable "deploy_principal_id" {
  description = "Object ID of the environment's deploy identity (empty without CI)."
  type        = string
  default     = ""
}

variable "plan_principal_id" {
  description = "Object ID of the environment's plan identity (empty without CI)."
  type        = string
  default     = ""
}

variable "assignable_roles" {
  description = "Built-in roles (name => role definition GUID) the root stack assigns to its runtime identities."
  type        = map(string)
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
