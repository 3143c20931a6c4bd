output "kms_key_arn" {
  description = "ARN of the environment's KMS key."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the environment's KMS key."
  value       = aws_kms_alias.this.name
}

output "app_secret_arn" {
  description = "ARN of the application secret (a JSON object whose values are set outside Terraform); null when not created."
  value       = one(aws_secretsmanager_secret.app[*].arn)
}

output "app_secret_name" {
  description = "Name of the application secret; null when not created."
  value       = one(aws_secretsmanager_secret.app[*].name)
}
