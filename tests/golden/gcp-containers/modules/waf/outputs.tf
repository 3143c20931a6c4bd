output "policy_id" {
  description = "ID of the Cloud Armor security policy (attach it to backend services)."
  value       = google_compute_security_policy.this.id
}

output "policy_name" {
  description = "Name of the Cloud Armor security policy (GKE BackendConfig spec.securityPolicy.name)."
  value       = google_compute_security_policy.this.name
}
