################################################################################
# One environment's landing zone, in its own subscription: the resource group the root stack
# deploys into, the application's runtime identities, and the CI identities' roles, every one
# scoped to that resource group (none on the subscription but reads).
################################################################################

locals {
  name = "${var.project_name}-${var.environment}"

  # The root stack's own role assignments are made by the deploy identity, through Role Based
  # Access Control Administrator with this condition: only these roles, only to these
  # principals (the runtime identities below), never to a CI identity.
  runtime_identities    = { for key, suffix in var.runtime_identities : key => "${local.name}-${suffix}" }
  runtime_principal_ids = join(", ", [for key in sort(keys(local.runtime_identities)) : azurerm_user_assigned_identity.runtime[key].principal_id])
  assignable_role_ids   = join(", ", sort(values(var.assignable_roles)))
  assignment_condition  = <<-EOT
    (
      (
        !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
      )
      OR
      (
        @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${local.assignable_role_ids}}
        AND
        @Request[Microsoft.Authorization/roleAssignments:PrincipalId] ForAnyOfAnyValues:GuidEquals {${local.runtime_principal_ids}}
      )
    )
    AND
    (
      (
        !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
      )
      OR
      (
        @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${local.assignable_role_ids}}
        AND
        @Resource[Microsoft.Authorization/roleAssignments:PrincipalId] ForAnyOfAnyValues:GuidEquals {${local.runtime_principal_ids}}
      )
    )
  EOT

  # Blob data of the application (static site releases, function packages), no other container.
  app_blob_condition = <<-EOT
    (
      (
        !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})
        AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
        AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
        AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
      )
      OR
      (
        @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] ForAnyOfAnyValues:StringEquals {'$web', 'deployments'}
      )
    )
  EOT

  deploy_roles = merge(
    { "Contributor" = "Builds and changes the resources of ${local.name}" },
    # No Key Vault data role: the root stack writes no secret (the vault denies public access).
    var.kubernetes ? { "Azure Kubernetes Service RBAC Cluster Admin" = "Deploys to the cluster and installs its add-ons (addons/)" } : {},
  )
}

# Removing an environment from bootstrap deletes it only once it is empty: azurerm refuses to
# delete a resource group that still holds resources (prevent_deletion_if_contains_resources).
resource "azurerm_resource_group" "this" {
  name     = local.name
  location = var.location
  tags     = var.tags
}

# The deploy identity is Contributor on this resource group, and a Contributor may switch a Key
# Vault from RBAC to access policies and grant itself one (Microsoft Learn, "Azure RBAC vs. access
# policies"): it would then read every secret. The built-in policy "Azure Key Vault should use
# RBAC permission model" with effect Deny refuses that change here, and Contributor cannot remove
# a policy assignment (its NotActions exclude Microsoft.Authorization writes and deletes). A new
# assignment takes up to about 30 minutes to be enforced (Azure Policy evaluation).
resource "azurerm_resource_group_policy_assignment" "key_vault_rbac" {
  name                 = "key-vault-rbac-only"
  display_name         = format("%s: Key Vaults use the RBAC permission model", local.name)
  resource_group_id    = azurerm_resource_group.this.id
  policy_definition_id = "/providers/Microsoft.Authorization/policyDefinitions/12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5"
  enforce              = true

  parameters = jsonencode({
    effect = { value = "Deny" }
  })

  non_compliance_message {
    content = "Key Vaults here use Azure RBAC only: access policies would let a Contributor grant itself secret access."
  }
}

resource "azurerm_user_assigned_identity" "runtime" {
  for_each = local.runtime_identities

  name                = each.value
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = var.tags
}

# AKS runs its kubelet as the pre-created identity: the control plane identity must operate it.
resource "azurerm_role_assignment" "aks_kubelet_operator" {
  count = var.kubernetes ? 1 : 0

  scope                = azurerm_user_assigned_identity.runtime["kubelet"].id
  role_definition_name = "Managed Identity Operator"
  principal_id         = azurerm_user_assigned_identity.runtime["aks"].principal_id
  principal_type       = "ServicePrincipal"
  description          = "The AKS control plane of ${local.name} assigns its kubelet identity to the nodes"
}

################################################################################
# Deploy identity: the resource group only
################################################################################

resource "azurerm_role_assignment" "deploy" {
  for_each = var.ci_enabled ? local.deploy_roles : {}

  scope                = azurerm_resource_group.this.id
  role_definition_name = each.key
  principal_id         = var.deploy_principal_id
  principal_type       = "ServicePrincipal"
  description          = each.value
}

resource "azurerm_role_assignment" "deploy_grants" {
  count = var.ci_enabled && length(local.runtime_identities) > 0 ? 1 : 0

  scope                = azurerm_resource_group.this.id
  role_definition_name = "Role Based Access Control Administrator"
  principal_id         = var.deploy_principal_id
  principal_type       = "ServicePrincipal"
  condition            = local.assignment_condition
  condition_version    = "2.0"
  description          = "Grants only the roles the ${var.environment} stack assigns, to its runtime identities only"
}

resource "azurerm_role_assignment" "deploy_app_blobs" {
  count = var.ci_enabled ? 1 : 0

  scope                = azurerm_resource_group.this.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = var.deploy_principal_id
  principal_type       = "ServicePrincipal"
  condition            = local.app_blob_condition
  condition_version    = "2.0"
  description          = "Uploads static site releases and function packages of ${var.environment}"
}

# Contributor cannot set locks (Microsoft.Authorization/*/write): a role for exactly that.
resource "azurerm_role_definition" "locks" {
  count = var.ci_enabled ? 1 : 0

  name        = "${local.name}-lock-operator"
  scope       = azurerm_resource_group.this.id
  description = "Sets and removes management locks (delete protection of protected resources)."

  permissions {
    actions = [
      "Microsoft.Authorization/locks/read",
      "Microsoft.Authorization/locks/write",
      "Microsoft.Authorization/locks/delete",
    ]
  }

  assignable_scopes = [azurerm_resource_group.this.id]
}

resource "azurerm_role_assignment" "deploy_locks" {
  count = var.ci_enabled ? 1 : 0

  scope              = azurerm_resource_group.this.id
  role_definition_id = azurerm_role_definition.locks[0].role_definition_resource_id
  principal_id       = var.deploy_principal_id
  principal_type     = "ServicePrincipal"
  description        = "Sets and removes the delete locks of protected resources of ${var.environment}"
}

# The environment's public DNS zone (its own domain: the apex for the last environment, <env>.<domain>
# for the others), created here so that its name servers can be delegated before the first apply:
# Front Door validates the custom domain and issues its managed certificate only once the zone
# resolves publicly. The root stack finds it by name and writes its records.
resource "azurerm_dns_zone" "this" {
  count = var.dns_zone_name != "" ? 1 : 0

  name                = var.dns_zone_name
  resource_group_name = azurerm_resource_group.this.name
  tags                = var.tags
}

resource "azurerm_role_assignment" "deploy_dns" {
  count = var.ci_enabled && var.dns_zone_name != "" ? 1 : 0

  scope                = azurerm_dns_zone.this[0].id
  role_definition_name = "DNS Zone Contributor"
  principal_id         = var.deploy_principal_id
  principal_type       = "ServicePrincipal"
  description          = "Writes the records of ${var.dns_zone_name} for ${var.environment}"
}

################################################################################
# Plan identity: reads the subscription's resources (no data plane, no keys, no secrets)
################################################################################

resource "azurerm_role_assignment" "plan" {
  count = var.ci_enabled ? 1 : 0

  scope                = "/subscriptions/${var.subscription_id}"
  role_definition_name = "Reader"
  principal_id         = var.plan_principal_id
  principal_type       = "ServicePrincipal"
  description          = "Plans of ${var.environment} read the resources (Reader: no data plane, no list keys)"
}

# What azurerm reads besides Reader when it refreshes the resources of this stack: Container Apps
# secrets (Key Vault references only here, never values), App Service settings (identity-based
# connections, no keys) and the AKS user kubeconfig (Entra ID exec config, local accounts off:
# no credential in it). Nothing that returns a key, a password or Key Vault data.
resource "azurerm_role_definition" "plan" {
  count = var.ci_enabled ? 1 : 0

  name        = "${local.name}-plan-reader"
  scope       = azurerm_resource_group.this.id
  description = "Reads the settings Terraform refreshes that Reader does not cover; no keys, no secret values."

  permissions {
    actions = [
      "Microsoft.App/containerApps/listSecrets/action",
      "Microsoft.Web/sites/config/list/action",
      "Microsoft.Web/sites/slots/config/list/action",
      "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
    ]
  }

  assignable_scopes = [azurerm_resource_group.this.id]
}

resource "azurerm_role_assignment" "plan_settings" {
  count = var.ci_enabled ? 1 : 0

  scope              = azurerm_resource_group.this.id
  role_definition_id = azurerm_role_definition.plan[0].role_definition_resource_id
  principal_id       = var.plan_principal_id
  principal_type     = "ServicePrincipal"
  description        = "Plans of ${var.environment} refresh Container Apps and App Service settings"
}
