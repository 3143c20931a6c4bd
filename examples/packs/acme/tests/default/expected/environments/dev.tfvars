project_name = "acme-shop"
environment  = "dev"
owner        = "acme-platform"
region       = "eu-west-1"
account_id   = "111111111111"
protected    = false
extra_tags   = { cost-center = "cc-1234", data-classification = "internal" }

runtime_role_path     = "/acme-shop/runtime/"
runtime_boundary_name = "acme-shop-runtime-boundary"

log_retention_days = 365
alert_email        = "oncall@acme.example"

deployment_strategy = "rolling"

vpc_cidr = "10.10.0.0/16"
az_count = 2

hosted_zone_name = "dev.shop.acme.example"
domain_name      = "dev.shop.acme.example"

ecs_task_cpu    = 256
ecs_task_memory = 512
ecs_min_tasks   = 1
ecs_max_tasks   = 3

database_engine                   = "postgres"
database_instance_class           = "db.t4g.micro"
database_allocated_storage_gb     = 20
database_max_allocated_storage_gb = 100
database_backup_retention_days    = 7
database_performance_insights     = false
