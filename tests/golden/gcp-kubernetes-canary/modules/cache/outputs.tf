output "instance_name" {
  description = "Name of the Memorystore instance."
  value       = google_redis_instance.this.name
}

output "host" {
  description = "Private IP address of the instance."
  value       = google_redis_instance.this.host
}

output "port" {
  description = "TLS port of the instance."
  value       = google_redis_instance.this.port
}

output "app_environment" {
  description = "Connection settings for the application's environment; REDIS_CA_CERT is the certificate authority TLS clients verify the server with."
  value = {
    REDIS_HOST    = google_redis_instance.this.host
    REDIS_PORT    = tostring(google_redis_instance.this.port)
    REDIS_TLS     = "true"
    REDIS_CA_CERT = google_redis_instance.this.server_ca_certs[0].cert
  }
}

output "dashboard_widgets" {
  description = "Cloud Monitoring dashboard widgets of the cache's health signals."
  value       = local.dashboard_widgets
}
