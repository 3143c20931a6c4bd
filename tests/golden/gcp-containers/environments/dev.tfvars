project_name = "shop"
environment  = "dev"
owner        = "platform-team"
extra_labels = {}
project_id   = "acme-shop-dev"
region       = "europe-west1"
protected    = false

log_retention_days  = 365
alert_email         = "oncall@example.com"
deployment_strategy = "rolling"

network_cidr = "10.10.0.0/16"

domain_name   = "dev.shop.example.com"
dns_zone_name = "dev-shop-example-com"

run_cpu           = "1"
run_memory        = "512Mi"
run_min_instances = 0
run_max_instances = 4

database_engine                   = "postgres"
database_tier                     = "db-custom-1-3840"
database_disk_size_gb             = 20
database_disk_autoresize_limit_gb = 100
database_backup_retention_days    = 7
database_query_insights           = false
