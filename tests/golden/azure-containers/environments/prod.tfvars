project_name    = "shop"
environment     = "prod"
owner           = "platform-team"
subscription_id = "33333333-3333-4333-8333-333333333333"
location        = "westeurope"
protected       = true
extra_tags      = {}

log_retention_days  = 365
alert_email         = "oncall@example.com"
deployment_strategy = "rolling"

vnet_cidr         = "10.30.0.0/16"
allowed_ip_ranges = []

dns_zone_name = "shop.example.com"
domain_name   = "shop.example.com"

container_registry_sku = "Premium"

container_app_cpu                 = 2.0
container_app_memory              = "4Gi"
container_app_min_replicas        = 3
container_app_max_replicas        = 12
container_app_concurrent_requests = 100

database_engine                = "postgres"
database_sku                   = "GP_Standard_D4ads_v5"
database_storage_gb            = 128
database_backup_retention_days = 35
