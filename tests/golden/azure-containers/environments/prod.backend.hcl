# State of this environment in the storage account created by bootstrap/ (one key per
# environment), read and written with Entra ID.
# terraform init -backend-config=environments/<env>.backend.hcl
subscription_id      = "11111111-1111-4111-8111-111111111111"
resource_group_name  = "shop-tfstate"
storage_account_name = "shoptfstateacmeshopinfra"
container_name       = "tfstate"
key                  = "prod/terraform.tfstate"
use_azuread_auth     = true
