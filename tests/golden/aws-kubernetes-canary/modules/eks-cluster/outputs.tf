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

output "vpc_id" {
  description = "VPC of the cluster (the load balancer controller's vpcId: pods cannot read it from the instance metadata)."
  value       = aws_eks_cluster.this.vpc_config[0].vpc_id
}

output "load_balancer_controller_role_arn" {
  description = "IAM role of the AWS Load Balancer Controller (EKS Pod Identity, service account aws-load-balancer-controller)."
  value       = aws_iam_role.load_balancer_controller.arn
}

output "cluster_autoscaler_role_arn" {
  description = "IAM role of the Cluster Autoscaler (EKS Pod Identity, service account cluster-autoscaler)."
  value       = aws_iam_role.cluster_autoscaler.arn
}

output "external_dns_role_arn" {
  description = "ARN of external-dns's role (Pod Identity, service account external-dns); null without a zone."
  value       = one(aws_iam_role.external_dns[*].arn)
}
