output "argo_rollouts_installed" {
  description = "Whether Argo Rollouts runs in the cluster (blue-green and canary)."
  value       = length(helm_release.argo_rollouts) > 0
}
