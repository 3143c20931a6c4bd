# Cluster add-ons, applied after the main stack (which creates the cluster, the node group and
# the controllers' IAM roles with their EKS Pod Identity associations): the AWS Load Balancer
# Controller, the Cluster Autoscaler, external-dns (with a domain) and, for blue-green and canary
# releases, Argo Rollouts.

locals {
  argo_rollouts = var.deployment_strategy != "rolling"
}

resource "kubernetes_namespace_v1" "controllers" {
  metadata {
    name   = var.controllers_namespace
    labels = { "app.kubernetes.io/managed-by" = "terraform" }
  }
}

# Serves the Ingress class "alb" (created by the chart): an internet-facing ALB per Ingress,
# configured by its alb.ingress.kubernetes.io/* annotations (certificate, WAF web ACL, target
# type). Region and VPC are given: the nodes' instance metadata answers no pod (hop limit 1).
# Its role (Pod Identity) comes from the main stack; classic WAF and Shield Advanced are off,
# as the stack uses neither. The other releases wait for it: its webhooks admit their Services.
resource "helm_release" "aws_load_balancer_controller" {
  name       = "aws-load-balancer-controller"
  namespace  = kubernetes_namespace_v1.controllers.metadata[0].name
  repository = "https://aws.github.io/eks-charts"
  chart      = "aws-load-balancer-controller"
  version    = "3.5.0"
  atomic     = true
  wait       = true

  set = [
    {
      name  = "clusterName"
      value = data.aws_eks_cluster.this.name
    },
    {
      name  = "region"
      value = var.region
    },
    {
      name  = "vpcId"
      value = data.aws_eks_cluster.this.vpc_config[0].vpc_id
    },
    {
      name  = "serviceAccount.name"
      value = "aws-load-balancer-controller"
    },
    {
      name  = "ingressClass"
      value = "alb"
    },
    {
      name  = "enableShield"
      value = "false"
    },
    {
      name  = "enableWaf"
      value = "false"
    },
    {
      name  = "enableWafv2"
      value = "true"
    },
  ]
}

# Adds nodes when pods cannot be scheduled and removes idle ones, within the managed node group's
# minimum and maximum (node_min, node_max: the Auto Scaling group it discovers by EKS's tags).
# Chart 9.53.0 runs Cluster Autoscaler 1.34, the cluster's Kubernetes minor version: upgrade
# both together.
resource "helm_release" "cluster_autoscaler" {
  name       = "cluster-autoscaler"
  namespace  = kubernetes_namespace_v1.controllers.metadata[0].name
  repository = "https://kubernetes.github.io/autoscaler"
  chart      = "cluster-autoscaler"
  version    = "9.53.0"
  atomic     = true
  wait       = true

  set = [
    {
      name  = "cloudProvider"
      value = "aws"
    },
    {
      name  = "awsRegion"
      value = var.region
    },
    {
      name  = "autoDiscovery.clusterName"
      value = data.aws_eks_cluster.this.name
    },
    {
      name  = "rbac.serviceAccount.name"
      value = "cluster-autoscaler"
    },
    {
      name  = "extraArgs.balance-similar-node-groups"
      value = "true"
    },
  ]

  depends_on = [helm_release.aws_load_balancer_controller]
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
# controller v1.8.2, the kubectl plugin the pipeline uses. A canary's weights move requests
# through the ALB's target groups (trafficRouting.alb), which the controller verifies in the ELB
# API before each next step and before scaling the previous pods down (--aws-verify-target-group),
# as the role the main stack associates with its service account (EKS Pod Identity). The region
# is given: the SDK does not read it from the instance metadata (hop limit 1 answers no pod).
resource "helm_release" "argo_rollouts" {
  count = local.argo_rollouts ? 1 : 0

  name       = "argo-rollouts"
  namespace  = kubernetes_namespace_v1.argo_rollouts[0].metadata[0].name
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argo-rollouts"
  version    = "2.39.5"
  atomic     = true
  wait       = true

  set = concat([
    {
      name  = "controller.replicas"
      value = "2"
    },
    {
      name  = "serviceAccount.name"
      value = "argo-rollouts"
    },
    ], var.deployment_strategy != "canary" ? [] : [
    {
      name  = "controller.extraArgs[0]"
      value = "--aws-verify-target-group"
    },
    {
      name  = "controller.extraEnv[0].name"
      value = "AWS_REGION"
    },
    {
      name  = "controller.extraEnv[0].value"
      value = var.region
    },
  ])

  depends_on = [helm_release.aws_load_balancer_controller]
}

# external-dns creates the Route 53 alias record of each Ingress host (spec.rules[].host) to the
# ALB the load balancer controller made for it, in the environment's own zone only
# (domainFilters; its role, from the main stack, may change no other zone). "sync" also deletes
# the records it created when the Ingress goes (the TXT registry marks them with txtOwnerId, so
# it never touches the certificate's validation record or another owner's). Chart 1.21.1 runs
# external-dns v0.21.0.
resource "helm_release" "external_dns" {
  count = var.domain_name == null ? 0 : 1

  name       = "external-dns"
  namespace  = kubernetes_namespace_v1.controllers.metadata[0].name
  repository = "https://kubernetes-sigs.github.io/external-dns"
  chart      = "external-dns"
  version    = "1.21.1"
  atomic     = true
  wait       = true

  set = [
    {
      name  = "provider.name"
      value = "aws"
    },
    {
      name  = "serviceAccount.name"
      value = "external-dns"
    },
    {
      name  = "policy"
      value = "sync"
    },
    {
      name  = "registry"
      value = "txt"
    },
    {
      name  = "txtOwnerId"
      value = "${var.project_name}-${var.environment}"
    },
    {
      name  = "sources[0]"
      value = "ingress"
    },
    {
      name  = "env[0].name"
      value = "AWS_DEFAULT_REGION"
    },
    {
      name  = "env[0].value"
      value = var.region
    },
    {
      name  = "domainFilters[0]"
      value = var.domain_name
    },
    {
      name  = "extraArgs[0]"
      value = "--aws-zone-type=public"
    },
  ]

  depends_on = [helm_release.aws_load_balancer_controller]
}
