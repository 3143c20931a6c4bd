subscription_id      = "99999999-9999-4999-8999-999999999999"
resource_group_name  = "payments-tfstate"
storage_account_name = "paymentstfstateacmeplatf"
container_name       = "bootstrap"
key                  = "terraform.tfstate"
use_azuread_auth     = true
