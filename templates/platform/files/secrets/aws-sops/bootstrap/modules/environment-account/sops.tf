################################################################################
# Secrets strategy `sops`: the environment's SOPS key, alias/<project>-<env>-sops. Only the
# environment's deploy role decrypts with it (the deploy job), only the named encrypters
# (sops_encrypter_arns, by default the account's administrator role) encrypt with it, and the
# account administers it through IAM without any right to use it. No runtime role may touch it:
# a running service reads its value from Secrets Manager, encrypted with the stack's own key.
# Made here, not in the environment's stack: destroying the stack never schedules its deletion.
################################################################################

variable "sops_encrypter_arns" {
  description = "IAM principals of this account (ARNs, ArnLike patterns allowed) who write the environment's SOPS files; empty: the administrator role (sops_admin_role_name)."
  type        = list(string)
  default     = []
}

variable "sops_admin_role_name" {
  description = "The account's administrator role (path /): the default encrypter."
  type        = string
  default     = "OrganizationAccountAccessRole"
}

locals {
  sops_encrypters = length(var.sops_encrypter_arns) > 0 ? var.sops_encrypter_arns : [
    "arn:${local.partition}:iam::${local.account_id}:role/${var.sops_admin_role_name}",
  ]
  sops_deploy_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/${var.project_name}-${var.environment}-ci-deploy"

  # Key administration without cryptographic use and without grants (a grant would let another
  # principal decrypt): what the account's IAM policies may allow on this key.
  sops_admin_actions = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey",
    "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
    "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListGrants",
    "kms:ListKeyPolicies", "kms:ListKeyRotations", "kms:ListResourceTags", "kms:PutKeyPolicy",
    "kms:RetireGrant", "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion",
    "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
  ]
}

data "aws_iam_policy_document" "sops_key" {
  # checkov:skip=CKV_AWS_109: a key policy's "*" resource is this key; the deploy and runtime roles are denied its administration below
  # checkov:skip=CKV_AWS_111: a key policy's "*" resource is this key; only the named encrypters encrypt
  # checkov:skip=CKV_AWS_356: a key policy's "*" resource is this key
  statement {
    sid       = "AccountAdministersThroughIAM"
    actions   = local.sops_admin_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # By ARN condition, not as a principal: the policy stays valid if the role is made again.
  statement {
    sid       = "DeployRoleDecrypts"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = [local.sops_deploy_role_arn]
    }
  }

  # `sops <file>` decrypts to edit and encrypts again: the encrypters need both.
  statement {
    sid       = "NamedEncryptersWriteTheFiles"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:PrincipalArn"
      values   = local.sops_encrypters
    }
  }

  # The deploy role's IAM policy allows kms:* (its stack's keys): here it decrypts, nothing else
  # (no key policy, no grant, no encryption of a file).
  statement {
    sid         = "DeployRoleOnlyDecrypts"
    effect      = "Deny"
    not_actions = ["kms:Decrypt", "kms:DescribeKey"]
    resources   = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = [local.sops_deploy_role_arn]
    }
  }

  # The deploy role makes the runtime roles (their trust too): none of them may use or change
  # this key, or the deploy role could re-grant itself through one.
  statement {
    sid       = "NoRuntimeRole"
    effect    = "Deny"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:PrincipalArn"
      values   = [local.runtime_role_arns]
    }
  }
}

# Rotated yearly (older key material still decrypts older files); a deletion waits 30 days, and
# prevent_destroy keeps Terraform from scheduling one: without the key no file decrypts again.
resource "aws_kms_key" "sops" {
  description             = "${var.project_name} ${var.environment}: SOPS files (secrets/${var.environment}/)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.sops_key.json

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "sops" {
  name          = "alias/${var.project_name}-${var.environment}-sops"
  target_key_id = aws_kms_key.sops.key_id
}

output "sops_key_arn" {
  description = "ARN of the environment's SOPS key (alias/<project>-<env>-sops)."
  value       = aws_kms_key.sops.arn
}
