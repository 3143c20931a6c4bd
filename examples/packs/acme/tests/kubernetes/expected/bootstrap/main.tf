data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  partition    = data.aws_partition.current.partition
  environments = { for env in var.environments : env.name => env }

  # Who may use each environment's "<env>/" state: its deploy role (or, without CI, its account's
  # own principals) and the administrator role of its account (environment_admin_role_name), which
  # the runbooks use for a first apply by hand and to clear a stale lock. A cross-account caller
  # needs the bucket and key policies to name it. The lock files are all the plan role writes.
  state_writers = {
    for name, account in local.accounts : name => compact([
      coalesce(account.deploy_role_arn, "arn:${local.partition}:iam::${account.account_id}:root"),
      "arn:${local.partition}:iam::${account.account_id}:role/${var.environment_admin_role_name}",
    ])
  }
  state_readers = {
    for name, account in local.accounts : name => compact([account.plan_role_arn])
  }
}

################################################################################
# State, in the state account: one bucket, one "<env>/" prefix per environment (a key per root
# stack), locked with lock files. No environment identity can administer the bucket or its key:
# they live in other accounts and the policies below grant them object access to their prefix only.
################################################################################

data "aws_iam_policy_document" "state_key" {
  # checkov:skip=CKV_AWS_109: a key policy's "*" resource is this key; only the state account administers it
  # checkov:skip=CKV_AWS_111: a key policy's "*" resource is this key; environments get data-key use on their prefix only
  # checkov:skip=CKV_AWS_356: a key policy's "*" resource is this key
  statement {
    sid       = "StateAccountAdministersThroughIAM"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # S3 encrypts each object under its own ARN as encryption context (no bucket key), so an
  # environment's roles can decrypt and encrypt objects of their own prefix only.
  dynamic "statement" {
    for_each = local.environments

    content {
      sid       = "StateOf${replace(title(replace(statement.key, "-", " ")), " ", "")}"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = concat(local.state_writers[statement.key], local.state_readers[statement.key])
      }

      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:aws:s3:arn"
        values   = ["arn:${local.partition}:s3:::${var.state_bucket_name}/${statement.key}/*"]
      }
    }
  }
}

resource "aws_kms_key" "state" {
  description             = "${var.project_name}: Terraform state"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  policy = data.aws_iam_policy_document.state_key.json

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "state" {
  name          = "alias/${var.project_name}-tfstate"
  target_key_id = aws_kms_key.state.key_id
}

# Who read or wrote which state is recorded by CloudTrail (S3 data events), not server access logs.
resource "aws_s3_bucket" "state" {
  # checkov:skip=CKV_AWS_18: state access is audited with CloudTrail S3 data events; server access logs would need a second bucket
  # checkov:skip=CKV_AWS_144: versioning keeps every state revision; a cross-region replica is left to the account's backup policy
  bucket = var.state_bucket_name

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket = aws_s3_bucket.state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  # Without a bucket key, every object's ARN is its encryption context (see the key policy). The
  # backends send no encryption header: S3 applies this default, by key ARN as cross-account
  # writers need, and the bucket policy refuses any other encryption.
  rule {
    bucket_key_enabled = false

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.state.arn
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "keep-recent-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days           = 90
      newer_noncurrent_versions = 50
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_notification" "state" {
  bucket      = aws_s3_bucket.state.id
  eventbridge = true
}

data "aws_iam_policy_document" "state_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "state_access" {
  source_policy_documents = [data.aws_iam_policy_document.state_bucket.json]

  statement {
    sid       = "OnlyTheStateKey"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    # Only requests that name another encryption: the backends send none (the default applies).
    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [aws_kms_key.state.arn]
    }
  }

  statement {
    sid       = "OnlyKmsEncryption"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    # Only requests that name another encryption: the backends send none (the default applies).
    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
  }

  dynamic "statement" {
    for_each = local.environments

    content {
      sid       = "List${replace(title(replace(statement.key, "-", " ")), " ", "")}State"
      actions   = ["s3:ListBucket"]
      resources = [aws_s3_bucket.state.arn]

      principals {
        type        = "AWS"
        identifiers = concat(local.state_writers[statement.key], local.state_readers[statement.key])
      }

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["${statement.key}/*"]
      }
    }
  }

  dynamic "statement" {
    for_each = local.environments

    content {
      sid       = "Write${replace(title(replace(statement.key, "-", " ")), " ", "")}State"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = ["${aws_s3_bucket.state.arn}/${statement.key}/*"]

      principals {
        type        = "AWS"
        identifiers = local.state_writers[statement.key]
      }
    }
  }

  dynamic "statement" {
    for_each = { for name, readers in local.state_readers : name => readers if length(readers) > 0 }

    content {
      sid       = "Read${replace(title(replace(statement.key, "-", " ")), " ", "")}StateAndLockIt"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.state.arn}/${statement.key}/*"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = { for name, readers in local.state_readers : name => readers if length(readers) > 0 }

    content {
      sid       = "Lock${replace(title(replace(statement.key, "-", " ")), " ", "")}State"
      actions   = ["s3:PutObject", "s3:DeleteObject"]
      resources = [for key in var.state_keys : "${aws_s3_bucket.state.arn}/${statement.key}/${key}.tflock"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state_access.json

  depends_on = [aws_s3_bucket_public_access_block.state]
}
