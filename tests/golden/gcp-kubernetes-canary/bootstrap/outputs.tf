output "state_bucket" {
  description = "Bucket holding the state of every environment (<env>/default.tfstate), in the state project."
  value       = google_storage_bucket.state.name
}

output "state_kms_key" {
  description = "Cloud KMS key encrypting the state bucket."
  value       = google_kms_crypto_key.state.id
}

output "workload_identity_provider" {
  description = "Full resource name of the CI identity provider (projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>): the GCP_WORKLOAD_IDENTITY_PROVIDER variable of every environment; null when ci_provider is none."
  value       = one(google_iam_workload_identity_pool_provider.ci[*].name)
}

output "ci_service_accounts" {
  description = "Deploy service account of each environment (environment => e-mail), in the state project: the GCP_SERVICE_ACCOUNT variable of the environment in the CI system."
  value       = { for name, account in google_service_account.deploy : name => account.email }
}

output "plan_service_accounts" {
  description = "Read-only plan service account of each environment (environment => e-mail), in the state project: the identity of the plan jobs, which run without a CI environment."
  value       = { for name, account in google_service_account.plan : name => account.email }
}

output "runtime_service_accounts" {
  description = "Runtime service accounts of each environment (<env>/<suffix> => e-mail): the only ones its deploy identity may act as."
  value       = { for key, account in google_service_account.runtime : key => account.email }
}

output "dns_name_servers" {
  description = "Name servers of each environment's Cloud DNS zone (environment => list): delegate each zone from its parent before the environment's first apply (docs/runbooks/bootstrap.md)."
  value       = { for name, zone in google_dns_managed_zone.environment : name => zone.name_servers }
}
