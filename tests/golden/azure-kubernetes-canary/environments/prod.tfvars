project_name    = "payments"
environment     = "prod"
owner           = "payments-team"
subscription_id = "55555555-5555-4555-8555-555555555555"
location        = "northeurope"
protected       = true
extra_tags      = {}

log_retention_days  = 365
alert_email         = "oncall@example.com"
deployment_strategy = "canary"

vnet_cidr         = "10.50.0.0/16"
allowed_ip_ranges = []

dns_zone_name = "payments.example.com"
domain_name   = "payments.example.com"

container_registry_sku = "Premium"

aks_system_vm_size         = "Standard_D4ds_v5"
aks_node_vm_size           = "Standard_D8ds_v5"
aks_node_min               = 3
aks_node_max               = 12
aks_admin_group_object_ids = []
aks_creator_admin_access   = false

database_engine                = "mysql"
database_sku                   = "GP_Standard_D4ads_v5"
database_storage_gb            = 128
database_backup_retention_days = 35

cache_sku = "Balanced_B3"
