# The environment's own public zone. It is created here, before the environment's first apply,
# because the main stack only reads it (data "aws_route53_zone") and its ACM DNS validation waits
# until the zone answers for the name; each environment account owns a distinct zone, so each one
# can be delegated (docs/runbooks/bootstrap.md, "Delegate the DNS zones").
resource "aws_route53_zone" "this" {
  # checkov:skip=CKV2_AWS_38: DNSSEC signing needs a KMS key in us-east-1 and a DS record at the parent; a decision for the domain's owner
  # checkov:skip=CKV2_AWS_39: query logging needs a log group in us-east-1; the zone holds public records only
  count = var.dns_zone_name == null ? 0 : 1

  name    = var.dns_zone_name
  comment = "${var.project_name} ${var.environment}: managed by bootstrap"
}
