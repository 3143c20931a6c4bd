data "azurerm_client_config" "current" {}

locals {
  # Vault names are global, 3-24 letters, digits and hyphens.
  vault_name = "${trim(substr(var.name, 0, 17), "-")}-${var.unique_suffix}"
}

# The application's secrets (third-party credentials, API keys) and the generated credentials of
# the data stores. Access is Azure RBAC only (no access policies): the application's identity
# reads (Key Vault Secrets User), the deploy identity writes (Key Vault Secrets Officer on its
# environment's resource group, granted by bootstrap/ when the stack writes credentials). Values
# set by their owners (`az keyvault secret set`) never pass through Terraform.
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

  # Every environment denies by default. No CI job needs the data plane: Terraform writes no
  # secret (Redis and PostgreSQL take Entra ID tokens, the MySQL password is set from inside the
  # network), and the plan identity holds no Key Vault data role. The application reaches the
  # vault through its private endpoint; people from a host in the network or an address in
  # allowed_ip_ranges.
  network_acls {
    default_action             = "Deny"
    bypass                     = "AzureServices"
    ip_rules                   = var.allowed_ip_ranges
    virtual_network_subnet_ids = var.allowed_subnet_ids
  }
}

resource "azurerm_role_assignment" "secrets_users" {
  for_each = var.secret_reader_principal_ids

  scope                            = azurerm_key_vault.this.id
  role_definition_name             = "Key Vault Secrets User"
  principal_id                     = each.value
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "${each.key} reads the secrets of ${var.name}"
}

################################################################################
# Private endpoint: the application reaches the vault inside the virtual network
################################################################################

resource "azurerm_private_dns_zone" "vault" {
  name                = "privatelink.vaultcore.azure.net"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "vault" {
  name                  = "${var.name}-vault"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.vault.name
  virtual_network_id    = var.virtual_network_id
  registration_enabled  = false
  tags                  = var.tags
}

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
    private_dns_zone_ids = [azurerm_private_dns_zone.vault.id]
  }
}

################################################################################
# Audit log and alerts
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
  description         = "Key Vault of ${var.name} answers less than 99% of requests for 15 minutes: the application cannot read its secrets"
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
