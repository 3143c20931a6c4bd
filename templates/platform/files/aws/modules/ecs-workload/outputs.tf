output "kind" {
  description = "What the workload is: http, worker or job."
  value       = var.kind
}

output "service_name" {
  description = "Name of the ECS service (null for a job)."
  value       = local.is_service ? aws_ecs_service.this[0].name : null
}

output "task_family" {
  description = "Family of the task definition; the CI pipeline registers new revisions in it."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "Latest task definition revision Terraform registered: each deploy builds its revision from it."
  value       = aws_ecs_task_definition.this.arn
}

output "container_name" {
  description = "Name of the application container in the task definition."
  value       = local.container_name
}

output "repository_url" {
  description = "URL of the workload's ECR repository."
  value       = aws_ecr_repository.this.repository_url
}

output "schedule_name" {
  description = "job: name of the EventBridge Scheduler schedule (null otherwise)."
  value       = local.is_job ? aws_scheduler_schedule.this[0].name : null
}

output "schedule_group" {
  description = "job: schedule group of the schedule (null otherwise)."
  value       = local.is_job ? aws_scheduler_schedule_group.this[0].name : null
}

output "security_group_id" {
  description = "Security group of the tasks, to allow into the database and cache."
  value       = aws_security_group.tasks.id
}

output "log_group_name" {
  description = "CloudWatch log group of the workload's containers."
  value       = aws_cloudwatch_log_group.app.name
}

output "secret_arn" {
  description = "The workload's own secret (APP_SECRETS), set by its owners."
  value       = aws_secretsmanager_secret.app.arn
}

output "dashboard_widgets" {
  description = "CloudWatch dashboard widgets of the workload's health signals."
  value       = local.dashboard_widgets
}

output "failed_runs_rule_arn" {
  description = "job: ARN of the EventBridge rule that publishes failed runs to the alarm topic (null otherwise); the topic's policy allows it."
  value       = local.is_job ? aws_cloudwatch_event_rule.failed_runs[0].arn : null
}
