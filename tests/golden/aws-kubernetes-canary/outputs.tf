# Read by the CI/CD pipelines and runbooks: terraform output -raw <name>

output "region" {
  description = "AWS region of the environment."
  value       = var.region
}

output "name_prefix" {
  description = "Prefix of every resource name (project-environment)."
  value       = local.name
}

output "app_url" {
  description = "Public URL of the application."
  value       = "https://${var.domain_name}"
}

output "container_repository_url" {
  description = "ECR repository the pipeline pushes application images to."
  value       = module.app.repository_url
}

output "eks_cluster_name" {
  description = "EKS cluster (aws eks update-kubeconfig --name <value>)."
  value       = module.app.cluster_name
}

output "eks_app_role_arn" {
  description = "IAM role the application's service account receives through EKS Pod Identity."
  value       = module.app.app_role_arn
}

output "waf_web_acl_arn" {
  description = "Web ACL for the application's Ingress (annotation alb.ingress.kubernetes.io/wafv2-acl-arn)."
  value       = module.waf.web_acl_arn
}

output "certificate_arn" {
  description = "Certificate for the application's Ingress (annotation alb.ingress.kubernetes.io/certificate-arn)."
  value       = module.dns.certificate_arn
}

output "database_secret_arn" {
  description = "Secrets Manager secret with the database master credentials (managed and rotated by RDS): read only by the one-off bootstrap of the application's user; the application never gets it."
  value       = module.database.master_user_secret_arn
}

output "database_app_environment" {
  description = "The application's database settings: its own user (DATABASE_USERNAME), signed in with an IAM authentication token over TLS."
  value       = module.database.app_environment
}

output "database_admin_security_group_id" {
  description = "Security group of one-off database administration sessions (the bootstrap of the application's user, from a CloudShell VPC environment)."
  value       = module.database.admin_client_security_group_id
}

output "private_subnet_ids" {
  description = "Private subnets of the environment's VPC (with a NAT route): where one-off administration sessions run."
  value       = module.network.private_subnet_ids
}

output "vpc_id" {
  description = "The environment's VPC."
  value       = module.network.vpc_id
}

output "cache_replication_group_id" {
  description = "ElastiCache replication group of the Redis cache (AUTH token rotation ends with a SET on it)."
  value       = module.cache.replication_group_id
}

output "cache_auth_secret_arn" {
  description = "Secrets Manager secret holding the Redis AUTH token."
  value       = module.cache.auth_secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = module.observability.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the environment."
  value       = module.observability.dashboard_name
}
