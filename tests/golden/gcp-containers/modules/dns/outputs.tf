output "fqdn" {
  description = "Fully qualified name of the record, with the trailing dot."
  value       = google_dns_record_set.app.name
}

output "zone_dns_name" {
  description = "DNS name of the zone the record is in."
  value       = data.google_dns_managed_zone.this.dns_name
}
