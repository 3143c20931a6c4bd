# The first apply keeps this stack's state on the machine that runs it (the storage account it
# would live in does not exist yet). Right after it, move the state into the account: replace
# "local" with "azurerm" below, then
#   terraform -chdir=bootstrap init -migrate-state -backend-config=backend.hcl
# (see README.md).
terraform {
  backend "local" {}
}
