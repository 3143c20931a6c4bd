project_name = "shop"
environment  = "prod"
owner        = "platform-team"
extra_labels = {}
project_id   = "acme-shop-prod"
region       = "europe-west1"
protected    = true

log_retention_days  = 731
alert_email         = "oncall@example.com"
deployment_strategy = "rolling"

network_cidr = "10.30.0.0/16"

domain_name   = "shop.example.com"
dns_zone_name = "shop-example-com"

run_cpu           = "2"
run_memory        = "2Gi"
run_min_instances = 2
run_max_instances = 40

database_engine                   = "postgres"
database_tier                     = "db-custom-4-15360"
database_disk_size_gb             = 100
database_disk_autoresize_limit_gb = 1000
database_backup_retention_days    = 35
database_query_insights           = true
