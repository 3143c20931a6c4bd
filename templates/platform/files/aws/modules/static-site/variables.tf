variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "domain_name" {
  description = "Custom domain of the site (an alias of the distribution); null serves on the cloudfront.net name."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "ARN of an ACM certificate in us-east-1 covering domain_name; null uses the default CloudFront certificate."
  type        = string
  default     = null
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100 (North America, Europe), PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "content_security_policy" {
  description = "Content-Security-Policy header sent when the site does not set its own."
  type        = string
  default     = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"
}

variable "access_log_bucket" {
  description = "Name of the bucket receiving the site bucket's S3 server access logs."
  type        = string
}

variable "access_log_bucket_arn" {
  description = "ARN of the same bucket, receiving CloudFront access logs."
  type        = string
}

variable "s3_access_log_prefix" {
  description = "Key prefix of S3 server access logs in the log bucket (ends with /)."
  type        = string
  default     = "s3/"
}

variable "cloudfront_log_prefix" {
  description = "Key prefix of CloudFront access logs in the log bucket."
  type        = string
  default     = "cloudfront/"
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the site bucket with its releases in it."
  type        = bool
  default     = false
}

variable "alarm_topic_arn" {
  description = "ARN of an SNS topic in us-east-1 (where CloudFront metrics are) that alarms notify."
  type        = string
}
