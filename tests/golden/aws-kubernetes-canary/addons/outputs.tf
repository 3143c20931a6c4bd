output "ingress_class_name" {
  description = "Ingress class of the AWS Load Balancer Controller: the application's Ingress uses it."
  value       = "alb"
}

output "controllers_namespace" {
  description = "Namespace of the AWS Load Balancer Controller and the Cluster Autoscaler."
  value       = kubernetes_namespace_v1.controllers.metadata[0].name
}

output "argo_rollouts_namespace" {
  description = "Namespace of the Argo Rollouts controller; null with rolling deploys."
  value       = one(kubernetes_namespace_v1.argo_rollouts[*].metadata[0].name)
}

output "external_dns_domain" {
  description = "Zone external-dns keeps the Ingress records in; null when it is not installed."
  value       = one(helm_release.external_dns[*].id) == null ? null : var.domain_name
}
