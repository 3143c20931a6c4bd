subscription_id     = "44444444-4444-4444-8444-444444444444"
cluster_name        = "payments-staging"
deployment_strategy = "canary"
