variable "name" {
  description = "Name prefix of every resource (project-environment); also the service name."
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
  description = "Path of the startup and liveness probes; any 2XX or 3XX answer is healthy."
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
  description = "Instances kept warm; 0 lets the service scale to zero (CPU is then only allocated during requests)."
  type        = number

  validation {
    condition     = var.min_instances >= 0
    error_message = "min_instances must be 0 or more."
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

variable "concurrency" {
  description = "Requests one instance serves at the same time."
  type        = number
  default     = 80

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency must be between 1 and 1000."
  }
}

variable "request_timeout_seconds" {
  description = "Longest a request may take."
  type        = number
  default     = 60

  validation {
    condition     = var.request_timeout_seconds >= 1 && var.request_timeout_seconds <= 3600
    error_message = "request_timeout_seconds must be between 1 and 3600."
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

variable "security_policy" {
  description = "ID of the Cloud Armor policy of the load balancer backend; null for none."
  type        = string
  default     = null
}

variable "request_log_sample_rate" {
  description = "Share of requests the load balancer logs (0 to 1)."
  type        = number
  default     = 1

  validation {
    condition     = var.request_log_sample_rate >= 0 && var.request_log_sample_rate <= 1
    error_message = "request_log_sample_rate must be between 0 and 1."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the service (terraform destroy fails until it is turned off)."
  type        = bool
  default     = true
}

variable "latency_threshold_ms" {
  description = "p95 request latency, in milliseconds, above which the latency alert fires."
  type        = number
  default     = 1000
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
