variable "project_name" {
  description = "Project slug: the first part of every role, policy and secret path."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.project_name))
    error_message = "project_name must be a lowercase slug of 3-24 characters starting with a letter."
  }
}

variable "vault_address" {
  description = "Address of the Vault server (https://host[:port]); also the audience the CI's OIDC tokens carry."
  type        = string

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", var.vault_address))
    error_message = "vault_address must be an https URL without a path."
  }
}

variable "vault_namespace" {
  description = "Vault namespace holding the auth method and policies (Enterprise, HCP Vault); empty for none."
  type        = string
  default     = ""
}

variable "kv_mount" {
  description = "Path of the KV version 2 secrets engine holding the application's secrets (it must exist)."
  type        = string
  default     = "secret"
}

variable "jwt_path" {
  description = "Path the JWT auth method for the CI's OIDC tokens is mounted at."
  type        = string
}

variable "ci_provider" {
  description = "CI system whose OIDC tokens log in: github-actions or gitlab-ci."
  type        = string

  validation {
    condition     = contains(["github-actions", "gitlab-ci"], var.ci_provider)
    error_message = "ci_provider must be github-actions or gitlab-ci."
  }
}

variable "repository" {
  description = "Repository (owner/name, GitLab group/project) whose deploy jobs may log in."
  type        = string
}

variable "gitlab_url" {
  description = "GitLab: URL of the instance issuing the ID tokens (its OIDC issuer)."
  type        = string
  default     = "https://gitlab.com"
}

variable "repository_id" {
  description = "GitHub: the repository's numeric ID (gh api repos/<owner>/<name> --jq .id); bound with its name when set. Empty: the name alone."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[0-9]*$", var.repository_id))
    error_message = "repository_id must be the repository's numeric ID (gh api repos/<owner>/<name> --jq .id), or empty."
  }
}

variable "default_branch" {
  description = "The branch deploy jobs log in from: GitHub, every environment's; GitLab, the unprotected environments'."
  type        = string
  default     = "main"
}

variable "gitlab_deploy_branch_prefix" {
  description = "GitLab: a protected environment E is deployed only from the protected branch <prefix>E."
  type        = string
  default     = "deploy/"
}

variable "environments" {
  description = "The environments, each with a role and a policy of its own."
  type = list(object({
    name      = string
    protected = bool
  }))
}

variable "token_ttl" {
  description = "Lifetime of a deploy job's Vault token in seconds (the job revokes it once read)."
  type        = number
  default     = 300
}

variable "token_max_ttl" {
  description = "Longest a deploy job's Vault token can be renewed to, in seconds."
  type        = number
  default     = 600
}
