################################################################################
# Secrets strategy `sops`: per environment, the Cloud KMS key that encrypts its files
# secrets/<env>/<service>.sops.json (the `gcp_kms` rule of .sops.yaml), in the environment's own
# project and region. Created here, not in the environment's stack: the files in the repository
# outlive any one apply, so destroying and re-creating an environment never destroys the key
# that decrypts them, nor collides with it (Cloud KMS keeps a key ring's and a key's name
# forever: Terraform's destroy only forgets a key ring and destroys a key's versions).
################################################################################

variable "sops_encrypters" {
  description = "Members (user:, group:) who write the SOPS files, by environment name: roles/cloudkms.cryptoKeyEncrypter on that environment's key only (decrypting stays the deploy identity's)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.sops_encrypters) : contains([for env in var.environments : env.name], name)])
    error_message = "sops_encrypters may name only environments of var.environments."
  }
}

locals {
  sops_projects = distinct([for env in var.environments : env.project_id])
  sops_encrypters = merge([
    for name, members in var.sops_encrypters : { for member in members : "${name} ${member}" => { env = name, member = member } }
  ]...)
}

# The environments' projects call Cloud KMS only for these keys: the API is enabled with the others.
resource "google_project_service" "sops_kms" {
  for_each = toset(local.sops_projects)

  project                    = each.value
  service                    = "cloudkms.googleapis.com"
  disable_on_destroy         = false
  disable_dependent_services = false
}

resource "google_kms_key_ring" "sops" {
  for_each = local.environments

  project  = each.value.project_id
  name     = "${var.project_name}-${each.key}-sops"
  location = each.value.region

  depends_on = [google_project_service.sops_kms]

  lifecycle {
    prevent_destroy = true
  }
}

# Rotated every 90 days: new files use the new version, older versions still decrypt older files.
# A destroyed version stays recoverable for 30 days. prevent_destroy: destroying the key would
# destroy every version, and no file of the environment would decrypt again.
resource "google_kms_crypto_key" "sops" {
  for_each = local.environments

  name                       = "sops"
  key_ring                   = google_kms_key_ring.sops[each.key].id
  purpose                    = "ENCRYPT_DECRYPT"
  rotation_period            = "7776000s"
  destroy_scheduled_duration = "2592000s"

  lifecycle {
    prevent_destroy = true
  }
}

# The environment's deploy identity decrypts with its own environment's key, and no other key;
# the plan identity with none.
resource "google_kms_crypto_key_iam_member" "sops_deploy" {
  for_each = local.ci_environments

  crypto_key_id = google_kms_crypto_key.sops[each.key].id
  role          = "roles/cloudkms.cryptoKeyDecrypter"
  member        = google_service_account.deploy[each.key].member
}

resource "google_kms_crypto_key_iam_member" "sops_encrypters" {
  for_each = local.sops_encrypters

  crypto_key_id = google_kms_crypto_key.sops[each.value.env].id
  role          = "roles/cloudkms.cryptoKeyEncrypter"
  member        = each.value.member
}

output "sops_kms_keys" {
  description = "Cloud KMS key of each environment's SOPS files (the gcp_kms of its .sops.yaml rule)."
  value       = { for name, key in google_kms_crypto_key.sops : name => key.id }
}
