project_name = "acme-shop"
environment  = "prod"
owner        = "acme-platform"
region       = "eu-central-1"
account_id   = "222222222222"
protected    = true
extra_tags   = { cost-center = "cc-1234", data-classification = "internal" }

runtime_role_path     = "/acme-shop/runtime/"
runtime_boundary_name = "acme-shop-runtime-boundary"

log_retention_days = 731
alert_email        = "oncall@acme.example"

deployment_strategy = "rolling"

vpc_cidr = "10.30.0.0/16"
az_count = 3

hosted_zone_name = "shop.acme.example"
domain_name      = "shop.acme.example"

ecs_task_cpu    = 1024
ecs_task_memory = 2048
ecs_min_tasks   = 3
ecs_max_tasks   = 12

database_engine                   = "postgres"
database_instance_class           = "db.m7g.large"
database_allocated_storage_gb     = 100
database_max_allocated_storage_gb = 1000
database_backup_retention_days    = 35
database_performance_insights     = true
