# State of this environment in the storage account created by bootstrap/ (management
# subscription), in the environment's own container, read and written with Entra ID.
# terraform init -backend-config=environments/<env>.backend.hcl
subscription_id      = "99999999-9999-4999-8999-999999999999"
resource_group_name  = "shop-tfstate"
storage_account_name = "shoptfstateacmeshopinfra"
container_name       = "tfstate-staging"
key                  = "terraform.tfstate"
use_azuread_auth     = true
