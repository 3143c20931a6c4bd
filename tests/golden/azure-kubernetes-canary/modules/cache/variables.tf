variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "unique_suffix" {
  description = "Short suffix that makes the globally unique names unlikely to be taken."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{4,6}$", var.unique_suffix))
    error_message = "unique_suffix must be 4-6 lowercase letters and digits."
  }
}

variable "location" {
  description = "Azure region of the cache."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "sku_name" {
  description = "Azure Managed Redis SKU, for example Balanced_B0, Balanced_B1 or MemoryOptimized_M10."
  type        = string

  validation {
    condition     = can(regex("^(Balanced_B|MemoryOptimized_M|ComputeOptimized_X|FlashOptimized_A)[0-9]+$", var.sku_name))
    error_message = "sku_name must be an Azure Managed Redis SKU (Balanced_B*, MemoryOptimized_M*, ComputeOptimized_X*, FlashOptimized_A*)."
  }
}

variable "high_availability" {
  description = "Replicate to a second node with automatic failover (protected environments). Set at creation only."
  type        = bool
  default     = true
}

variable "persistence" {
  description = "Write an RDB snapshot every 6 hours, so a restart keeps the data."
  type        = bool
  default     = false
}

variable "virtual_network_id" {
  description = "Virtual network linked to the cache's private DNS zone."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the cache's private endpoint."
  type        = string
}

variable "app_principal_id" {
  description = "Principal (object) ID of the application's managed identity: the only identity given data access (Entra ID, access policy default)."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace that receives the cache's metrics."
  type        = string
}

variable "action_group_id" {
  description = "Action group the alerts notify."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
