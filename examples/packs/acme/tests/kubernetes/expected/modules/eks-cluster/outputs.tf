output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64-encoded certificate authority of the Kubernetes API."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "security_group_id" {
  description = "Cluster security group (control plane and nodes), to allow into the database and cache."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "app_role_arn" {
  description = "IAM role the application's service account receives through EKS Pod Identity."
  value       = aws_iam_role.app.arn
}

output "repository_url" {
  description = "URL of the ECR repository images are pushed to."
  value       = aws_ecr_repository.this.repository_url
}

output "dashboard_widgets" {
  description = "CloudWatch dashboard widgets of the cluster's health signals."
  value       = local.dashboard_widgets
}
