variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "unique_suffix" {
  description = "Short suffix that makes the global app and storage names unlikely to be taken."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{4,6}$", var.unique_suffix))
    error_message = "unique_suffix must be 4-6 lowercase letters and digits."
  }
}

variable "location" {
  description = "Azure region of the function app."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "runtime_name" {
  description = "Language runtime: python or node."
  type        = string
  default     = "python"

  validation {
    condition     = contains(["python", "node"], var.runtime_name)
    error_message = "runtime_name must be python or node."
  }
}

variable "runtime_version" {
  description = "Version of the runtime (3.12 for python, 22 for node)."
  type        = string
  default     = "3.12"
}

variable "subnet_id" {
  description = "Workload subnet of the VNet integration (delegated to Microsoft.App/environments for Flex Consumption, Microsoft.Web/serverFarms for Elastic Premium)."
  type        = string
}

variable "identity_id" {
  description = "Resource ID of the application's user-assigned managed identity."
  type        = string
}

variable "identity_client_id" {
  description = "Client ID of the application's identity (AZURE_CLIENT_ID of the code, and of the host's storage connection)."
  type        = string
}

variable "identity_principal_id" {
  description = "Principal ID of the application's identity (given the host's storage roles)."
  type        = string
}

variable "instance_memory_mb" {
  description = "Flex Consumption: memory of one instance (512, 2048 or 4096 MB)."
  type        = number
  default     = 2048

  validation {
    condition     = contains([512, 2048, 4096], var.instance_memory_mb)
    error_message = "instance_memory_mb must be 512, 2048 or 4096."
  }
}

variable "max_instances" {
  description = "Most instances the app scales out to (Flex Consumption: 40-1000; Elastic Premium: burst ceiling)."
  type        = number
}

variable "always_ready_instances" {
  description = "Instances kept warm (Flex Consumption always-ready HTTP instances; Elastic Premium minimum and pre-warmed instances, at least 1)."
  type        = number
  default     = 0
}

variable "premium_sku" {
  description = "Elastic Premium plan of blue-green and canary deployments: EP1, EP2 or EP3."
  type        = string
  default     = "EP1"

  validation {
    condition     = contains(["EP1", "EP2", "EP3"], var.premium_sku)
    error_message = "premium_sku must be EP1, EP2 or EP3."
  }
}

variable "zone_redundant" {
  description = "Zone-redundant storage, and an Elastic Premium plan balanced over zones (3 instances at least)."
  type        = bool
  default     = false
}

variable "health_check_path" {
  description = "Path the platform probes on every instance (an HTTP-triggered function answering 200)."
  type        = string
  default     = "/api/health"
}

variable "front_door_id" {
  description = "Front Door profile ID (X-Azure-FDID header): the only origin of requests the app accepts."
  type        = string
}

variable "allowed_ip_ranges" {
  description = "Public addresses (CIDR) allowed to the storage account besides the workload subnet and the private endpoints; every other address is denied."
  type        = list(string)
  default     = []
}

variable "environment" {
  description = "Application settings (environment variables) of the code."
  type        = map(string)
  default     = {}
}

variable "application_insights_connection_string" {
  description = "Connection string of Application Insights."
  type        = string
  sensitive   = true
}

variable "error_threshold" {
  description = "5xx answers in 5 minutes that raise the error alert."
  type        = number
  default     = 10
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the app's and storage's logs."
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

variable "virtual_network_id" {
  description = "Virtual network linked to the private DNS zones of the storage account's private endpoints."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the storage account's private endpoints."
  type        = string
}
