project_name = "acme-payments"
environment  = "prod"
owner        = "acme-platform"
region       = "eu-central-1"
account_id   = "444444444444"
protected    = true
extra_tags   = { cost-center = "cc-4242", data-classification = "confidential" }

runtime_role_path     = "/acme-payments/runtime/"
runtime_boundary_name = "acme-payments-runtime-boundary"

log_retention_days = 731
alert_email        = "oncall@acme.example"

deployment_strategy = "canary"

vpc_cidr = "10.50.0.0/16"
az_count = 3

hosted_zone_name = "payments.acme.example"
domain_name      = "payments.acme.example"

eks_node_instance_types  = ["m7i.xlarge"]
eks_node_min             = 3
eks_node_desired         = 3
eks_node_max             = 12
eks_admin_role_names     = ["acme-payments-prod-ci-deploy"]
eks_viewer_role_names    = ["acme-payments-prod-ci-plan"]
eks_creator_admin_access = false

database_engine                   = "mysql"
database_instance_class           = "db.m7g.large"
database_allocated_storage_gb     = 100
database_max_allocated_storage_gb = 1000
database_backup_retention_days    = 35
database_performance_insights     = true

cache_node_type = "cache.m7g.large"
cache_nodes     = 2
