################################################################################
# Secrets strategy `sops`: per environment, the KMS key that encrypts its files
# secrets/<env>/<service>.sops.json (alias/<project>-<env>-sops, the `kms` rule of .sops.yaml),
# created by the environment's account module (modules/environment-account/sops.tf). Made here,
# not in the environment's stack: the files in the repository outlive any one apply.
################################################################################

variable "sops_encrypter_arns" {
  description = "IAM principals of the environment's own account (ARNs, ArnLike patterns allowed) who write an environment's SOPS files, by environment name: they encrypt and decrypt with that environment's SOPS key only. An environment not named here: its administrator role (environment_admin_role_name)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.sops_encrypter_arns) : contains([for env in var.environments : env.name], name)])
    error_message = "sops_encrypter_arns may name only environments of var.environments."
  }

  validation {
    condition     = alltrue(flatten([for arns in values(var.sops_encrypter_arns) : [for arn in arns : can(regex("^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:", arn))]]))
    error_message = "sops_encrypter_arns must hold IAM principal ARNs (arn:aws:iam::<account>:role/... or user/...)."
  }
}

output "sops_key_arns" {
  description = "Each environment's SOPS key (environment name => key ARN; .sops.yaml names its alias)."
  value       = { for name, account in local.accounts : name => account.sops_key_arn }
}
