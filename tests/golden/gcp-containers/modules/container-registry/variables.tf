variable "name" {
  description = "Name prefix of every resource (project-environment); also the repository ID."
  type        = string
}

variable "region" {
  description = "Region of the repository (the same as the workloads pulling from it)."
  type        = string
}

variable "images_to_keep" {
  description = "Most recent images always kept, whatever their age (rollback targets)."
  type        = number
  default     = 50

  validation {
    condition     = var.images_to_keep >= 1
    error_message = "images_to_keep must be at least 1."
  }
}

variable "image_retention_days" {
  description = "Days after which images beyond the most recent images_to_keep are deleted."
  type        = number
  default     = 180

  validation {
    condition     = var.image_retention_days >= 1
    error_message = "image_retention_days must be at least 1."
  }
}

variable "untagged_retention_days" {
  description = "Days after which untagged images (superseded layers of a tag) are deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_retention_days >= 1
    error_message = "untagged_retention_days must be at least 1."
  }
}

variable "reader_members" {
  description = "Principals allowed to pull images (a label => IAM member, for example serviceAccount:...)."
  type        = map(string)
  default     = {}
}
