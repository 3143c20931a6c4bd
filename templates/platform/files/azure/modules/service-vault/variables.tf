variable "name" {
  description = "Name prefix of the service's resources (project-environment-service)."
  type        = string
}

variable "service_name" {
  description = "The service whose secrets the vault holds."
  type        = string
}

variable "unique_suffix" {
  description = "Short suffix that makes the vault's global name unlikely to be taken, and distinct from every other vault of the environment."
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

variable "reader_principal_id" {
  description = "Principal ID of the service's own managed identity, the only one given Key Vault Secrets User on the vault."
  type        = string
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

variable "private_dns_zone_id" {
  description = "The network's existing privatelink.vaultcore.azure.net zone (modules/key-vault creates it), where the endpoint registers its A record."
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
