bucket = "shop-tfstate-acme-shop-infra"
prefix = "_bootstrap"
