data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  ci_enabled = var.ci_provider != "none"
  github     = var.ci_provider == "github-actions"

  oidc_host     = local.github ? "token.actions.githubusercontent.com" : trimprefix(var.gitlab_url, "https://")
  oidc_url      = local.github ? "https://token.actions.githubusercontent.com" : var.gitlab_url
  oidc_audience = local.github ? "sts.amazonaws.com" : var.gitlab_url
  oidc_arn = local.ci_enabled ? (
    var.create_oidc_provider ? aws_iam_openid_connect_provider.ci[0].arn : data.aws_iam_openid_connect_provider.ci[0].arn
  ) : null

  # The OIDC subject contract of the pipelines (docs/SECURITY.md). GitHub: plans of unprotected
  # environments run on pull requests and on the default branch, plans of protected ones only on
  # the default branch; apply, deploy and rollback jobs run in the GitHub environment. GitLab: IAM
  # conditions see only sub and aud of a GitLab ID token (amr too, which GitLab does not set; no
  # environment claim), and GitLab's sub names the ref only, so a protected environment's apply,
  # deploy and rollback jobs run on pipelines of its own protected branch (<prefix><env>), the
  # one subject its deploy role trusts; its plans run there too (the apply checks them) and on
  # the default branch. Unprotected environments apply and deploy from the default branch.
  gitlab_deploy_branch = var.protected ? "${var.gitlab_deploy_prefix}${var.environment}" : var.default_branch
  gitlab_subject       = "project_path:${var.repository}:ref_type:branch:ref:"

  # GitHub's subject starts with repo:<owner>/<name>, or, for a repository created, renamed or
  # transferred after 2026-07-15 (or opted in), with the immutable repo:<owner>@<owner id>/<name>@<id>
  # (the repository's OIDC setting decides: docs/runbooks/bootstrap.md). With both IDs the trusts
  # list both forms, each exactly (StringEquals): no wildcard in place of an ID, which under
  # StringLike could match another repository or an environment named like a suffix.
  github_ids = var.github_owner_id != "" && var.github_repository_id != ""
  github_prefixes = concat(
    ["repo:${var.repository}"],
    local.github && local.github_ids ? [
      "repo:${split("/", var.repository)[0]}@${var.github_owner_id}/${element(split("/", var.repository), 1)}@${var.github_repository_id}",
    ] : [],
  )

  github_plan_subjects = flatten([
    for prefix in local.github_prefixes : concat(
      var.protected ? [] : ["${prefix}:pull_request"],
      ["${prefix}:ref:refs/heads/${var.default_branch}"],
    )
  ])
  gitlab_plan_subjects = distinct(concat(
    var.protected ? [] : ["${local.gitlab_subject}*"],
    ["${local.gitlab_subject}${var.default_branch}", "${local.gitlab_subject}${local.gitlab_deploy_branch}"],
  ))

  plan_subjects = local.github ? local.github_plan_subjects : local.gitlab_plan_subjects
  deploy_subjects = local.github ? [for prefix in local.github_prefixes : "${prefix}:environment:${var.environment}"] : [
    "${local.gitlab_subject}${local.gitlab_deploy_branch}",
  ]

  # Runtime roles: <path><project>-<env>-*; the path keeps every CI role (path "/") out of the
  # pattern, and "<env>-" cannot reach another environment's roles, which live in another account.
  runtime_role_arns   = "arn:${local.partition}:iam::${local.account_id}:role${var.runtime_role_path}*"
  boundary_arn        = aws_iam_policy.runtime_boundary.arn
  state_prefix        = "${var.state_bucket_arn}/${var.environment}/"
  secret_read_actions = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"]

  # What the runtime roles (tasks, functions, EKS control plane and nodes, RDS monitoring, flow
  # logs) use; IAM for PassRole and service-linked roles (the EKS control plane's), see below.
  runtime_services = concat(var.deploy_services, ["iam", "rds-db", "elasticache", "sts", "ssmmessages"])

  # Every IAM write but passing a role and creating a service-linked role (EKS creates the load
  # balancer's on first use).
  runtime_denied_iam_actions = [
    "iam:Add*", "iam:Attach*", "iam:CreateAccessKey", "iam:CreateGroup", "iam:CreateInstanceProfile",
    "iam:CreateLoginProfile", "iam:CreateOpenIDConnectProvider", "iam:CreatePolicy",
    "iam:CreatePolicyVersion", "iam:CreateRole", "iam:CreateSAMLProvider",
    "iam:CreateServiceSpecificCredential", "iam:CreateUser", "iam:CreateVirtualMFADevice",
    "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Remove*", "iam:Set*", "iam:Tag*", "iam:Untag*",
    "iam:Update*", "iam:Upload*",
  ]
  iam_write_actions = [
    "iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:PassRole",
    "iam:Put*", "iam:Remove*", "iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*", "iam:Upload*",
  ]
}

################################################################################
# Permissions boundary of every runtime role (ECS tasks, Lambda, EKS, RDS monitoring, flow logs):
# whatever policies the deploy role attaches, a runtime role can never write IAM.
################################################################################

# A boundary grants nothing: it caps what the runtime roles' own (narrow) policies can grant.
data "aws_iam_policy_document" "runtime_boundary" {
  # checkov:skip=CKV_AWS_1: a permissions boundary grants nothing; it caps the runtime roles' own policies
  # checkov:skip=CKV_AWS_49: a permissions boundary grants nothing; it caps the runtime roles' own policies
  # checkov:skip=CKV_AWS_107: a permissions boundary grants nothing; the denials below are its point
  # checkov:skip=CKV_AWS_108: a permissions boundary grants nothing; it caps the runtime roles' own policies
  # checkov:skip=CKV_AWS_109: a permissions boundary grants nothing; IAM writes are denied below
  # checkov:skip=CKV_AWS_110: a permissions boundary grants nothing; IAM writes are denied below
  # checkov:skip=CKV_AWS_111: a permissions boundary grants nothing; it caps the runtime roles' own policies
  # checkov:skip=CKV_AWS_356: a permissions boundary grants nothing; it caps the runtime roles' own policies
  statement {
    sid       = "TheApplicationsServices"
    actions   = [for service in local.runtime_services : "${service}:*"]
    resources = ["*"]
  }

  statement {
    sid       = "NoIamWrites"
    effect    = "Deny"
    actions   = local.runtime_denied_iam_actions
    resources = ["*"]
  }

  statement {
    sid       = "NoAccountOrOrganizationChanges"
    effect    = "Deny"
    actions   = ["account:*", "organizations:*"]
    resources = ["*"]
  }

  statement {
    sid       = "NoTerraformState"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [var.state_bucket_arn, "${var.state_bucket_arn}/*"]
  }
}

resource "aws_iam_policy" "runtime_boundary" {
  name        = var.runtime_boundary_name
  description = "Permissions boundary of every runtime role of ${var.project_name} ${var.environment}: no IAM writes."
  policy      = data.aws_iam_policy_document.runtime_boundary.json
}

################################################################################
# The CI system's OIDC provider: created here, or the account's existing one (an account holds
# one provider per issuer URL; creating a second fails with EntityAlreadyExists).
################################################################################

resource "aws_iam_openid_connect_provider" "ci" {
  count = local.ci_enabled && var.create_oidc_provider ? 1 : 0

  url            = local.oidc_url
  client_id_list = [local.oidc_audience]
}

data "aws_iam_openid_connect_provider" "ci" {
  count = local.ci_enabled && !var.create_oidc_provider ? 1 : 0

  url = local.oidc_url
}

data "aws_iam_policy_document" "trust" {
  for_each = local.ci_enabled ? { plan = local.plan_subjects, deploy = local.deploy_subjects } : {}

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = [local.oidc_audience]
    }

    condition {
      test     = anytrue([for subject in each.value : strcontains(subject, "*")]) ? "StringLike" : "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = each.value
    }
  }
}

################################################################################
# Deploy role (apply, deploy, rollback): the stack's services, IAM only on the runtime roles
# (with the boundary), its environment's state and nothing else.
################################################################################

resource "aws_iam_role" "deploy" {
  count = local.ci_enabled ? 1 : 0

  name                 = "${var.project_name}-${var.environment}-ci-deploy"
  description          = "CI deploy role of ${var.project_name} ${var.environment} (${var.repository})"
  assume_role_policy   = data.aws_iam_policy_document.trust["deploy"].json
  max_session_duration = 3600

  lifecycle {
    precondition {
      condition     = var.repository != ""
      error_message = "repository must be set when ci_provider is not none."
    }
    precondition {
      condition     = (var.github_owner_id == "") == (var.github_repository_id == "")
      error_message = "github_owner_id and github_repository_id must be set together (gh api repos/OWNER/REPO --jq '.owner.id, .id'), or neither."
    }
    precondition {
      condition     = !local.github_ids || length(split("/", var.repository)) == 2
      error_message = "repository must be owner/name for the immutable GitHub subject (github_owner_id, github_repository_id)."
    }
  }
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid       = "TheStacksServices"
    actions   = [for service in var.deploy_services : "${service}:*"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadIam"
    actions   = ["iam:Get*", "iam:List*"]
    resources = ["*"]
  }

  statement {
    sid = "RuntimeRolesCarryTheBoundary"
    actions = [
      "iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
      "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy",
    ]
    resources = [local.runtime_role_arns]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid = "ManageRuntimeRoles"
    actions = [
      "iam:DeleteRole", "iam:PassRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole", "iam:UpdateRoleDescription",
    ]
    resources = [local.runtime_role_arns]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/*"]
  }

  statement {
    sid           = "NoOtherIamWrite"
    effect        = "Deny"
    actions       = local.iam_write_actions
    not_resources = [local.runtime_role_arns, "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/*"]
  }

  statement {
    sid       = "NoAccountOrOrganizationChanges"
    effect    = "Deny"
    actions   = ["account:*", "organizations:*"]
    resources = ["*"]
  }

  statement {
    sid       = "ListItsState"
    actions   = ["s3:ListBucket"]
    resources = [var.state_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.environment}/*"]
    }
  }

  statement {
    sid       = "WriteItsState"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_prefix}*"]
  }

  statement {
    sid       = "UseTheStateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.state_kms_key_arn]
  }

  # kms:* above is for the account's own keys: no key of another account (but the state key) is
  # used or granted, so a file or value encrypted under a key someone else controls never
  # decrypts here (a cross-account call needs the caller's IAM too).
  statement {
    sid    = "NoOtherAccountsKeys"
    effect = "Deny"
    actions = [
      "kms:CreateGrant", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*",
    ]
    not_resources = ["arn:${local.partition}:kms:*:${local.account_id}:key/*", var.state_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "deploy" {
  count = local.ci_enabled ? 1 : 0

  name   = "deploy"
  role   = aws_iam_role.deploy[0].id
  policy = data.aws_iam_policy_document.deploy.json
}

################################################################################
# Plan role: reads the account's configuration (never a secret value), reads its environment's
# state and writes nothing but the state lock files. S3 native locking (use_lockfile) creates
# "<key>.tflock" with a conditional PutObject and deletes it when the plan ends: those two
# objects per stack are the only writes, so a plan can block an apply for a while, never change
# state.
################################################################################

resource "aws_iam_role" "plan" {
  count = local.ci_enabled ? 1 : 0

  name                 = "${var.project_name}-${var.environment}-ci-plan"
  description          = "CI plan role (read-only) of ${var.project_name} ${var.environment} (${var.repository})"
  assume_role_policy   = data.aws_iam_policy_document.trust["plan"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  count = local.ci_enabled ? 1 : 0

  role       = aws_iam_role.plan[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

data "aws_iam_policy_document" "plan" {
  statement {
    sid       = "ListItsState"
    actions   = ["s3:ListBucket"]
    resources = [var.state_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.environment}/*"]
    }
  }

  statement {
    sid       = "ReadItsState"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_prefix}*"]
  }

  statement {
    sid       = "TakeAndReleaseTheStateLocks"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = [for key in var.state_keys : "${local.state_prefix}${key}.tflock"]
  }

  statement {
    sid       = "UseTheStateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.state_kms_key_arn]
  }

  # ReadOnlyAccess reads no secret value today; this denial keeps it so whatever AWS adds to it.
  # No resource of the stacks makes a plan read one: the Redis AUTH token and the application
  # secret are set by the runbooks, never by Terraform (no secret version in any state).
  # SSM SecureString parameters need kms:Decrypt, denied below on every key but the state's.
  statement {
    sid       = "NoSecretValues"
    effect    = "Deny"
    actions   = local.secret_read_actions
    resources = ["*"]
  }

  statement {
    sid       = "NoDatabaseOrRegistryCredentials"
    effect    = "Deny"
    actions   = ["ecr:GetAuthorizationToken", "rds-db:connect", "elasticache:Connect"]
    resources = ["*"]
  }

  # Lambda returns a function's environment variables only to a caller who may decrypt them with
  # the function's key: without this, a plan refreshes the function without them, differs from
  # the deploy role's re-plan, and every apply after the first refuses (and drift never clears).
  # Allowed only through Lambda, so no secret value can be decrypted directly.
  statement {
    sid       = "ReadFunctionEnvironmentsThroughLambda"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["lambda.*.amazonaws.com"]
    }
  }

  statement {
    sid           = "DecryptOnlyItsState"
    effect        = "Deny"
    actions       = ["kms:Decrypt"]
    not_resources = [var.state_kms_key_arn]

    condition {
      test     = "StringNotLike"
      variable = "kms:ViaService"
      values   = ["lambda.*.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "plan" {
  count = local.ci_enabled ? 1 : 0

  name   = "state-read-and-lock"
  role   = aws_iam_role.plan[0].id
  policy = data.aws_iam_policy_document.plan.json
}
