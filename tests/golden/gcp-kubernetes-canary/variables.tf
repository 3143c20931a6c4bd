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
  description = "Owning team, labelled on every resource (lowercased, other characters than letters, digits, - and _ become -)."
  type        = string
}

variable "extra_labels" {
  description = "Labels added to every resource besides project, environment, owner and managed-by (an organisation's label policy); the four standard labels win on a clash."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key, value in var.extra_labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", key)) && can(regex("^[a-z0-9_-]{0,63}$", value))])
    error_message = "extra_labels keys must be lowercase letters, digits, - and _ starting with a letter, values lowercase letters, digits, - and _ (63 characters at most)."
  }
}

variable "project_id" {
  description = "Google Cloud project of the environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project ID (6-30 lowercase letters, digits and hyphens)."
  }
}

variable "region" {
  description = "Google Cloud region of the environment."
  type        = string
}

variable "protected" {
  description = "Production-grade safety: deletion protection, high availability (Cloud SQL standby, Memorystore replica), longer backups, warm instances, the STABLE GKE channel."
  type        = bool
}

variable "log_retention_days" {
  description = "Days Cloud Logging keeps the environment's logs."
  type        = number

  validation {
    condition     = var.log_retention_days >= 1 && var.log_retention_days <= 3650
    error_message = "log_retention_days must be between 1 and 3650."
  }
}

variable "alert_email" {
  description = "E-mail address alerts are sent to; empty for none (not allowed in a protected environment)."
  type        = string
  default     = ""

  validation {
    condition     = !var.protected || var.alert_email != ""
    error_message = "A protected environment needs alert_email: its alerts must notify someone."
  }
}

variable "deployment_strategy" {
  description = "How new application versions reach users: rolling, blue-green or canary (see docs/gcp-layout.md)."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "network_cidr" {
  description = "IPv4 CIDR block of the environment (/16 to /24); every range of its network is carved from it."
  type        = string
}

variable "domain_name" {
  description = "Fully qualified name of the application in this environment."
  type        = string
}

variable "dns_zone_name" {
  description = "Name of the existing Cloud DNS public zone, in the environment's project, that serves domain_name."
  type        = string
}

variable "gke_machine_type" {
  description = "Machine type of the GKE nodes."
  type        = string
}

variable "gke_zone_count" {
  description = "Zones of the region the nodes are spread over (2 or 3)."
  type        = number
}

variable "gke_node_min" {
  description = "Fewest nodes, all zones together."
  type        = number
}

variable "gke_node_max" {
  description = "Most nodes, all zones together (cluster autoscaler ceiling)."
  type        = number
}

variable "database_engine" {
  description = "Database engine: postgres or mysql."
  type        = string
}

variable "database_tier" {
  description = "Cloud SQL machine type (Enterprise edition)."
  type        = string
}

variable "database_disk_size_gb" {
  description = "Initial database storage in GB."
  type        = number
}

variable "database_disk_autoresize_limit_gb" {
  description = "Ceiling of automatic database storage increases in GB."
  type        = number
}

variable "database_backup_retention_days" {
  description = "Daily database backups kept (the point-in-time recovery window is up to 7 days)."
  type        = number
}

variable "database_query_insights" {
  description = "Record query plans and statistics in Query Insights."
  type        = bool
}

variable "cache_memory_gb" {
  description = "Memory of the Memorystore for Redis instance in GB."
  type        = number
}
