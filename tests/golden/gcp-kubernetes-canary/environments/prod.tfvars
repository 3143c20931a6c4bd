project_name = "payments"
environment  = "prod"
owner        = "payments-team"
extra_labels = {}
project_id   = "acme-payments-prod"
region       = "us-central1"
protected    = true

log_retention_days  = 731
alert_email         = "oncall@example.com"
deployment_strategy = "canary"

network_cidr = "10.50.0.0/16"

domain_name   = "payments.example.com"
dns_zone_name = "payments-example-com"

gke_machine_type = "n2-standard-4"
gke_zone_count   = 3
gke_node_min     = 3
gke_node_max     = 12

database_engine                   = "mysql"
database_tier                     = "db-custom-4-15360"
database_disk_size_gb             = 100
database_disk_autoresize_limit_gb = 1000
database_backup_retention_days    = 35
database_query_insights           = true

cache_memory_gb = 5
