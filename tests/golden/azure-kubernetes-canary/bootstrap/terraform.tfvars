project_name          = "payments"
owner                 = "payments-team"
location              = "northeurope"
state_subscription_id = "44444444-4444-4444-8444-444444444444"
state_resource_group  = "payments-tfstate"
state_storage_account = "paymentstfstateacmeplatf"
state_container       = "tfstate"
ci_provider           = "gitlab-ci"
repository            = "acme/platform/payments-infra"

environments = [
  { name = "staging", subscription_id = "44444444-4444-4444-8444-444444444444", protected = false },
  { name = "prod", subscription_id = "44444444-4444-4444-8444-444444444444", protected = true },
]
