# Cluster add-ons of this environment: its state container, its own key.
# terraform -chdir=addons init -backend-config=environments/<env>.backend.hcl
subscription_id      = "99999999-9999-4999-8999-999999999999"
resource_group_name  = "payments-tfstate"
storage_account_name = "paymentstfstateacmeplatf"
container_name       = "tfstate-prod"
key                  = "addons.tfstate"
use_azuread_auth     = true
