variable "name" {
  description = "Name of the service's resources (project-environment-service; the Container App keeps 32 characters)."
  type        = string
}

variable "container_app_environment_id" {
  description = "Container Apps environment the service runs in (the application's, in the workload subnet)."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "identity_id" {
  description = "Resource ID of the service's own user-assigned managed identity (pulls its image, sends telemetry)."
  type        = string
}

variable "registry_login_server" {
  description = "Login server of the registry the service pulls from with its identity (AcrPull)."
  type        = string
}

variable "ingress" {
  description = "true: an http service with external HTTPS ingress (reached through Front Door); false: a worker without ingress."
  type        = bool
}

variable "deployment_strategy" {
  description = "rolling (single revision mode) or blue-green / canary (multiple revision mode for http services; the pipeline sets the traffic weights)."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "container_image" {
  description = "Image of the first revision, until the pipeline deploys the service's own: one that listens on $PORT and answers 200 at every path."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/hello"
}

variable "container_port" {
  description = "Port the container listens on (ingress target and probes)."
  type        = number

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be an unprivileged port (1024-65535): the container runs as a non-root user."
  }
}

variable "health_check_path" {
  description = "Path of the startup, readiness and liveness probes."
  type        = string

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
  description = "Fewest running replicas (at least 1: a worker never scales to zero)."
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
  description = "Concurrent HTTP requests per replica above which another replica starts (http services)."
  type        = number
  default     = 50
}

variable "environment" {
  description = "Plain environment variables of the service (PORT is added)."
  type        = map(string)
  default     = {}
}

variable "error_threshold" {
  description = "5xx answers in 5 minutes that raise the error alert (http services)."
  type        = number
  default     = 10
}

variable "action_group_id" {
  description = "Action group the alerts notify."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
