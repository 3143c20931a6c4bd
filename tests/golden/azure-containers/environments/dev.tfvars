project_name    = "shop"
environment     = "dev"
owner           = "platform-team"
subscription_id = "11111111-1111-4111-8111-111111111111"
location        = "westeurope"
protected       = false
extra_tags      = {}

log_retention_days  = 90
alert_email         = "oncall@example.com"
deployment_strategy = "rolling"

vnet_cidr         = "10.10.0.0/16"
allowed_ip_ranges = []

dns_zone_name = "dev.shop.example.com"
domain_name   = "dev.shop.example.com"

container_registry_sku = "Standard"

container_app_cpu                 = 0.5
container_app_memory              = "1Gi"
container_app_min_replicas        = 1
container_app_max_replicas        = 3
container_app_concurrent_requests = 50

database_engine                = "postgres"
database_sku                   = "B_Standard_B1ms"
database_storage_gb            = 32
database_backup_retention_days = 7
