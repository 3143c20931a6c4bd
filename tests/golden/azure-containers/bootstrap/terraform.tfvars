project_name          = "shop"
owner                 = "platform-team"
location              = "westeurope"
state_subscription_id = "99999999-9999-4999-8999-999999999999"
state_resource_group  = "shop-tfstate"
state_storage_account = "shoptfstateacmeshopinfra"
ci_provider           = "github-actions"
stacks                = ["."]
repository            = "acme/shop-infra"
# GitHub's immutable OIDC subject repo:<owner>@<owner id>/<name>@<repository id>: with both IDs
# (gh api repos/OWNER/REPO --jq '.owner.id, .id') every CI identity also trusts it,
# in a federated credential of its own; docs/runbooks/bootstrap.md says which form the tokens carry.
github_owner_id      = ""
github_repository_id = ""

environments = [
  { name = "dev", subscription_id = "11111111-1111-4111-8111-111111111111", location = "westeurope", protected = false },
  { name = "staging", subscription_id = "22222222-2222-4222-8222-222222222222", location = "westeurope", protected = false },
  { name = "prod", subscription_id = "33333333-3333-4333-8333-333333333333", location = "westeurope", protected = true },
]
