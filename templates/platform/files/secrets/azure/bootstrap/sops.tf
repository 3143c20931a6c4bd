################################################################################
# Secrets strategy `sops`: the environment's SOPS key, in a vault of its own that holds this key
# only (no secret), in a resource group of its own where the CI identities hold no control-plane
# role: the deploy identity may only encrypt and decrypt with the key (Key Vault Crypto User on
# the key itself), the plan identity nothing (Reader has no data action). Key Vault's data plane
# is reachable from the hosted runners' addresses, like AWS KMS and Cloud KMS: what protects the
# key is Entra ID and these role assignments; the key material never leaves the vault.
################################################################################

data "azurerm_client_config" "current" {}

locals {
  # Vault names are global, 3-24 letters, digits and hyphens: <12 of the name>-sops-<6 of the
  # subscription ID>; .sops.yaml names the same vault.
  sops_vault_name = "${trim(substr(local.name, 0, 12), "-")}-sops-${substr(lower(var.subscription_id), 0, 6)}"
}

resource "azurerm_resource_group" "sops" {
  name     = "${local.name}-sops"
  location = var.location
  tags     = var.tags
}

# Whoever runs bootstrap creates the key (data plane): Key Vault Crypto Officer on this group
# only, kept so that the administrators can rotate the key and grant people encrypt rights.
resource "azurerm_role_assignment" "sops_admin" {
  scope                = azurerm_resource_group.sops.id
  role_definition_name = "Key Vault Crypto Officer"
  principal_id         = data.azurerm_client_config.current.object_id
  description          = "Bootstrap's administrator manages the SOPS key of ${var.environment}"
}

resource "azurerm_key_vault" "sops" {
  # checkov:skip=CKV_AZURE_109: GitHub/GitLab hosted runners have no fixed address; access is Entra ID + the key-scoped roles below, as for AWS KMS and Cloud KMS
  # checkov:skip=CKV_AZURE_189: same reason: the deploy job reaches the key over the public endpoint; the vault holds one non-exportable key and no secret
  # checkov:skip=CKV2_AZURE_32: a private endpoint would be unreachable from hosted runners; nothing in this vault is readable data
  name                          = local.sops_vault_name
  location                      = azurerm_resource_group.sops.location
  resource_group_name           = azurerm_resource_group.sops.name
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "premium"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = true
  tags                          = var.tags

  network_acls {
    default_action = "Allow"
    bypass         = "None"
  }
}

# RSA-HSM, encrypt and decrypt only (what sops's azure_keyvault master key calls). Rotated yearly:
# a new version encrypts new files; the older versions stay enabled, so files encrypted with
# them still decrypt (sops records the version it used in each file).
resource "azurerm_key_vault_key" "sops" {
  # checkov:skip=CKV_AZURE_40: each file names the key version it was encrypted with, which must keep working as long as a file uses it; the rotation policy below makes a new version every year instead of an end date
  name         = "sops"
  key_vault_id = azurerm_key_vault.sops.id
  key_type     = "RSA-HSM"
  key_size     = 3072
  key_opts     = ["encrypt", "decrypt"]
  tags         = var.tags

  rotation_policy {
    automatic {
      time_after_creation = "P365D"
    }
  }

  depends_on = [azurerm_role_assignment.sops_admin]
}

resource "azurerm_role_assignment" "deploy_sops" {
  count = var.ci_enabled ? 1 : 0

  scope                = azurerm_key_vault_key.sops.resource_versionless_id
  role_definition_name = "Key Vault Crypto User"
  principal_id         = var.deploy_principal_id
  principal_type       = "ServicePrincipal"
  description          = "The deploy job of ${var.environment} decrypts its SOPS files with this key only"
}

output "sops_key_url" {
  description = "Key of the environment's SOPS files (.sops.yaml azure_keyvault, versionless: sops 3.11+ encrypts with its latest version)."
  value       = "${azurerm_key_vault.sops.vault_uri}keys/${azurerm_key_vault_key.sops.name}/"
}
