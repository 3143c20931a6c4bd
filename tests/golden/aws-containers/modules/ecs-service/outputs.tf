output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "task_family" {
  description = "Family of the task definition; the CI pipeline registers new revisions in it."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "Latest task definition revision Terraform registered (environment, secrets, CPU, memory, logging): each deploy builds its revision from it."
  value       = aws_ecs_task_definition.this.arn
}

output "container_name" {
  description = "Name of the application container in the task definition."
  value       = local.container_name
}

output "repository_url" {
  description = "URL of the ECR repository images are pushed to."
  value       = aws_ecr_repository.this.repository_url
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "load_balancer_zone_id" {
  description = "Route 53 zone ID of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the tasks, to allow into the database and cache."
  value       = aws_security_group.tasks.id
}

output "log_group_name" {
  description = "CloudWatch log group of the application containers."
  value       = aws_cloudwatch_log_group.app.name
}

output "dashboard_widgets" {
  description = "CloudWatch dashboard widgets of the service's health signals."
  value       = local.dashboard_widgets
}
