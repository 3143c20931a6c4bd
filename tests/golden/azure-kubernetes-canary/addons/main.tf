# Blue-green and canary: Argo Rollouts runs the Rollout resources of the application (a
# preview and an active Service, or canary steps with analysis) and aborts back to the stable
# version on failure. The chart version pins controller v1.8.2, the kubectl plugin the pipeline uses.
# A canary's weight moves requests through the add-on's NGINX (trafficRouting.nginx): the
# controller acts on Ingresses of the classes it is given only, "nginx" unless told
# (argo-rollouts docs/features/traffic-management/nginx.md, --nginx-ingress-classes).
resource "helm_release" "argo_rollouts" {
  count = var.deployment_strategy == "rolling" ? 0 : 1

  name             = "argo-rollouts"
  namespace        = "argo-rollouts"
  create_namespace = true
  repository       = "https://argoproj.github.io/argo-helm"
  chart            = "argo-rollouts"
  version          = "2.39.5"
  atomic           = true
  wait             = true

  set = [
    {
      name  = "controller.replicas"
      value = "2"
    },
    {
      name  = "controller.extraArgs[0]"
      value = "--nginx-ingress-classes=${var.ingress_class_name}"
    },
  ]
}
