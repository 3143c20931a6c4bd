# Partial configuration: the storage account, container and key of each environment are in
# environments/<env>.backend.hcl (terraform init -backend-config=environments/<env>.backend.hcl).
# State is read and written with Entra ID (use_azuread_auth): the account has no shared keys.
terraform {
  backend "azurerm" {}
}
