# Partial configuration: the bucket, key and region of each environment are in
# addons/environments/<env>.backend.hcl (key <env>/addons/terraform.tfstate, beside the main
# stack's <env>/terraform.tfstate); the S3 backend locks the state with its lock file.
terraform {
  backend "s3" {}
}
