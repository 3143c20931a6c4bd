output "notification_channel_ids" {
  description = "Notification channels every alert policy notifies (empty without alert_email)."
  value       = local.notification_channels
}

output "notification_channel_id" {
  description = "The e-mail notification channel (projects/<project>/notificationChannels/<id>); empty without alert_email."
  value       = try(google_monitoring_notification_channel.email[0].id, "")
}

output "dashboard_name" {
  description = "Resource name of the Cloud Monitoring dashboard (gcloud monitoring dashboards describe <value>)."
  value       = google_monitoring_dashboard.this.id
}

output "error_metric_type" {
  description = "Metric type of the application error log metric."
  value       = local.error_metric_type
}
