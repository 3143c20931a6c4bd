# Partial configuration: the bucket and prefix of each environment are in
# addons/environments/<env>.backend.hcl (<env>/addons, beside the main stack's <env>); the GCS
# backend locks the state natively.
terraform {
  backend "gcs" {}
}
