project_name = "shop"
environment  = "staging"
owner        = "platform-team"
region       = "eu-west-1"
account_id   = "222222222222"
protected    = false
extra_tags   = {}

runtime_role_path     = "/shop/runtime/"
runtime_boundary_name = "shop-runtime-boundary"

log_retention_days = 365
alert_email        = "ops@example.com"

deployment_strategy = "rolling"

vpc_cidr = "10.20.0.0/16"
az_count = 3

hosted_zone_name = "staging.shop.example.com"
domain_name      = "staging.shop.example.com"

ecs_task_cpu    = 512
ecs_task_memory = 1024
ecs_min_tasks   = 2
ecs_max_tasks   = 6

database_engine                   = "postgres"
database_instance_class           = "db.t4g.medium"
database_allocated_storage_gb     = 50
database_max_allocated_storage_gb = 250
database_backup_retention_days    = 7
database_performance_insights     = true
