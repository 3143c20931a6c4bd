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
  description = "ARN of the Secrets Manager secret RDS manages (and rotates) for the master user: a JSON object with username and password."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}

output "app_environment" {
  description = "Connection settings for the application's environment."
  value = {
    DATABASE_HOST = aws_db_instance.this.address
    DATABASE_PORT = tostring(aws_db_instance.this.port)
    DATABASE_NAME = aws_db_instance.this.db_name
  }
}

output "app_secrets" {
  description = "Credentials for the application's environment (variable => secret ARN with JSON key)."
  value = {
    DATABASE_USERNAME = "${aws_db_instance.this.master_user_secret[0].secret_arn}:username::"
    DATABASE_PASSWORD = "${aws_db_instance.this.master_user_secret[0].secret_arn}:password::"
  }
}

output "dashboard_widgets" {
  description = "CloudWatch dashboard widgets of the database's health signals."
  value       = local.dashboard_widgets
}
