variable "name" {
  description = "Name of the job's resources (project-environment-service; the job keeps 32 characters)."
  type        = string
}

variable "location" {
  description = "Azure region of the job."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "container_app_environment_id" {
  description = "Container Apps environment the job runs in (the application's)."
  type        = string
}

variable "identity_id" {
  description = "Resource ID of the job's own user-assigned managed identity (pulls its image, sends telemetry)."
  type        = string
}

variable "registry_login_server" {
  description = "Login server of the registry the job pulls from with its identity (AcrPull)."
  type        = string
}

variable "schedule" {
  description = "When the job runs: a 5-field cron expression, evaluated in UTC."
  type        = string

  validation {
    condition     = length(split(" ", var.schedule)) == 5
    error_message = "schedule must be a 5-field cron expression (minute hour day month weekday)."
  }
}

variable "container_image" {
  description = "Image of the job until the pipeline deploys the service's own: a sample that prints and exits 0."
  type        = string
  default     = "mcr.microsoft.com/k8se/quickstart-jobs:latest"
}

variable "timeout_seconds" {
  description = "Longest a run may take before it is stopped and counted as failed."
  type        = number
  default     = 1800
}

variable "retry_limit" {
  description = "Retries of a failed run before the execution fails."
  type        = number
  default     = 1
}

variable "cpu" {
  description = "vCPU of the job's replica (0.25 to 4, in steps of 0.25)."
  type        = number
}

variable "memory" {
  description = "Memory of the job's replica: twice the vCPU in GiB."
  type        = string

  validation {
    condition     = can(regex("^[0-9.]+Gi$", var.memory))
    error_message = "memory must be given in Gi, for example 1Gi."
  }
}

variable "environment" {
  description = "Plain environment variables of the job."
  type        = map(string)
  default     = {}
}

variable "action_group_id" {
  description = "Action group the alert notifies."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
