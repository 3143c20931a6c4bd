data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  origin_id  = "site"

  # Managed CachingOptimized cache policy.
  caching_optimized_policy_id = "658327ea-f89d-4fab-a63d-7e88639e58f6"
}

################################################################################
# Site bucket: private, versioned, read by CloudFront only (origin access control)
################################################################################

# Published web content is public by nature: SSE-S3 keeps it encrypted at rest without a KMS call
# on every CloudFront origin fetch.
resource "aws_s3_bucket" "site" {
  # checkov:skip=CKV_AWS_144: the site is rebuilt from the repository by the pipeline; a replica bucket would only add cost
  # checkov:skip=CKV_AWS_145: published web content; SSE-S3 avoids a KMS request on every origin fetch
  bucket        = "${var.name}-site-${local.account_id}"
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket = aws_s3_bucket.site.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_logging" "site" {
  bucket        = aws_s3_bucket.site.id
  target_bucket = var.access_log_bucket
  target_prefix = "${var.s3_access_log_prefix}${aws_s3_bucket.site.id}/"
}

resource "aws_s3_bucket_notification" "site" {
  bucket      = aws_s3_bucket.site.id
  eventbridge = true
}

# Releases stay until deleted; overwritten or deleted objects are kept 30 days.
resource "aws_s3_bucket_lifecycle_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    id     = "expire-overwritten-objects"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "site" {
  statement {
    sid       = "CloudFrontReadsThroughOriginAccessControl"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.site.arn, "${aws_s3_bucket.site.arn}/*"]

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

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.site.json

  depends_on = [aws_s3_bucket_public_access_block.site]
}

################################################################################
# Releases: the pipeline uploads each release under releases/<commit>/ and points the origin
# path of the distribution at it; the previous release stays in place for an instant rollback.
################################################################################

# Served until the first release is published (the origin path starts empty: the bucket root).
resource "aws_s3_object" "placeholder" {
  bucket                 = aws_s3_bucket.site.id
  key                    = "index.html"
  content                = "<!doctype html><title>${var.name}</title><p>No release has been published yet.</p>\n"
  content_type           = "text/html; charset=utf-8"
  server_side_encryption = "AES256"

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.site]
}

resource "aws_cloudfront_function" "directory_index" {
  name    = "${var.name}-directory-index"
  comment = "Serves index.html for directory paths"
  runtime = "cloudfront-js-2.0"
  publish = true
  code    = file("${path.module}/directory-index.js")
}

################################################################################
# Distribution
################################################################################

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = var.name
  description                       = "CloudFront reads the ${var.name} site bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "security" {
  name    = "${var.name}-security-headers"
  comment = "Security headers of ${var.name}"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }

    xss_protection {
      protection = true
      mode_block = true
      override   = true
    }

    content_security_policy {
      content_security_policy = var.content_security_policy
      override                = false
    }
  }
}

# The deploy pipeline owns the origin path (the release served), so Terraform ignores the origin
# after creating it: change origin settings here and in the pipeline's release switch together.
resource "aws_cloudfront_distribution" "this" {
  # checkov:skip=CKV_AWS_68: static files from S3, no application code for a web ACL to protect; attach one with web_acl_id when rate limiting is needed
  # checkov:skip=CKV2_AWS_47: no web ACL (see CKV_AWS_68)
  # checkov:skip=CKV_AWS_86: access logs use CloudFront standard logging v2 (aws_cloudwatch_log_delivery below), not the legacy logging_config
  # checkov:skip=CKV_AWS_310: one S3 origin; a failover origin would need a replica bucket in another region
  # checkov:skip=CKV_AWS_374: the site serves a worldwide audience
  # checkov:skip=CKV2_AWS_42: the default CloudFront certificate is used only until a domain is configured
  enabled             = true
  comment             = var.name
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  price_class         = var.price_class
  default_root_object = "index.html"
  aliases             = var.domain_name == null ? [] : [var.domain_name]

  origin {
    origin_id                = local.origin_id
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.caching_optimized_policy_id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.directory_index.arn
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.certificate_arn == null
    acm_certificate_arn            = var.certificate_arn
    ssl_support_method             = var.certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }

  lifecycle {
    ignore_changes = [origin]
  }
}

################################################################################
# Access logs: standard logging v2, delivered from us-east-1 (CloudFront's home) to the log bucket
################################################################################

resource "aws_cloudwatch_log_delivery_source" "access_logs" {
  region       = "us-east-1"
  name         = "${var.name}-cloudfront"
  log_type     = "ACCESS_LOGS"
  resource_arn = aws_cloudfront_distribution.this.arn
}

resource "aws_cloudwatch_log_delivery_destination" "access_logs" {
  region        = "us-east-1"
  name          = "${var.name}-cloudfront"
  output_format = "parquet"

  delivery_destination_configuration {
    destination_resource_arn = "${var.access_log_bucket_arn}/${trimsuffix(var.cloudfront_log_prefix, "/")}"
  }
}

resource "aws_cloudwatch_log_delivery" "access_logs" {
  region                   = "us-east-1"
  delivery_source_name     = aws_cloudwatch_log_delivery_source.access_logs.name
  delivery_destination_arn = aws_cloudwatch_log_delivery_destination.access_logs.arn

  s3_delivery_configuration {
    suffix_path = "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}"
  }
}

################################################################################
# Alarms (CloudFront metrics live in us-east-1) and dashboard widgets
################################################################################

resource "aws_cloudwatch_metric_alarm" "errors_5xx" {
  region              = "us-east-1"
  alarm_name          = "${var.name}-cloudfront-5xx"
  alarm_description   = "More than 5% of requests answered with 5XX for 10 minutes on ${var.name}"
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = { DistributionId = aws_cloudfront_distribution.this.id, Region = "Global" }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 5
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "errors_4xx" {
  region              = "us-east-1"
  alarm_name          = "${var.name}-cloudfront-4xx"
  alarm_description   = "More than 15% of requests answered with 4XX for 15 minutes on ${var.name}: a release with missing files?"
  namespace           = "AWS/CloudFront"
  metric_name         = "4xxErrorRate"
  dimensions          = { DistributionId = aws_cloudfront_distribution.this.id, Region = "Global" }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 15
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

locals {
  dashboard_widgets = [
    {
      type = "metric"
      properties = {
        title  = "Requests"
        region = "us-east-1"
        stat   = "Sum"
        period = 300
        metrics = [
          ["AWS/CloudFront", "Requests", "DistributionId", aws_cloudfront_distribution.this.id, "Region", "Global"],
        ]
      }
    },
    {
      type = "metric"
      properties = {
        title  = "Error rates (%)"
        region = "us-east-1"
        stat   = "Average"
        period = 300
        metrics = [
          ["AWS/CloudFront", "4xxErrorRate", "DistributionId", aws_cloudfront_distribution.this.id, "Region", "Global"],
          ["AWS/CloudFront", "5xxErrorRate", "DistributionId", aws_cloudfront_distribution.this.id, "Region", "Global"],
        ]
      }
    },
  ]
}
