output "certificate_arn" {
  description = "ARN of the validated ACM certificate."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "fqdn" {
  description = "Fully qualified name of the application."
  value       = var.domain_name
}

output "zone_id" {
  description = "ID of the hosted zone the records are in."
  value       = data.aws_route53_zone.this.zone_id
}
