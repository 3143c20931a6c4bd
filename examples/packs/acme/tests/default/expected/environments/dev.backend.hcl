# State of this environment under its own "<env>/" prefix of the bucket in the state account
# (bootstrap/): only this environment's CI roles (or, without CI, its account) can reach it.
# No encryption header: the bucket's default encryption (the state key, by ARN, as writers in
# other accounts need) applies and the bucket policy refuses any other.
# terraform init -backend-config=environments/<env>.backend.hcl
bucket               = "acme-shop-tfstate-999999999999"
key                  = "dev/terraform.tfstate"
workspace_key_prefix = "dev/workspaces"
region               = "eu-west-1"
use_lockfile         = true
