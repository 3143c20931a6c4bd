variable "name" {
  description = "Name prefix of every resource (project-environment); also the worker's service name."
  type        = string
}

variable "region" {
  description = "Region of the service."
  type        = string
}

variable "network_id" {
  description = "VPC network the service reaches private addresses in (Direct VPC egress)."
  type        = string
}

variable "subnet_id" {
  description = "Subnet the service's instances take their private addresses from."
  type        = string
}

variable "container_image" {
  description = "Image of the first revision. Later revisions are deployed by the CI pipeline with the application image; the default is Google's placeholder, which answers on port 8080."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/hello"
}

variable "container_port" {
  description = "Port the container listens on (Cloud Run sends requests there and sets PORT)."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535
    error_message = "container_port must be a TCP port number."
  }
}

variable "health_check_path" {
  description = "Path of the startup and liveness probes on container_port; any 2XX or 3XX answer is healthy."
  type        = string
  default     = "/"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "cpu" {
  description = "CPUs of one instance (\"1\", \"2\", \"4\"...)."
  type        = string
}

variable "memory" {
  description = "Memory of one instance (\"512Mi\", \"1Gi\"...)."
  type        = string
}

variable "min_instances" {
  description = "Instances always running (a worker never scales to zero: nothing would wake it)."
  type        = number
  default     = 1

  validation {
    condition     = var.min_instances >= 1
    error_message = "min_instances must be at least 1: a worker has no requests to wake it."
  }
}

variable "max_instances" {
  description = "Ceiling of automatic scaling."
  type        = number

  validation {
    condition     = var.max_instances >= 1
    error_message = "max_instances must be at least 1."
  }
}

variable "environment" {
  description = "Plain environment variables of the container."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables read from Secret Manager at instance start (variable => secret ID, latest version)."
  type        = map(string)
  default     = {}
}

variable "secret_ids" {
  description = "Secrets the service account may read (a label => secret ID); every secret of `secrets` must be here."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse to delete the service (terraform destroy fails until it is turned off)."
  type        = bool
  default     = true
}

variable "notification_channels" {
  description = "Notification channels of the alert policies."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels of the revisions and alert policies, which the provider's default labels do not reach."
  type        = map(string)
  default     = {}
}
