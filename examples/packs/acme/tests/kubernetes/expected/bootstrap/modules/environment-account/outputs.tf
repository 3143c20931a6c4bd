output "deploy_role_arn" {
  description = "ARN of the CI deploy role (apply, deploy, rollback); null when ci_provider is none."
  value       = one(aws_iam_role.deploy[*].arn)
}

output "plan_role_arn" {
  description = "ARN of the read-only CI plan role; null when ci_provider is none."
  value       = one(aws_iam_role.plan[*].arn)
}

output "runtime_boundary_arn" {
  description = "ARN of the permissions boundary every runtime role of the environment carries."
  value       = aws_iam_policy.runtime_boundary.arn
}

output "oidc_provider_arn" {
  description = "ARN of the CI system's OIDC provider in the account; null when ci_provider is none."
  value       = local.oidc_arn
}

output "account_id" {
  description = "The environment's AWS account."
  value       = local.account_id
}

output "dns_zone_id" {
  description = "ID of the environment's public hosted zone; null when it has no domain."
  value       = one(aws_route53_zone.this[*].zone_id)
}

output "dns_name_servers" {
  description = "Name servers of the environment's hosted zone, to delegate from the parent zone; empty when it has no domain."
  value       = flatten(aws_route53_zone.this[*].name_servers)
}
