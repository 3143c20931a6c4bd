locals {
  # Registry names are global: 5-50 letters and digits.
  registry_name = "${substr(replace(var.name, "-", ""), 0, 40)}${var.unique_suffix}"
  premium       = var.sku == "Premium"
}

# One registry per environment: the pipeline builds an image once and promotes it between the
# registries (az acr import). No admin user, no anonymous pull: the pipeline pushes with its
# Entra ID identity (AcrPush through bootstrap/), the workloads pull with theirs (AcrPull).
resource "azurerm_container_registry" "this" {
  # checkov:skip=CKV_AZURE_139: the CI pipeline pushes from hosted runners without fixed addresses; every push and pull needs an Entra ID role (AcrPush, AcrPull)
  # checkov:skip=CKV_AZURE_165: one registry per environment; images are promoted between environments, not geo-replicated
  # checkov:skip=CKV_AZURE_166: images are scanned by the CI pipeline before they are pushed (quarantine needs a scanner that releases them)
  # checkov:skip=CKV_AZURE_164: image signing (Notation) is left to the application team; tags are never reused (the git SHA)
  # checkov:skip=CKV_AZURE_233: zone redundancy needs the Premium SKU: on with sku Premium (protected environments)
  # checkov:skip=CKV_AZURE_167: untagged manifests are deleted after 7 days with the Premium SKU (retention policy); Standard has no retention policy
  # checkov:skip=CKV_AZURE_163: image scanning is Microsoft Defender for Containers, a subscription-level plan (az security pricing create --name Containers --tier Standard)
  # checkov:skip=CKV_AZURE_237: dedicated data endpoints need the Premium SKU and matter with a network-restricted registry only
  name                          = local.registry_name
  location                      = var.location
  resource_group_name           = var.resource_group_name
  sku                           = var.sku
  admin_enabled                 = false
  anonymous_pull_enabled        = false
  public_network_access_enabled = true
  export_policy_enabled         = true
  zone_redundancy_enabled       = local.premium
  retention_policy_in_days      = local.premium ? 7 : null
  tags                          = var.tags
}

resource "azurerm_role_assignment" "pull" {
  for_each = var.pull_principal_ids

  scope                            = azurerm_container_registry.this.id
  role_definition_name             = "AcrPull"
  principal_id                     = each.value
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "${each.key} pulls the images of ${var.name}"
}

resource "azurerm_monitor_diagnostic_setting" "this" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_container_registry.this.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}
