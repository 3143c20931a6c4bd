output "web_acl_arn" {
  description = "ARN of the regional web ACL, to associate with load balancers."
  value       = aws_wafv2_web_acl.this.arn
}
