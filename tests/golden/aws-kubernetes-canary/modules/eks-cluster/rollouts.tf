################################################################################
# Canary with traffic routing (trafficRouting.alb): the Argo Rollouts controller (addons/,
# namespace argo-rollouts) runs with --aws-verify-target-group, so after each weight change and
# before it scales down the previous pods it checks in the ALB's API that the target groups carry
# that weight and the new pods' IPs (argo-rollouts docs/features/traffic-management/alb.md,
# "Zero-Downtime Updates with AWS TargetGroup Verification", which lists these actions). Read
# only: it changes nothing in the load balancers.
################################################################################

data "aws_iam_policy_document" "rollouts_target_group_verification" {
  count = var.rollouts_target_group_verification ? 1 : 0

  # checkov:skip=CKV_AWS_356: the elasticloadbalancing Describe calls take no resource ARN
  statement {
    sid = "DescribeTargetGroups"
    actions = [
      "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "rollouts" {
  count = var.rollouts_target_group_verification ? 1 : 0

  name                 = "${var.name}-eks-argo-rollouts"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.pod_identity_assume.json
}

resource "aws_iam_role_policy" "rollouts" {
  count = var.rollouts_target_group_verification ? 1 : 0

  name   = "argo-rollouts-target-group-verification"
  role   = aws_iam_role.rollouts[0].id
  policy = data.aws_iam_policy_document.rollouts_target_group_verification[0].json
}

# The chart's controller service account (addons/ sets serviceAccount.name to this name).
resource "aws_eks_pod_identity_association" "rollouts" {
  count = var.rollouts_target_group_verification ? 1 : 0

  cluster_name    = aws_eks_cluster.this.name
  namespace       = var.rollouts_namespace
  service_account = "argo-rollouts"
  role_arn        = aws_iam_role.rollouts[0].arn
}
