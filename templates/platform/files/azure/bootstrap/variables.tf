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

variable "location" {
  description = "Azure region of the state storage account and the CI identities."
  type        = string
}

variable "state_subscription_id" {
  description = "The management subscription: the state and the CI identities, and no environment."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.state_subscription_id)) && var.state_subscription_id != "00000000-0000-0000-0000-000000000000"
    error_message = "state_subscription_id must be the management subscription's GUID."
  }
}

variable "state_resource_group" {
  description = "Resource group of the state storage account and the CI identities."
  type        = string
}

variable "state_storage_account" {
  description = "Name of the state storage account (globally unique, 3-24 lowercase letters and digits); environments/*.backend.hcl name it too."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.state_storage_account))
    error_message = "state_storage_account must be 3-24 lowercase letters and digits."
  }
}

variable "state_container_prefix" {
  description = "Prefix of the per-environment state containers (<prefix><env>)."
  type        = string
  default     = "tfstate-"
}

variable "stacks" {
  description = "Root stacks of every environment, in apply order (\".\" is the main one; others keep <stack>.tfstate)."
  type        = list(string)
  default     = ["."]
}

variable "state_replication_type" {
  description = "Replication of the state account: GZRS (zones of one region and the paired region), RAGZRS (readable in the pair), or ZRS where the region has no pair."
  type        = string
  default     = "GZRS"

  validation {
    condition     = contains(["ZRS", "GZRS", "RAGZRS"], var.state_replication_type)
    error_message = "state_replication_type must be ZRS, GZRS or RAGZRS."
  }
}

variable "environments" {
  description = "Environments in promotion order; each gets its own state container, CI identities and resource group in its own subscription."
  type = list(object({
    name            = string
    subscription_id = string
    location        = string
    protected       = bool
  }))

  validation {
    condition     = length(var.environments) >= 1 && length(var.environments) == length(distinct([for env in var.environments : env.name]))
    error_message = "environments needs at least one environment, each with a unique name."
  }

  validation {
    condition     = alltrue([for env in var.environments : can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", env.subscription_id)) && env.subscription_id != "00000000-0000-0000-0000-000000000000"])
    error_message = "every environment needs its subscription GUID."
  }

  validation {
    condition     = length(distinct([for env in var.environments : env.subscription_id])) == length(var.environments) && !contains([for env in var.environments : env.subscription_id], var.state_subscription_id)
    error_message = "every environment needs a subscription of its own, none of them the management subscription."
  }
}

variable "ci_provider" {
  description = "CI system whose OIDC tokens the identities trust: github-actions, gitlab-ci or none (no identities)."
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

variable "github_owner_id" {
  description = "GitHub: numeric ID of the repository's owner (gh api repos/OWNER/REPO --jq .owner.id). With github_repository_id, every CI identity gets a second federated credential for the immutable subject repo:<owner>@<owner id>/<name>@<repository id>:..., exact. Empty: the name-only subject alone."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([1-9][0-9]{0,19})?$", var.github_owner_id))
    error_message = "github_owner_id must be the owner's numeric ID (gh api repos/OWNER/REPO --jq .owner.id), or empty."
  }
}

variable "github_repository_id" {
  description = "GitHub: numeric ID of the repository (gh api repos/OWNER/REPO --jq .id); set together with github_owner_id."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([1-9][0-9]{0,19})?$", var.github_repository_id))
    error_message = "github_repository_id must be the repository's numeric ID (gh api repos/OWNER/REPO --jq .id), or empty."
  }
}

variable "default_branch" {
  description = "The protected default branch: every environment plans from it; GitLab applies and deploys the unprotected environments from it."
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
  description = "GitLab: URL of the instance issuing the ID tokens (their issuer; jobs request the audience api://AzureADTokenExchange)."
  type        = string
  default     = "https://gitlab.com"
}
