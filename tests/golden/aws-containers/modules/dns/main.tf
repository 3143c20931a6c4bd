# The environment's public hosted zone is created by bootstrap and must be delegated before the
# first apply (docs/runbooks/bootstrap.md); this module only adds records.
data "aws_route53_zone" "this" {
  name         = var.zone_name
  private_zone = false
}

resource "aws_acm_certificate" "this" {
  region            = var.certificate_region
  domain_name       = var.domain_name
  validation_method = "DNS"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = {
    for option in aws_acm_certificate.this.domain_validation_options : option.domain_name => option
  }

  zone_id         = data.aws_route53_zone.this.zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  region                  = var.certificate_region
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]

  # The default wait is 75 minutes; the apply job is killed at 60, which would leave the state
  # lock behind. An undelegated zone never validates (hashicorp/terraform-provider-aws#13031).
  timeouts {
    create = "45m"
  }
}

resource "aws_route53_record" "alias" {
  for_each = var.alias_target == null ? toset([]) : toset(var.alias_record_types)

  zone_id = data.aws_route53_zone.this.zone_id
  name    = var.domain_name
  type    = each.value

  alias {
    name                   = var.alias_target.name
    zone_id                = var.alias_target.zone_id
    evaluate_target_health = var.alias_target.evaluate_health
  }
}
