# State of this environment in the storage account created by bootstrap/ (one key per
# environment), read and written with Entra ID.
# terraform init -backend-config=environments/<env>.backend.hcl
subscription_id      = "44444444-4444-4444-8444-444444444444"
resource_group_name  = "payments-tfstate"
storage_account_name = "paymentstfstateacmeplatf"
container_name       = "tfstate"
key                  = "prod/terraform.tfstate"
use_azuread_auth     = true
