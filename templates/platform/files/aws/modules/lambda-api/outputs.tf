output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "alias_name" {
  description = "Name of the alias the API invokes."
  value       = aws_lambda_alias.live.name
}

output "alias_arn" {
  description = "ARN of the alias the API invokes."
  value       = aws_lambda_alias.live.arn
}

output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Default endpoint of the HTTP API (disabled when a custom domain is set)."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "custom_domain_target" {
  description = "Regional domain name and hosted zone ID the custom domain's alias record points to; null without a custom domain."
  value = var.domain_name == null ? null : {
    name    = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    zone_id = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
  }
}

output "security_group_id" {
  description = "Security group of the function, to allow into the database and cache."
  value       = aws_security_group.function.id
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = aws_cloudwatch_log_group.function.name
}

output "dashboard_widgets" {
  description = "CloudWatch dashboard widgets of the API's and function's health signals."
  value       = local.dashboard_widgets
}
