output "replication_group_id" {
  description = "ID of the replication group."
  value       = aws_elasticache_replication_group.this.id
}

output "primary_endpoint" {
  description = "Host name of the primary node (TLS required)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Port Redis listens on."
  value       = local.port
}

output "auth_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the AUTH token."
  value       = aws_secretsmanager_secret.auth.arn
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}

output "app_environment" {
  description = "Connection settings for the application's environment."
  value = {
    REDIS_HOST = aws_elasticache_replication_group.this.primary_endpoint_address
    REDIS_PORT = tostring(local.port)
    REDIS_TLS  = "true"
  }
}

output "app_secrets" {
  description = "Credentials for the application's environment (variable => secret ARN)."
  value = {
    REDIS_AUTH_TOKEN = aws_secretsmanager_secret.auth.arn
  }
}

output "dashboard_widgets" {
  description = "CloudWatch dashboard widgets of the cache's health signals."
  value       = local.dashboard_widgets
}
