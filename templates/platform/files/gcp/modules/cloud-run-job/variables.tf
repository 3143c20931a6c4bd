variable "name" {
  description = "Name prefix of every resource (project-environment); also the job's name."
  type        = string
}

variable "region" {
  description = "Region of the job and its schedule."
  type        = string
}

variable "network_id" {
  description = "VPC network the job reaches private addresses in (Direct VPC egress)."
  type        = string
}

variable "subnet_id" {
  description = "Subnet the job's tasks take their private addresses from."
  type        = string
}

variable "container_image" {
  description = "Image until the first release: the CI pipeline sets each release's image; the default is Google's sample job, which exits successfully."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/job"
}

variable "cpu" {
  description = "CPUs of the job's task (\"1\", \"2\", \"4\"...)."
  type        = string
}

variable "memory" {
  description = "Memory of the job's task (\"512Mi\", \"1Gi\"...)."
  type        = string
}

variable "schedule" {
  description = "When the job runs: a cron schedule of 5 fields, in UTC."
  type        = string

  validation {
    condition     = length(split(" ", var.schedule)) == 5
    error_message = "schedule must be a cron schedule of 5 fields (minute hour day month weekday)."
  }
}

variable "timeout_seconds" {
  description = "Longest one execution's task may run."
  type        = number
  default     = 3600

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 86400
    error_message = "timeout_seconds must be between 1 and 86400."
  }
}

variable "max_retries" {
  description = "Times a failed task is retried within one execution."
  type        = number
  default     = 1

  validation {
    condition     = var.max_retries >= 0 && var.max_retries <= 10
    error_message = "max_retries must be between 0 and 10."
  }
}

variable "environment" {
  description = "Plain environment variables of the container."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables read from Secret Manager at task start (variable => secret ID, latest version)."
  type        = map(string)
  default     = {}
}

variable "secret_ids" {
  description = "Secrets the service account may read (a label => secret ID); every secret of `secrets` must be here."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse to delete the job (terraform destroy fails until it is turned off)."
  type        = bool
  default     = true
}

variable "notification_channels" {
  description = "Notification channels of the alert policy."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels of the job, its executions and its alert policy, which the provider's default labels do not reach."
  type        = map(string)
  default     = {}
}
