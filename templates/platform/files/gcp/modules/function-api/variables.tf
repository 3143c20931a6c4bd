variable "name" {
  description = "Name prefix of every resource (project-environment); also the function name."
  type        = string
}

variable "project_id" {
  description = "Project of the function (its secrets are read from it)."
  type        = string
}

variable "region" {
  description = "Region of the function, its source bucket and connector."
  type        = string
}

variable "runtime" {
  description = "Runtime of the function: python3xx or nodejsxx (the placeholder first revision exists in those two)."
  type        = string
  default     = "python313"

  validation {
    condition     = can(regex("^(python|nodejs)[0-9]+$", var.runtime))
    error_message = "runtime must be a python or nodejs runtime ID, for example python313 or nodejs22."
  }
}

variable "entry_point" {
  description = "Function the runtime calls for each request."
  type        = string
  default     = "handler"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.entry_point))
    error_message = "entry_point must be a function name (letters, digits and _, not starting with a digit)."
  }
}

variable "docker_repository_id" {
  description = "Artifact Registry repository (projects/<project>/locations/<region>/repositories/<name>) the builds push the function's images to."
  type        = string
}

variable "docker_repository_name" {
  description = "Name of that repository (the build identity may push to it)."
  type        = string
}

variable "memory" {
  description = "Memory of one instance (\"256M\", \"512M\", \"1Gi\"...); CPU follows it."
  type        = string
}

variable "min_instances" {
  description = "Instances kept warm (no cold starts for the first requests)."
  type        = number
  default     = 0

  validation {
    condition     = var.min_instances >= 0
    error_message = "min_instances must be 0 or more."
  }
}

variable "max_instances" {
  description = "Most instances: caps concurrency and cost."
  type        = number

  validation {
    condition     = var.max_instances >= 1
    error_message = "max_instances must be at least 1."
  }
}

variable "concurrency" {
  description = "Requests one instance serves at a time (more than 1 needs at least 1 vCPU: 2Gi of memory or more)."
  type        = number
  default     = 1
}

variable "timeout_seconds" {
  description = "Longest a request may take."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 3600
    error_message = "timeout_seconds must be between 1 and 3600."
  }
}

variable "deployment_strategy" {
  description = "rolling: a new revision takes all traffic when deployed; blue-green and canary: traffic stays where it is until the pipeline moves it."
  type        = string
  default     = "rolling"

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "environment" {
  description = "Plain environment variables of the function."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables read from Secret Manager (variable => secret ID, latest version)."
  type        = map(string)
  default     = {}
}

variable "secret_ids" {
  description = "Secrets the function's service account may read (a label => secret ID); every secret of `secrets` must be here."
  type        = map(string)
  default     = {}
}

variable "network_name" {
  description = "VPC network the connector attaches to; only used with connector_cidr."
  type        = string
  default     = null
}

variable "connector_cidr" {
  description = "A free /28 of the network for a Serverless VPC Access connector (private addresses: database, cache); null for no VPC access."
  type        = string
  default     = null
}

variable "connector_max_instances" {
  description = "Most e2-micro instances of the connector (it keeps 2 running)."
  type        = number
  default     = 3

  validation {
    condition     = var.connector_max_instances >= 3 && var.connector_max_instances <= 10
    error_message = "connector_max_instances must be between 3 and 10."
  }
}

variable "load_balanced" {
  description = "Serve the function through the external load balancer only (a serverless network endpoint group and backend service), instead of its own URL."
  type        = bool
  default     = false
}

variable "security_policy" {
  description = "ID of the Cloud Armor policy of the load balancer backend; null for none."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the source bucket with archives still in it."
  type        = bool
  default     = false
}

variable "source_retention_days" {
  description = "Days source archives are kept (a rollback uses revisions, not archives)."
  type        = number
  default     = 90
}

variable "error_threshold" {
  description = "5xx responses a minute above which the error alert fires (without a load balancer)."
  type        = number
  default     = 10
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
  description = "Labels of the alert policies (the provider's default labels do not reach them)."
  type        = map(string)
  default     = {}
}
