################################################################################
# CI identity: the CI system's OIDC provider and, per environment, a deploy role (plan, apply,
# deploy) and a read-only plan role (pull/merge request plans). No access keys anywhere.
################################################################################

locals {
  ci_enabled = var.ci_provider != "none"
  github     = var.ci_provider == "github-actions"

  oidc_host     = local.github ? "token.actions.githubusercontent.com" : trimprefix(var.gitlab_url, "https://")
  oidc_url      = local.github ? "https://token.actions.githubusercontent.com" : var.gitlab_url
  oidc_audience = local.github ? "sts.amazonaws.com" : var.gitlab_url

  # GitHub: the job's environment is in the subject, so each role trusts one environment; PR plans
  # run in the "<env>-plan" environments. GitLab subjects name the ref, not the environment: deploy
  # roles trust the protected default branch (environment-scoped variables and protected
  # environments keep one environment's role out of another's jobs), plan roles any ref.
  deploy_subjects = {
    for name, env in local.environments : name => (
      local.github
      ? "repo:${var.repository}:environment:${name}"
      : "project_path:${var.repository}:ref_type:branch:ref:${var.default_branch}"
    )
  }
  plan_subjects = {
    for name, env in local.environments : name => (
      local.github
      ? "repo:${var.repository}:environment:${name}-plan"
      : "project_path:${var.repository}:*"
    )
  }

  ci_environments = local.ci_enabled ? local.environments : {}
}

resource "aws_iam_openid_connect_provider" "ci" {
  count = local.ci_enabled ? 1 : 0

  url            = local.oidc_url
  client_id_list = [local.oidc_audience]

  lifecycle {
    precondition {
      condition     = var.repository != ""
      error_message = "repository must be set when ci_provider is not none."
    }
  }
}

data "aws_iam_policy_document" "deploy_trust" {
  for_each = local.ci_environments

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.ci[0].arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = [local.oidc_audience]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = [local.deploy_subjects[each.key]]
    }
  }
}

data "aws_iam_policy_document" "plan_trust" {
  for_each = local.ci_environments

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.ci[0].arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = [local.oidc_audience]
    }

    condition {
      test     = "StringLike"
      variable = "${local.oidc_host}:sub"
      values   = [local.plan_subjects[each.key]]
    }
  }
}

# Deploy role: builds and changes the environment. PowerUserAccess covers every service but IAM;
# IAM is limited to the environment's own roles (named <project>-<env>-*).
resource "aws_iam_role" "deploy" {
  for_each = local.ci_environments

  name                 = "${var.project_name}-${each.key}-ci"
  description          = "CI deploy role of ${var.project_name} ${each.key} (${var.repository})"
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust[each.key].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "deploy_power_user" {
  for_each = aws_iam_role.deploy

  role       = each.value.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/PowerUserAccess"
}

data "aws_iam_policy_document" "deploy" {
  for_each = local.ci_environments

  statement {
    sid = "ManageTheEnvironmentsRoles"
    actions = [
      "iam:AttachRolePolicy",
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
      "iam:ListRolePolicies",
      "iam:PassRole",
      "iam:PutRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
    ]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/${var.project_name}-${each.key}-*"]
  }

  statement {
    sid       = "ListAndReadStateOfThisEnvironment"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${each.key}/*"]
    }
  }

  statement {
    sid       = "WriteStateOfThisEnvironment"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/${each.key}/*"]
  }

  statement {
    sid       = "UseTheStateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.state.arn]
  }
}

resource "aws_iam_role_policy" "deploy" {
  for_each = aws_iam_role.deploy

  name   = "environment-roles-and-state"
  role   = each.value.id
  policy = data.aws_iam_policy_document.deploy[each.key].json
}

# Plan role: reads everything, changes nothing but the state lock file.
resource "aws_iam_role" "plan" {
  for_each = local.ci_environments

  name                 = "${var.project_name}-${each.key}-ci-plan"
  description          = "CI plan role (read-only) of ${var.project_name} ${each.key} (${var.repository})"
  assume_role_policy   = data.aws_iam_policy_document.plan_trust[each.key].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  for_each = aws_iam_role.plan

  role       = each.value.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

data "aws_iam_policy_document" "plan" {
  for_each = local.ci_environments

  statement {
    sid       = "ListStateOfThisEnvironment"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${each.key}/*"]
    }
  }

  statement {
    sid       = "ReadStateOfThisEnvironment"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.state.arn}/${each.key}/*"]
  }

  statement {
    sid       = "TakeTheStateLock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/${each.key}/terraform.tfstate.tflock"]
  }

  statement {
    sid       = "UseTheStateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.state.arn]
  }

  statement {
    sid       = "RefreshSecretVersionsOfThisEnvironment"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:${local.partition}:secretsmanager:${each.value.region}:${local.account_id}:secret:${var.project_name}-${each.key}/*"]
  }

  statement {
    sid       = "DecryptThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = ["arn:${local.partition}:kms:${each.value.region}:${local.account_id}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${each.value.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "plan" {
  for_each = aws_iam_role.plan

  name   = "state-lock"
  role   = each.value.id
  policy = data.aws_iam_policy_document.plan[each.key].json
}
