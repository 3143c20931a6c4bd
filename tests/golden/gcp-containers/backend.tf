# Partial configuration: the bucket and prefix of each environment are in
# environments/<env>.backend.hcl (terraform init -backend-config=environments/<env>.backend.hcl).
# The GCS backend locks the state natively.
terraform {
  backend "gcs" {}
}
