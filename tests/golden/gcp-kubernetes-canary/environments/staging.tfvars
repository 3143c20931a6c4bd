project_name = "payments"
environment  = "staging"
owner        = "payments-team"
extra_labels = {}
project_id   = "acme-payments-staging"
region       = "us-central1"
protected    = false

log_retention_days  = 365
alert_email         = "oncall@example.com"
deployment_strategy = "canary"

network_cidr = "10.40.0.0/16"

domain_name   = "staging.payments.example.com"
dns_zone_name = "staging-payments-example-com"

gke_machine_type = "e2-standard-4"
gke_zone_count   = 3
gke_node_min     = 3
gke_node_max     = 6

database_engine                   = "mysql"
database_tier                     = "db-custom-2-7680"
database_disk_size_gb             = 50
database_disk_autoresize_limit_gb = 250
database_backup_retention_days    = 7
database_query_insights           = true

cache_memory_gb = 2
