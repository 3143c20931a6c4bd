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

variable "partition" {
  description = "AWS partition of every account (aws, aws-us-gov, aws-cn)."
  type        = string
  default     = "aws"
}

variable "state_account_id" {
  description = "The state account: holds the state bucket and its key; no environment's account."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.state_account_id))
    error_message = "state_account_id must be a 12-digit AWS account ID."
  }
}

variable "state_bucket_name" {
  description = "Name of the state bucket (globally unique); environments/*.backend.hcl name it too."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be 3-63 lowercase letters, digits and hyphens."
  }
}

variable "state_keys" {
  description = "State key of each root stack under an environment's \"<env>/\" prefix."
  type        = list(string)
}

variable "environments" {
  description = "Environments in promotion order, each in its own AWS account."
  type = list(object({
    name       = string
    region     = string
    account_id = string
    protected  = bool
  }))

  validation {
    condition     = length(var.environments) >= 1 && length(var.environments) == length(distinct([for env in var.environments : env.name]))
    error_message = "environments needs at least one environment, each with a unique name."
  }

  validation {
    condition     = length(distinct([for env in var.environments : env.account_id])) == length(var.environments) && !contains([for env in var.environments : env.account_id], var.state_account_id)
    error_message = "every environment needs an AWS account of its own, distinct from state_account_id."
  }
}

variable "environment_admin_role_name" {
  description = "Administrator role (path /) in each environment's account: the operator running the bootstrap assumes it, and it may read and write that environment's state and lock (AWS Organizations creates OrganizationAccountAccessRole)."
  type        = string
  default     = "OrganizationAccountAccessRole"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.environment_admin_role_name))
    error_message = "environment_admin_role_name must be an IAM role name."
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

variable "github_owner_id" {
  description = "GitHub: numeric ID of the repository's owner (gh api repos/OWNER/REPO --jq .owner.id). With github_repository_id, every CI role also trusts the immutable subject repo:<owner>@<owner id>/<name>@<repository id>:..., exactly. Empty: the name-only subject alone."
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
  description = "The protected default branch: plans of protected environments run only there (GitLab: and on their deploy branches)."
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

variable "create_oidc_provider" {
  description = "Create the CI system's OIDC provider in each environment account; false uses the account's existing one (an account holds one per issuer)."
  type        = bool
  default     = true
}

variable "runtime_role_path" {
  description = "IAM path of the application's runtime roles, the only roles a deploy role may create or change."
  type        = string
}

variable "runtime_boundary_name" {
  description = "Name of the permissions boundary policy every runtime role carries."
  type        = string
}

variable "deploy_services" {
  description = "Service prefixes (IAM apart) whose every action each deploy role may take in its account."
  type        = list(string)
}
