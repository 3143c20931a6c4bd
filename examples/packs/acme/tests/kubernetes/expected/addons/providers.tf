provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      project     = var.project_name
      environment = var.environment
      owner       = var.owner
      managed-by  = "terraform"
    }
  }
}

# The cluster of the main stack (applied first), found by name.
data "aws_eks_cluster" "this" {
  name = local.cluster_name
}

locals {
  # The main stack's naming (local.name there): the cluster is "<project>-<environment>".
  cluster_name = "${var.project_name}-${var.environment}"

  # Credentials come from `aws eks get-token` each time a provider connects, at plan and again at
  # apply, as the identity running that step (the plan role, then the deploy role): no token is
  # read into the plan, where a saved plan would carry it, expired or of the wrong identity, to
  # the apply. The AWS CLI must be on the runner (GitHub's hosted runners have it; GitLab jobs
  # install it, partials of the pipeline).
  exec = {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", local.cluster_name, "--region", var.region, "--output", "json"]
  }
}

provider "kubernetes" {
  host                   = data.aws_eks_cluster.this.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)

  exec {
    api_version = local.exec.api_version
    command     = local.exec.command
    args        = local.exec.args
  }
}

provider "helm" {
  kubernetes = {
    host                   = data.aws_eks_cluster.this.endpoint
    cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)
    exec                   = local.exec
  }
}
