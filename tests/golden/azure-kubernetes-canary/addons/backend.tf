# The environment's state container, key addons.tfstate (environments/<env>.backend.hcl).
terraform {
  backend "azurerm" {}
}
