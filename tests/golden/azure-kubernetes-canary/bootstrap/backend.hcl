subscription_id      = "44444444-4444-4444-8444-444444444444"
resource_group_name  = "payments-tfstate"
storage_account_name = "paymentstfstateacmeplatf"
container_name       = "tfstate"
key                  = "bootstrap/terraform.tfstate"
use_azuread_auth     = true
