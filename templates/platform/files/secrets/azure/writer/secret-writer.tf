################################################################################
# Secrets strategies `sops` and `vault`: the deploy job writes each service's secret value (from
# its SOPS file or its Vault path) into the service's Key Vault secret in this environment's
# resource group (the application's vault, and each other service's own vault).
################################################################################

# A role that sets secrets and lists their metadata, and reads none (Key Vault Secrets Officer
# would read every secret of the vault, the data stores' credentials included). Its assignment's
# description names SOPS files for both strategies: a role assignment cannot be changed in place,
# and a new text would replace the sops environments' assignment.
resource "azurerm_role_definition" "secret_writer" {
  count = var.ci_enabled ? 1 : 0

  name        = "${local.name}-secret-writer"
  scope       = azurerm_resource_group.this.id
  description = "Sets new versions of Key Vault secrets and lists their metadata; reads no value."

  permissions {
    actions = []
    data_actions = [
      "Microsoft.KeyVault/vaults/secrets/setSecret/action",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    ]
  }

  assignable_scopes = [azurerm_resource_group.this.id]
}

resource "azurerm_role_assignment" "deploy_secret_writer" {
  count = var.ci_enabled ? 1 : 0

  scope              = azurerm_resource_group.this.id
  role_definition_id = azurerm_role_definition.secret_writer[0].role_definition_resource_id
  principal_id       = var.deploy_principal_id
  principal_type     = "ServicePrincipal"
  description        = "The deploy job of ${var.environment} sets the services' secrets from their SOPS files"
}
