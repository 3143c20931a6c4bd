project_name    = "shop"
environment     = "staging"
owner           = "platform-team"
subscription_id = "22222222-2222-4222-8222-222222222222"
location        = "westeurope"
protected       = false
extra_tags      = {}

log_retention_days  = 90
alert_email         = "oncall@example.com"
deployment_strategy = "rolling"

vnet_cidr         = "10.20.0.0/16"
allowed_ip_ranges = []

dns_zone_name = "staging.shop.example.com"
domain_name   = "staging.shop.example.com"

container_registry_sku = "Standard"

container_app_cpu                 = 1.0
container_app_memory              = "2Gi"
container_app_min_replicas        = 2
container_app_max_replicas        = 6
container_app_concurrent_requests = 50

database_engine                = "postgres"
database_sku                   = "GP_Standard_D2ads_v5"
database_storage_gb            = 64
database_backup_retention_days = 7
