project_name        = "acme-payments"
environment         = "staging"
owner               = "acme-platform"
region              = "eu-central-1"
account_id          = "333333333333"
deployment_strategy = "canary"
# The namespace the main stack's Pod Identity associations name (eks-cluster controllers_namespace).
controllers_namespace = "cluster-controllers"
