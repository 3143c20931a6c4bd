################################################################################
# The application's ingress: the application routing add-on's NGINX on the cluster's static
# address (the main stack's azurerm_public_ip "<cluster>-ingress", where the host's DNS record
# points), and, with a custom domain, HTTPS with a Let's Encrypt certificate that cert-manager
# obtains and renews through that NGINX (ACME HTTP-01). No Azure role is needed for it: a Key
# Vault certificate would need the add-on's own identity (created by AKS, unknown to bootstrap/)
# granted on the vault, and a publicly trusted one issued there needs a paid CA account.
################################################################################

locals {
  https = var.https_host != ""
}

# cert-manager and its CRDs (installed by the chart, kept if the release is removed).
resource "helm_release" "cert_manager" {
  count = local.https ? 1 : 0

  name             = "cert-manager"
  namespace        = "cert-manager"
  create_namespace = true
  repository       = "https://charts.jetstack.io"
  chart            = "cert-manager"
  version          = "v1.21.1"
  atomic           = true
  wait             = true

  set = [
    {
      name  = "crds.enabled"
      value = "true"
    },
    {
      name  = "crds.keep"
      value = "true"
    },
  ]
}

# Local charts, so that nothing at plan time needs a CRD: the NginxIngressController (the add-on's,
# there once the main stack enabled the add-on) and the ClusterIssuer (cert-manager's, there once
# its release is).
resource "helm_release" "app_ingress" {
  name             = "app-ingress"
  namespace        = "app-ingress"
  create_namespace = true
  chart            = "${path.module}/charts/app-ingress"
  atomic           = true
  wait             = true

  set = [
    {
      name  = "ingressClassName"
      value = var.ingress_class_name
    },
    {
      name  = "publicIpName"
      value = "${var.cluster_name}-ingress"
    },
    {
      name  = "publicIpResourceGroup"
      value = var.cluster_name
    },
  ]
}

resource "helm_release" "letsencrypt_issuer" {
  count = local.https ? 1 : 0

  name      = "letsencrypt-issuer"
  namespace = "cert-manager"
  chart     = "${path.module}/charts/letsencrypt-issuer"
  atomic    = true
  wait      = true

  set = [
    {
      name  = "ingressClassName"
      value = var.ingress_class_name
    },
  ]

  depends_on = [helm_release.cert_manager]
}
