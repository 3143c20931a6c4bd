# The zone exists already (it is delegated from the parent domain once, by its owner): this
# module only adds the application's record to it.
data "google_dns_managed_zone" "this" {
  name = var.zone_name
}

resource "google_dns_record_set" "app" {
  managed_zone = data.google_dns_managed_zone.this.name
  name         = "${var.domain_name}."
  type         = "A"
  ttl          = var.ttl_seconds
  rrdatas      = [var.ip_address]

  lifecycle {
    precondition {
      condition     = endswith("${var.domain_name}.", data.google_dns_managed_zone.this.dns_name)
      error_message = "domain_name must be inside the zone's domain."
    }
  }
}
