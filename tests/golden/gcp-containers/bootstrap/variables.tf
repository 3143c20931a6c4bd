variable "project_name" {
  description = "Project slug: the first part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.project_name))
    error_message = "project_name must be a lowercase slug of 3-24 characters starting with a letter."
  }
}

variable "owner" {
  description = "Owning team, labelled on every resource."
  type        = string
}

variable "state_project_id" {
  description = "The state/tooling project: the state bucket, its key, the CI identity pool and the CI service accounts. Never an environment's project: no environment identity administers it."
  type        = string
}

variable "state_location" {
  description = "Region of the state bucket and its key ring."
  type        = string
}

variable "state_bucket_name" {
  description = "Name of the state bucket (globally unique); environments/*.backend.hcl name it too."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.state_bucket_name)) && !strcontains(var.state_bucket_name, "google")
    error_message = "state_bucket_name must be 3-63 lowercase letters, digits and hyphens, without \"google\"."
  }
}

variable "environments" {
  description = "Environments in promotion order, each in its own project (or sharing one); each gets its own state prefix and CI identities."
  type = list(object({
    name       = string
    project_id = string
    region     = string
    protected  = bool
  }))

  validation {
    condition     = length(var.environments) >= 1 && length(var.environments) == length(distinct([for env in var.environments : env.name]))
    error_message = "environments needs at least one environment, each with a unique name."
  }
}

variable "compute" {
  description = "How the application runs (containers, kubernetes, serverless, static-site): decides the APIs enabled and the CI identities' roles."
  type        = string

  validation {
    condition     = contains(["containers", "kubernetes", "serverless", "static-site"], var.compute)
    error_message = "compute must be containers, kubernetes, serverless or static-site."
  }
}

variable "database" {
  description = "Relational database of the stack: none, postgres or mysql."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "postgres", "mysql"], var.database)
    error_message = "database must be none, postgres or mysql."
  }
}

variable "cache" {
  description = "Cache of the stack: none or redis."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "redis"], var.cache)
    error_message = "cache must be none or redis."
  }
}

variable "dns_enabled" {
  description = "The stack manages DNS records (a domain is configured)."
  type        = bool
  default     = false
}

variable "dns_domains" {
  description = "Domain of each environment (environment => domain) whose public Cloud DNS zone this stack creates in the environment's project; empty: no domain."
  type        = map(string)
  default     = {}
}

variable "ci_provider" {
  description = "CI system whose OIDC tokens the identity pool trusts: github-actions, gitlab-ci or none (no pool, no CI identities)."
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
  description = "The branch whose pipelines may apply and deploy, and plan protected environments (protected on GitLab)."
  type        = string
  default     = "main"
}

variable "gitlab_deploy_branch_prefix" {
  description = "GitLab: a protected environment <env> applies and deploys only from the protected branch <prefix><env>."
  type        = string
  default     = "deploy/"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]*$", var.gitlab_deploy_branch_prefix))
    error_message = "gitlab_deploy_branch_prefix must be a branch name prefix such as deploy/."
  }
}

variable "gitlab_url" {
  description = "GitLab: URL of the instance issuing the ID tokens (also their audience)."
  type        = string
  default     = "https://gitlab.com"
}
