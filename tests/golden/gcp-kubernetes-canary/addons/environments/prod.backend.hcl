# State of this environment's add-ons, beside its main stack's (same bucket, prefix <env>/addons).
# terraform -chdir=addons init -backend-config=environments/<env>.backend.hcl
bucket = "payments-tfstate-acme-platform-payments-infra"
prefix = "prod/addons"
