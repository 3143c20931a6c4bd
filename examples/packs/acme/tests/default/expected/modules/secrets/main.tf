data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = coalesce(var.region, data.aws_region.current.region)
  partition  = data.aws_partition.current.partition

  # The EC2 Auto Scaling service-linked role launches the EKS nodes, whose EBS volumes use this
  # key: without these statements the instances fail ("EBS volumes are encrypted with an
  # inaccessible AWS KMS key"). Matched by aws:PrincipalArn, since a key policy naming the role
  # as principal is refused while the role does not exist yet (a new account's first node group).
  autoscaling_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
  # A for expression, not a conditional: the two statements differ in shape, and a conditional
  # between them and [] has no single type ("Inconsistent conditional result types").
  autoscaling_statements = [for statement in [
    {
      Sid       = "AutoScalingUsesTheKeyForNodeVolumes"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "kms:CallerAccount" = local.account_id }
        ArnEquals    = { "aws:PrincipalArn" = local.autoscaling_role_arn }
      }
    },
    {
      Sid       = "AutoScalingGrantsTheKeyToEc2"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "kms:CreateGrant"
      Resource  = "*"
      Condition = {
        StringEquals = { "kms:CallerAccount" = local.account_id }
        ArnEquals    = { "aws:PrincipalArn" = local.autoscaling_role_arn }
        Bool         = { "kms:GrantIsForAWSResource" = "true" }
      }
    },
  ] : statement if var.ebs_for_autoscaling]

  # EventBridge rules (the jobs' failed runs) publish to the alarm topic, which this key encrypts:
  # SNS asks KMS for a data key on EventBridge's behalf. The SNS guide says aws:SourceArn and
  # aws:SourceAccount are not supported in a key policy for EventBridge-to-encrypted-topic
  # delivery, so the statement is scoped by the topic in SNS's encryption context instead.
  eventbridge_statements = [for statement in [
    {
      Sid       = "EventBridgePublishesToEncryptedTopics"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
      Resource  = "*"
      Condition = {
        StringEquals = {
          "kms:EncryptionContext:aws:sns:topicArn" = [
            for topic in var.eventbridge_topic_names : "arn:${local.partition}:sns:${local.region}:${local.account_id}:${topic}"
          ]
        }
      }
    },
  ] : statement if length(var.eventbridge_topic_names) > 0]
}

# One customer managed key per environment: log groups, the alarm topic, secrets, the database,
# the cache and the container registry are encrypted with it, so revoking it locks everything.
resource "aws_kms_key" "this" {
  region                  = var.region
  description             = "${var.name}: logs, alarm topic, secrets and data at rest"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.key_deletion_window_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(local.autoscaling_statements, [
      {
        Sid       = "AccountAdministersThroughIAM"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
          }
        }
      },
      {
        Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ], local.eventbridge_statements)
  })
}

resource "aws_kms_alias" "this" {
  region        = var.region
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

# The application's own secrets (API keys, third-party credentials). Terraform creates the
# container only: values are put by their owners (`aws secretsmanager put-secret-value`) and
# never pass through Terraform state.
resource "aws_secretsmanager_secret" "app" {
  # checkov:skip=CKV2_AWS_57: values belong to the application team, which rotates them with the issuing third party
  count = var.create_app_secret ? 1 : 0

  region                  = var.region
  name                    = "${var.name}/app"
  description             = "Application secrets of ${var.name} (JSON object), set outside Terraform"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days
}
