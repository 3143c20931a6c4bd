################################################################################
# Region policy: the built-in Azure Policy "Allowed locations" assigned to every environment's
# subscription allows only the regions the environments use (docs/region-policy.md). The
# definition exempts resource groups and global resources (Front Door, DNS zones); it denies
# creating or updating anything else elsewhere. Assigning it needs Resource Policy Contributor
# (Owner has it) on each subscription.
################################################################################

locals {
  allowed_locations_policy = "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c"
  allowed_locations        = ["northeurope"]
}

resource "azurerm_subscription_policy_assignment" "allowed_locations_staging" {
  provider = azurerm.env1

  name                 = "allowed-locations"
  display_name         = format("%s: allowed locations", var.project_name)
  subscription_id      = "/subscriptions/${local.environments["staging"].subscription_id}"
  policy_definition_id = local.allowed_locations_policy
  enforce              = true

  parameters = jsonencode({
    listOfAllowedLocations = { value = local.allowed_locations }
  })

  non_compliance_message {
    content = "Only the regions of docs/region-policy.md are allowed: a new region needs legal and security sign-off."
  }
}

resource "azurerm_subscription_policy_assignment" "allowed_locations_prod" {
  provider = azurerm.env2

  name                 = "allowed-locations"
  display_name         = format("%s: allowed locations", var.project_name)
  subscription_id      = "/subscriptions/${local.environments["prod"].subscription_id}"
  policy_definition_id = local.allowed_locations_policy
  enforce              = true

  parameters = jsonencode({
    listOfAllowedLocations = { value = local.allowed_locations }
  })

  non_compliance_message {
    content = "Only the regions of docs/region-policy.md are allowed: a new region needs legal and security sign-off."
  }
}
