project_name    = "payments"
environment     = "staging"
owner           = "payments-team"
subscription_id = "44444444-4444-4444-8444-444444444444"
location        = "northeurope"
protected       = false
extra_tags      = {}

log_retention_days  = 90
alert_email         = "oncall@example.com"
deployment_strategy = "canary"

vnet_cidr         = "10.40.0.0/16"
allowed_ip_ranges = []

dns_zone_name = "staging.payments.example.com"
domain_name   = "staging.payments.example.com"

container_registry_sku = "Standard"

aks_system_vm_size         = "Standard_D2ds_v5"
aks_node_vm_size           = "Standard_D4ds_v5"
aks_node_min               = 2
aks_node_max               = 6
aks_admin_group_object_ids = []
aks_creator_admin_access   = false

database_engine                = "mysql"
database_sku                   = "GP_Standard_D2ads_v5"
database_storage_gb            = 64
database_backup_retention_days = 7

cache_sku = "Balanced_B1"
