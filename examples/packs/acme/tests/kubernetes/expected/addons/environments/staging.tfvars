project_name        = "acme-payments"
environment         = "staging"
owner               = "acme-platform"
region              = "eu-central-1"
account_id          = "333333333333"
deployment_strategy = "canary"
# The namespace the main stack's Pod Identity associations name (eks-cluster controllers_namespace).
controllers_namespace = "cluster-controllers"
# The environment's own zone (bootstrap creates it): external-dns writes the Ingress records there.
domain_name = "staging.payments.acme.example"
