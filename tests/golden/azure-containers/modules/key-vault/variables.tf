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
  description = "Azure region of the vault."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "purge_protection" {
  description = "Purge protection and 90 days of soft delete (protected environments): a deleted vault or secret can be recovered, never purged early. Cannot be turned off once on."
  type        = bool
  default     = true
}

variable "allowed_ip_ranges" {
  description = "Public addresses (CIDR) allowed through the vault's firewall, which denies every other address (access still needs an Entra ID role)."
  type        = list(string)
  default     = []
}

variable "allowed_subnet_ids" {
  description = "Subnets (with the Microsoft.KeyVault service endpoint) allowed through the firewall."
  type        = list(string)
  default     = []
}

variable "secret_reader_principal_ids" {
  description = "Identities given Key Vault Secrets User on the vault (a label => principal ID)."
  type        = map(string)
  default     = {}
}

variable "virtual_network_id" {
  description = "Virtual network linked to the private DNS zone of the vault."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the vault's private endpoint."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace that receives the vault's audit log."
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
