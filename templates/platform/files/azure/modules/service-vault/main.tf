data "azurerm_client_config" "current" {}

locals {
  # Vault names are global, 3-24 letters, digits and hyphens, starting with a letter, ending with
  # a letter or a digit, without two hyphens in a row: <17 of the name>-<6 of the suffix>.
  vault_name = "${replace(trim(substr(var.name, 0, 17), "-"), "/-+/", "-")}-${var.unique_suffix}"
}

# One service's own secrets: only that service's identity reads them (Key Vault Secrets User on
# this vault), no other identity of the application. A vault, not a role on one secret: a role
# assignment scoped to a single secret is refused by azurerm 4.55
# (hashicorp/terraform-provider-azurerm#31300). Access is Azure RBAC only (no access policies);
# the same firewall as the application's vault. Values set by their owners (`az keyvault secret
# set`, or the deploy job from the service's SOPS file / Vault path) never pass through Terraform.
resource "azurerm_key_vault" "this" {
  # checkov:skip=CKV_AZURE_189: the firewall below denies every address but allowed_ip_ranges and the workload subnet; public access stays on only so that those rules can apply
  name                          = local.vault_name
  location                      = var.location
  resource_group_name           = var.resource_group_name
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = var.purge_protection
  soft_delete_retention_days    = var.purge_protection ? 90 : 7
  public_network_access_enabled = true
  tags                          = var.tags

  network_acls {
    default_action             = "Deny"
    bypass                     = "AzureServices"
    ip_rules                   = var.allowed_ip_ranges
    virtual_network_subnet_ids = var.allowed_subnet_ids
  }
}

resource "azurerm_role_assignment" "reader" {
  scope                            = azurerm_key_vault.this.id
  role_definition_name             = "Key Vault Secrets User"
  principal_id                     = var.reader_principal_id
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "${var.service_name} reads its own secrets (${var.name})"
}

################################################################################
# Private endpoint: its A record goes into the application's privatelink zone
################################################################################

resource "azurerm_private_endpoint" "vault" {
  name                = "${var.name}-vault"
  location            = var.location
  resource_group_name = var.resource_group_name
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = "vault"
    private_connection_resource_id = azurerm_key_vault.this.id
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "vault"
    private_dns_zone_ids = [var.private_dns_zone_id]
  }
}

################################################################################
# Audit log and alert
################################################################################

resource "azurerm_monitor_diagnostic_setting" "vault" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_key_vault.this.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_metric_alert" "availability" {
  name                = "${var.name}-key-vault-availability"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_key_vault.this.id]
  description         = "Key Vault of ${var.service_name} (${var.name}) answers less than 99% of requests for 15 minutes: the service cannot read its secrets"
  severity            = 1
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.KeyVault/vaults"
    metric_name      = "Availability"
    aggregation      = "Average"
    operator         = "LessThan"
    threshold        = 99
  }

  action {
    action_group_id = var.action_group_id
  }
}
