output "state_bucket" {
  description = "Bucket holding the state of every environment (<env>/terraform.tfstate), in the state account."
  value       = aws_s3_bucket.state.id
}

output "state_kms_key_arn" {
  description = "ARN of the KMS key encrypting the state (the bucket's default encryption)."
  value       = aws_kms_key.state.arn
}

output "state_kms_key_alias" {
  description = "Alias of the state key, in the state account."
  value       = aws_kms_alias.state.name
}

output "oidc_provider_arns" {
  description = "The CI system's OIDC provider in each environment account (environment => ARN); null values when ci_provider is none."
  value       = { for name, account in local.accounts : name => account.oidc_provider_arn }
}

output "ci_role_arns" {
  description = "Deploy role of each environment (environment => role ARN): AWS_ROLE_ARN of the environment's apply, deploy and rollback jobs."
  value       = { for name, account in local.accounts : name => account.deploy_role_arn }
}

output "ci_plan_role_arns" {
  description = "Read-only plan role of each environment (environment => role ARN): AWS_PLAN_ROLE_ARN of the environment's plan jobs."
  value       = { for name, account in local.accounts : name => account.plan_role_arn }
}

output "runtime_boundary_arns" {
  description = "Permissions boundary of the runtime roles in each environment account (environment => policy ARN)."
  value       = { for name, account in local.accounts : name => account.runtime_boundary_arn }
}

output "dns_name_servers" {
  description = "Name servers of each environment's public hosted zone (environment => list; empty without a domain)."
  value       = { for name, account in local.accounts : name => account.dns_name_servers }
}
