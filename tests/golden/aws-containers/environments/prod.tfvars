project_name = "shop"
environment  = "prod"
owner        = "platform-team"
region       = "eu-west-1"
account_id   = "333333333333"
protected    = true
extra_tags   = {}

runtime_role_path     = "/shop/runtime/"
runtime_boundary_name = "shop-runtime-boundary"

log_retention_days = 731
alert_email        = "ops@example.com"

deployment_strategy = "rolling"

vpc_cidr = "10.30.0.0/16"
az_count = 3

hosted_zone_name = "shop.example.com"
domain_name      = "shop.example.com"

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
