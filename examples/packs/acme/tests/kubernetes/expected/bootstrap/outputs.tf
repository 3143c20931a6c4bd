output "state_bucket" {
  description = "Bucket holding the state of every environment (<env>/terraform.tfstate)."
  value       = aws_s3_bucket.state.id
}

output "state_kms_key_arn" {
  description = "ARN of the KMS key encrypting the state."
  value       = aws_kms_key.state.arn
}

output "state_kms_key_alias" {
  description = "Alias of the state key, as environments/*.backend.hcl use it."
  value       = aws_kms_alias.state.name
}

output "oidc_provider_arn" {
  description = "ARN of the CI system's OIDC identity provider; null when ci_provider is none."
  value       = one(aws_iam_openid_connect_provider.ci[*].arn)
}

output "ci_role_arns" {
  description = "Deploy role of each environment (environment => role ARN): the AWS_ROLE_ARN variable of the environment in the CI system."
  value       = { for name, role in aws_iam_role.deploy : name => role.arn }
}

output "ci_plan_role_arns" {
  description = "Read-only plan role of each environment (environment => role ARN): the AWS_ROLE_ARN variable of the <env>-plan environment (GitHub) or of unprotected refs (GitLab)."
  value       = { for name, role in aws_iam_role.plan : name => role.arn }
}
