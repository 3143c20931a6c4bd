project_name = "shop"
environment  = "prod"
owner        = "platform-team"
region       = "eu-west-1"
protected    = true
extra_tags   = {}

log_retention_days = 731
alert_email        = ""

deployment_strategy = "rolling"

vpc_cidr = "10.30.0.0/16"
az_count = 3

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
