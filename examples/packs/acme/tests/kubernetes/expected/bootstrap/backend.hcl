# The bootstrap's own state, in the state bucket. No encryption header: the bucket's default
# encryption (the state key, by ARN) applies and its policy refuses any other.
bucket       = "acme-payments-tfstate-999999999999"
key          = "bootstrap/terraform.tfstate"
region       = "eu-central-1"
use_lockfile = true
