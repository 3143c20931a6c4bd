output "argo_rollouts_namespace" {
  description = "Namespace of the Argo Rollouts controller; null with rolling deploys."
  value       = one(kubernetes_namespace_v1.argo_rollouts[*].metadata[0].name)
}
