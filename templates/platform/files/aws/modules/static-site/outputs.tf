output "bucket_name" {
  description = "Name of the site bucket; releases are uploaded under releases/<commit>/."
  value       = aws_s3_bucket.site.id
}

output "distribution_id" {
  description = "ID of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "cloudfront.net domain name of the distribution."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_zone_id" {
  description = "Route 53 zone ID of the distribution, for alias records."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "dashboard_widgets" {
  description = "CloudWatch dashboard widgets of the distribution's health signals."
  value       = local.dashboard_widgets
}
