subscription_id     = "55555555-5555-4555-8555-555555555555"
cluster_name        = "payments-prod"
deployment_strategy = "canary"
