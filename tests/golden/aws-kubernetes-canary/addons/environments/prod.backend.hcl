# State of this environment's add-ons, beside its main stack's (same bucket and "<env>/" prefix,
# which only this environment's CI roles can reach).
# terraform -chdir=addons init -backend-config=environments/<env>.backend.hcl
bucket               = "payments-tfstate-999999999999"
key                  = "prod/addons/terraform.tfstate"
workspace_key_prefix = "prod/workspaces-addons"
region               = "us-east-1"
use_lockfile         = true
