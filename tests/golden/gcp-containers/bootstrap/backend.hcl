bucket = "shop-tfstate-acme-shop-infra"
prefix = "bootstrap"
