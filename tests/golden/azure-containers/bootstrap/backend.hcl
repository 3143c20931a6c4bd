subscription_id      = "11111111-1111-4111-8111-111111111111"
resource_group_name  = "shop-tfstate"
storage_account_name = "shoptfstateacmeshopinfra"
container_name       = "tfstate"
key                  = "bootstrap/terraform.tfstate"
use_azuread_auth     = true
