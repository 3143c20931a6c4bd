bucket = "payments-tfstate-acme-platform-payments-infra"
prefix = "_bootstrap"
