project_name = "shop"
environment  = "staging"
owner        = "platform-team"
extra_labels = {}
project_id   = "acme-shop-staging"
region       = "europe-west1"
protected    = false

log_retention_days  = 365
alert_email         = "oncall@example.com"
deployment_strategy = "rolling"

network_cidr = "10.20.0.0/16"

domain_name   = "staging.shop.example.com"
dns_zone_name = "staging-shop-example-com"

run_cpu           = "1"
run_memory        = "1Gi"
run_min_instances = 1
run_max_instances = 10

database_engine                   = "postgres"
database_tier                     = "db-custom-2-7680"
database_disk_size_gb             = 50
database_disk_autoresize_limit_gb = 250
database_backup_retention_days    = 7
database_query_insights           = true
