variable "project_name" {
  description = "Project slug: the first part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.project_name))
    error_message = "project_name must be a lowercase slug of 3-24 characters starting with a letter."
  }
}

variable "owner" {
  description = "Owning team, tagged on every resource."
  type        = string
}

variable "region" {
  description = "Region of the state bucket and its key."
  type        = string
}

variable "state_bucket_name" {
  description = "Name of the state bucket (globally unique); environments/*.backend.hcl name it too."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be 3-63 lowercase letters, digits and hyphens."
  }
}

variable "environments" {
  description = "Environments in promotion order; each gets its own state key and CI roles."
  type = list(object({
    name      = string
    region    = string
    protected = bool
  }))

  validation {
    condition     = length(var.environments) >= 1 && length(var.environments) == length(distinct([for env in var.environments : env.name]))
    error_message = "environments needs at least one environment, each with a unique name."
  }
}

variable "ci_provider" {
  description = "CI system whose OIDC identities may assume the roles: github-actions, gitlab-ci or none (no provider, no roles)."
  type        = string

  validation {
    condition     = contains(["github-actions", "gitlab-ci", "none"], var.ci_provider)
    error_message = "ci_provider must be github-actions, gitlab-ci or none."
  }
}

variable "repository" {
  description = "Repository path on the CI host (owner/name, or group/subgroup/project on GitLab); its jobs are the only ones trusted."
  type        = string
  default     = ""

  validation {
    condition     = var.repository == "" || can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", var.repository))
    error_message = "repository must be an owner/name path."
  }
}

variable "default_branch" {
  description = "GitLab: the protected branch whose pipelines may apply and deploy."
  type        = string
  default     = "main"
}

variable "gitlab_url" {
  description = "GitLab: URL of the instance issuing the ID tokens (also their audience)."
  type        = string
  default     = "https://gitlab.com"
}
