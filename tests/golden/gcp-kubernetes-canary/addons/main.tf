# Cluster add-ons, applied after the main stack (which creates the cluster): Argo Rollouts for
# blue-green and canary releases, and the read access the plan identity needs to refresh them.

locals {
  argo_rollouts = var.deployment_strategy != "rolling"
}

resource "kubernetes_namespace_v1" "argo_rollouts" {
  count = local.argo_rollouts ? 1 : 0

  metadata {
    name   = "argo-rollouts"
    labels = { "app.kubernetes.io/managed-by" = "terraform" }
  }
}

# Argo Rollouts runs the Rollout resources of the application (a preview and an active Service,
# or canary steps) and aborts back to the stable version on failure. The chart version pins
# controller v1.8.2, the kubectl plugin the pipeline uses; Binary Authorization admits its image.
resource "helm_release" "argo_rollouts" {
  count = local.argo_rollouts ? 1 : 0

  name       = "argo-rollouts"
  namespace  = kubernetes_namespace_v1.argo_rollouts[0].metadata[0].name
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argo-rollouts"
  version    = "2.39.5"
  atomic     = true
  wait       = true

  set = [
    {
      name  = "controller.replicas"
      value = "2"
    },
  ]
}

# Helm keeps each release as a Secret of its namespace, which Terraform reads on refresh. The
# plan identity's IAM roles (roles/container.viewer) read no Secret anywhere; this Role lets it
# read the Secrets of the add-ons' namespace only, which hold release records, no credentials.
resource "kubernetes_role_v1" "plan_release_records" {
  count = local.argo_rollouts && var.plan_service_account != "" ? 1 : 0

  metadata {
    name      = "ci-plan-release-records"
    namespace = kubernetes_namespace_v1.argo_rollouts[0].metadata[0].name
  }

  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get", "list"]
  }
}

resource "kubernetes_role_binding_v1" "plan_release_records" {
  count = length(kubernetes_role_v1.plan_release_records)

  metadata {
    name      = "ci-plan-release-records"
    namespace = kubernetes_role_v1.plan_release_records[0].metadata[0].namespace
  }

  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.plan_release_records[0].metadata[0].name
  }

  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "User"
    name      = var.plan_service_account
  }
}
