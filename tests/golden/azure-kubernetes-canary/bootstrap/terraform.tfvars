project_name          = "payments"
owner                 = "payments-team"
location              = "northeurope"
state_subscription_id = "99999999-9999-4999-8999-999999999999"
state_resource_group  = "payments-tfstate"
state_storage_account = "paymentstfstateacmeplatf"
ci_provider           = "gitlab-ci"
stacks                = [".", "addons"]
repository            = "acme/platform/payments-infra"
# Protected environments apply and deploy only from their branch <prefix><env> (docs/SECURITY.md).
gitlab_deploy_branch_prefix = "deploy/"

environments = [
  { name = "staging", subscription_id = "44444444-4444-4444-8444-444444444444", location = "northeurope", protected = false },
  { name = "prod", subscription_id = "55555555-5555-4555-8555-555555555555", location = "northeurope", protected = true },
]
