# Every value is set per environment in environments/<env>.tfvars.

variable "project_name" {
  description = "Project slug: the first part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.project_name))
    error_message = "project_name must be a lowercase slug of 3-24 characters starting with a letter."
  }
}

variable "environment" {
  description = "Environment name: the second part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$", var.environment))
    error_message = "environment must be a lowercase slug of 1-16 characters starting with a letter."
  }
}

variable "owner" {
  description = "Owning team, tagged on every resource."
  type        = string
}

variable "extra_tags" {
  description = "Tags added to every resource besides project, environment, owner and managed-by (an organisation's tag policy); the four standard tags win on a clash."
  type        = map(string)
  default     = {}
}

variable "subscription_id" {
  description = "Azure subscription of the environment (a GUID: az account list --query \"[].{name:name, id:id}\")."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.subscription_id)) && var.subscription_id != "00000000-0000-0000-0000-000000000000"
    error_message = "subscription_id must be the environment's subscription GUID: replace the placeholder in environments/<env>.tfvars (and the state subscription in environments/*.backend.hcl and bootstrap/terraform.tfvars)."
  }
}

variable "location" {
  description = "Azure region of the environment."
  type        = string
}

variable "protected" {
  description = "Production-grade safety: delete locks, purge protection, zone redundancy, database HA and geo-redundant backups, private AKS API."
  type        = bool
}

variable "log_retention_days" {
  description = "Days to keep logs and telemetry in Log Analytics and Application Insights."
  type        = number

  validation {
    condition     = contains([30, 60, 90, 120, 180, 270, 365, 550, 730], var.log_retention_days)
    error_message = "log_retention_days must be 30, 60, 90, 120, 180, 270, 365, 550 or 730."
  }
}

variable "alert_email" {
  description = "E-mail address of the action group every alert notifies; empty for none."
  type        = string
  default     = ""
}

variable "deployment_strategy" {
  description = "How new application versions reach users: rolling, blue-green or canary (see docs/azure-layout.md)."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "vnet_cidr" {
  description = "IPv4 CIDR block of the environment's virtual network (/16 to /24)."
  type        = string
}

variable "allowed_ip_ranges" {
  description = "Public addresses (CIDR) let through the firewalls of Key Vault and the Functions storage, which deny every other address; Entra ID roles still decide."
  type        = list(string)
}

variable "dns_zone_name" {
  description = "Public Azure DNS zone of the environment's domain, created by bootstrap/ in its resource group: the application's records go in."
  type        = string
}

variable "domain_name" {
  description = "Fully qualified name of the application in this environment."
  type        = string
}

variable "container_registry_sku" {
  description = "Container registry SKU: Standard or Premium (zone redundancy, retention of untagged manifests)."
  type        = string
}

variable "aks_system_vm_size" {
  description = "VM size of the system node pool."
  type        = string
}

variable "aks_node_vm_size" {
  description = "VM size of the application node pool."
  type        = string
}

variable "aks_node_min" {
  description = "Fewest application nodes."
  type        = number
}

variable "aks_node_max" {
  description = "Most application nodes."
  type        = number
}

variable "aks_admin_group_object_ids" {
  description = "Entra ID groups that administer the cluster (break-glass, platform team)."
  type        = list(string)
}

variable "aks_creator_admin_access" {
  description = "Make whoever runs Terraform a cluster administrator (when no CI identity manages the cluster)."
  type        = bool
}

variable "database_engine" {
  description = "Database engine: postgres or mysql."
  type        = string
}

variable "database_sku" {
  description = "Flexible server compute SKU (B_Standard_B1ms, GP_Standard_D2ads_v5...)."
  type        = string
}

variable "database_storage_gb" {
  description = "Initial database storage in GiB (grows automatically)."
  type        = number
}

variable "database_backup_retention_days" {
  description = "Days of automated database backups (7 to 35)."
  type        = number
}

variable "cache_sku" {
  description = "Azure Managed Redis SKU."
  type        = string
}
