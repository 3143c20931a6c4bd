project_name        = "payments"
environment         = "prod"
owner               = "payments-team"
region              = "us-east-1"
account_id          = "555555555555"
deployment_strategy = "canary"
# The namespace the main stack's Pod Identity associations name (eks-cluster controllers_namespace).
controllers_namespace = "cluster-controllers"
# The environment's own zone (bootstrap creates it): external-dns writes the Ingress records there.
domain_name = "payments.example.com"
