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
  description = "Azure region of the server."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "engine" {
  description = "Database engine: postgres (PostgreSQL 16 Flexible Server) or mysql (MySQL 8.0 Flexible Server)."
  type        = string

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "engine must be postgres or mysql."
  }
}

variable "database_name" {
  description = "Name of the application database (letters, digits and underscores, starting with a letter)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a letter and hold only letters, digits and underscores (at most 63)."
  }
}

variable "sku_name" {
  description = "Compute SKU (tier_family_size), for example B_Standard_B1ms or GP_Standard_D2ads_v5. High availability needs General Purpose or Memory Optimized."
  type        = string

  validation {
    condition     = can(regex("^(B|GP|MO)_Standard_", var.sku_name))
    error_message = "sku_name must be a Burstable (B_), General Purpose (GP_) or Memory Optimized (MO_) SKU."
  }
}

variable "storage_gb" {
  description = "Initial storage in GiB (grows automatically). PostgreSQL accepts 32, 64, 128, 256, 512, 1024..."
  type        = number

  validation {
    condition     = var.storage_gb >= 32
    error_message = "storage_gb must be at least 32."
  }
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time restore window)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "geo_redundant_backup" {
  description = "Copy backups to the paired region (restore after a regional outage). Set at creation only."
  type        = bool
  default     = false
}

variable "high_availability" {
  description = "Keep a zone-redundant standby with automatic failover."
  type        = bool
  default     = false

  validation {
    condition     = !var.high_availability || !startswith(var.sku_name, "B_")
    error_message = "high_availability needs a General Purpose or Memory Optimized SKU, not Burstable."
  }
}

variable "delete_lock" {
  description = "Put a CanNotDelete lock on the server (protected environments)."
  type        = bool
  default     = true
}

variable "subnet_id" {
  description = "Subnet delegated to the flexible server."
  type        = string
}

variable "virtual_network_id" {
  description = "Virtual network linked to the server's private DNS zone."
  type        = string
}

variable "app_identity_name" {
  description = "Name of the application's managed identity: its PostgreSQL role (an Entra ID principal, not an administrator)."
  type        = string
}

variable "key_vault_uri" {
  description = "URI of the Key Vault that keeps the MySQL application user's password (database-password)."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace that receives the server's logs."
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

variable "password_version" {
  description = "MySQL: version of the generated administrator password; raise it to generate a new one nobody knows (write-only, in no state)."
  type        = number
  default     = 1
}
