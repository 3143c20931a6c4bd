output "instance_identifier" {
  description = "Identifier of the DB instance."
  value       = aws_db_instance.this.identifier
}

output "address" {
  description = "Host name of the DB instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port the database listens on."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Name of the application database."
  value       = aws_db_instance.this.db_name
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS manages (and rotates) for the master user: a JSON object with username and password. For the one-off bootstrap of the application's user only; the application never reads it."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}

output "admin_client_security_group_id" {
  description = "Security group of one-off administration sessions (a CloudShell VPC environment) that the database admits."
  value       = aws_security_group.admin_client.id
}

output "app_environment" {
  description = "Connection settings for the application's environment: its own user, signed in with an IAM authentication token over TLS (DATABASE_AUTH = iam)."
  value = {
    DATABASE_HOST     = aws_db_instance.this.address
    DATABASE_PORT     = tostring(aws_db_instance.this.port)
    DATABASE_NAME     = aws_db_instance.this.db_name
    DATABASE_USERNAME = var.app_username
    DATABASE_AUTH     = "iam"
    DATABASE_REGION   = data.aws_region.current.region
  }
}

output "app_username" {
  description = "Database user of the application (created once by the bootstrap step of docs/runbooks, with the rds_iam role or AWSAuthenticationPlugin)."
  value       = var.app_username
}

output "app_user_arn" {
  description = "rds-db:connect resource of the application's user: the only database permission of the application's role."
  value       = local.app_user_arn
}

output "dashboard_widgets" {
  description = "CloudWatch dashboard widgets of the database's health signals."
  value       = local.dashboard_widgets
}
