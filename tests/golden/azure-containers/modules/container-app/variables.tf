variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "location" {
  description = "Azure region of the application."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "subnet_id" {
  description = "Workload subnet delegated to Microsoft.App/environments (at least /27)."
  type        = string
}

variable "identity_id" {
  description = "Resource ID of the application's user-assigned managed identity (pulls images, reads Key Vault)."
  type        = string
}

variable "registry_login_server" {
  description = "Login server of the registry the application pulls from with its identity (AcrPull)."
  type        = string
}

variable "deployment_strategy" {
  description = "rolling (single revision mode) or blue-green / canary (multiple revision mode; the pipeline sets the traffic weights)."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "container_image" {
  description = "Image of the first revision. Later revisions are created by the CI pipeline with the application image; the default is a placeholder that answers on port 8080."
  type        = string
  default     = "public.ecr.aws/nginx/nginx-unprivileged:stable-alpine"
}

variable "container_port" {
  description = "Port the container listens on."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be an unprivileged port (1024-65535): the container runs as a non-root user."
  }
}

variable "health_check_path" {
  description = "Path of the startup, readiness and liveness probes."
  type        = string
  default     = "/"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "cpu" {
  description = "vCPU of one replica (0.25 to 4, in steps of 0.25)."
  type        = number
}

variable "memory" {
  description = "Memory of one replica: twice the vCPU in GiB (for example 1Gi for 0.5 vCPU)."
  type        = string

  validation {
    condition     = can(regex("^[0-9.]+Gi$", var.memory))
    error_message = "memory must be given in Gi, for example 1Gi."
  }
}

variable "min_replicas" {
  description = "Fewest running replicas (at least 1: the application never scales to zero)."
  type        = number

  validation {
    condition     = var.min_replicas >= 1
    error_message = "min_replicas must be at least 1."
  }
}

variable "max_replicas" {
  description = "Most running replicas (ceiling of the HTTP scale rule)."
  type        = number
}

variable "concurrent_requests" {
  description = "Concurrent HTTP requests per replica above which another replica starts."
  type        = number
  default     = 50
}

variable "zone_redundant" {
  description = "Spread the environment over availability zones (protected environments). Set at creation only."
  type        = bool
  default     = false
}

variable "environment" {
  description = "Plain environment variables of the application."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables read from Key Vault (variable => versionless secret ID)."
  type        = map(string)
  default     = {}
}

variable "error_threshold" {
  description = "5xx answers in 5 minutes that raise the error alert."
  type        = number
  default     = 10
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the environment's logs."
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
