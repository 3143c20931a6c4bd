output "bucket_name" {
  description = "Name of the access-log bucket (available once its policy lets log delivery write)."
  value       = aws_s3_bucket_policy.this.bucket
}

output "bucket_arn" {
  description = "ARN of the access-log bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_domain_name" {
  description = "Regional domain name of the access-log bucket."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "alb_prefix" {
  description = "Key prefix load balancers write their access logs under."
  value       = "alb"
}

output "s3_prefix" {
  description = "Key prefix S3 server access logs are written under."
  value       = "s3/"
}

output "cloudfront_prefix" {
  description = "Key prefix CloudFront access logs are written under."
  value       = "cloudfront/"
}
