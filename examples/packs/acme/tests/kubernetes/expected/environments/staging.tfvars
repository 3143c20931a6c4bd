project_name = "acme-payments"
environment  = "staging"
owner        = "acme-platform"
region       = "eu-central-1"
account_id   = "333333333333"
protected    = false
extra_tags   = { cost-center = "cc-4242", data-classification = "confidential" }

runtime_role_path     = "/acme-payments/runtime/"
runtime_boundary_name = "acme-payments-runtime-boundary"

log_retention_days = 365
alert_email        = "oncall@acme.example"

deployment_strategy = "canary"

vpc_cidr = "10.40.0.0/16"
az_count = 3

hosted_zone_name = "staging.payments.acme.example"
domain_name      = "staging.payments.acme.example"

eks_node_instance_types  = ["m7i.large"]
eks_node_min             = 2
eks_node_desired         = 3
eks_node_max             = 6
eks_admin_role_names     = ["acme-payments-staging-ci-deploy"]
eks_viewer_role_names    = ["acme-payments-staging-ci-plan"]
eks_creator_admin_access = false

database_engine                   = "mysql"
database_instance_class           = "db.t4g.medium"
database_allocated_storage_gb     = 50
database_max_allocated_storage_gb = 250
database_backup_retention_days    = 7
database_performance_insights     = true

cache_node_type = "cache.t4g.small"
cache_nodes     = 2
