variable "project_name" {
  description = "Project slug: the first part of every role name."
  type        = string
}

variable "environment" {
  description = "Environment whose account the provider works in."
  type        = string
}

variable "protected" {
  description = "Protected environments plan only from the default branch, never from a pull or merge request."
  type        = bool
}

variable "ci_provider" {
  description = "github-actions, gitlab-ci or none (then no OIDC provider and no CI role)."
  type        = string
}

variable "repository" {
  description = "Repository path on the CI host whose jobs the roles trust."
  type        = string
}

variable "github_owner_id" {
  description = "GitHub: numeric ID of the repository's owner; with github_repository_id, the trusts also match the immutable subject repo:<owner>@<id>/<name>@<id>. Empty: the name-only subject alone."
  type        = string
  default     = ""
}

variable "github_repository_id" {
  description = "GitHub: numeric ID of the repository (see github_owner_id)."
  type        = string
  default     = ""
}

variable "default_branch" {
  description = "The protected default branch: plans of protected environments run only there (GitLab: and on their deploy branch); GitLab applies unprotected environments from it."
  type        = string
}

variable "gitlab_deploy_prefix" {
  description = "GitLab: a protected environment <env> applies and deploys only from the protected branch <prefix><env>."
  type        = string
  default     = "deploy/"
}

variable "gitlab_url" {
  description = "GitLab: URL of the instance issuing the ID tokens (also their audience)."
  type        = string
}

variable "create_oidc_provider" {
  description = "Create the CI system's OIDC provider in the account; false uses the one the account already has."
  type        = bool
}

variable "runtime_role_path" {
  description = "IAM path of the application's runtime roles: the only roles the deploy role may create or change."
  type        = string
}

variable "runtime_boundary_name" {
  description = "Name of the permissions boundary every runtime role must carry."
  type        = string
}

variable "state_bucket_arn" {
  description = "ARN of the state bucket (in the state account)."
  type        = string
}

variable "state_kms_key_arn" {
  description = "ARN of the state key (in the state account)."
  type        = string
}

variable "state_keys" {
  description = "State keys of the environment's root stacks, relative to its \"<env>/\" prefix."
  type        = list(string)
}

variable "deploy_services" {
  description = "Service prefixes (IAM apart) whose every action the deploy role may take in the account."
  type        = list(string)
}

variable "dns_zone_name" {
  description = "Public Route 53 hosted zone the environment owns (its application's name); null for none."
  type        = string
  default     = null
}
