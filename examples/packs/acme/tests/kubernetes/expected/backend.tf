# Partial configuration: the bucket, key and region of each environment are in
# environments/<env>.backend.hcl (terraform init -backend-config=environments/<env>.backend.hcl).
terraform {
  backend "s3" {}
}
