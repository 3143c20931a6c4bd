################################################################################
# CI identity: per environment, a deploy identity (plan, apply, deploy) and a read-only plan
# identity (pull/merge request plans): user-assigned managed identities trusted through
# federated credentials by the CI system's OIDC tokens. No client secrets anywhere.
################################################################################

locals {
  ci_enabled = var.ci_provider != "none"
  github     = var.ci_provider == "github-actions"

  issuer   = local.github ? "https://token.actions.githubusercontent.com" : var.gitlab_url
  audience = "api://AzureADTokenExchange"

  # GitHub: the job's environment is in the subject, so each identity trusts one environment; PR
  # plans run in the "<env>-plan" environments. GitLab subjects name the ref, not the environment,
  # and Entra ID matches subjects exactly (no wildcards): deploy and plan identities trust the
  # protected default branch; environment-scoped variables and protected environments keep one
  # environment's identity out of another's jobs.
  deploy_subjects = {
    for name, env in local.environments : name => (
      local.github
      ? "repo:${var.repository}:environment:${name}"
      : "project_path:${var.repository}:ref_type:branch:ref:${var.default_branch}"
    )
  }
  plan_subjects = {
    for name, env in local.environments : name => (
      local.github
      ? "repo:${var.repository}:environment:${name}-plan"
      : "project_path:${var.repository}:ref_type:branch:ref:${var.default_branch}"
    )
  }

  ci_environments = local.ci_enabled ? local.environments : {}

  # Roles the root stack assigns to the identities it creates: the deploy identity may grant
  # these, to managed identities only, and no others (Role Based Access Control Administrator
  # with a condition).
  assignable_roles = {
    "AcrPull"                        = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
    "Key Vault Secrets User"         = "4633458b-17de-408a-b874-0445c86b69e6"
    "Monitoring Metrics Publisher"   = "3913510d-42f4-4e42-8a64-420c390055eb"
    "Network Contributor"            = "4d97b98b-1d4f-4787-a291-c67834d212e7"
    "Storage Blob Data Owner"        = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
    "Storage Queue Data Contributor" = "974c5e8b-45b9-4653-ba55-5f855dd0fb88"
    "Storage Table Data Contributor" = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"
  }
  assignable_role_guids = join(", ", values(local.assignable_roles))
  assignment_condition  = <<-EOT
    (
      (
        !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
      )
      OR
      (
        @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${local.assignable_role_guids}}
        AND
        @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}
      )
    )
    AND
    (
      (
        !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
      )
      OR
      (
        @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${local.assignable_role_guids}}
      )
    )
  EOT

  # Blob data of the application (static site releases, function packages) but no other container.
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

  # Every identity reaches its own environment's state key only: blob operations on
  # <env>/..., listings (workspaces) under the prefix <env>/.
  state_conditions = {
    for name, env in local.environments : name => <<-EOT
      (
        (
          !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND SubOperationMatches{'Blob.List'})
        )
        OR
        (
          @Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] StringStartsWith '${name}/'
        )
      )
      AND
      (
        (
          !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})
          AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
          AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
          AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
        )
        OR
        (
          @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringLike '${name}/*'
        )
      )
    EOT
  }

  deploy_roles = {
    for pair in setproduct(keys(local.ci_environments), [
      "Contributor",
      "Key Vault Secrets Officer",
      "Azure Kubernetes Service RBAC Cluster Admin",
    ]) : "${pair[0]}/${pair[1]}" => { environment = pair[0], role = pair[1] }
  }
  plan_roles = {
    for pair in setproduct(keys(local.ci_environments), [
      "Reader",
      "Key Vault Secrets User",
    ]) : "${pair[0]}/${pair[1]}" => { environment = pair[0], role = pair[1] }
  }
}

resource "azurerm_user_assigned_identity" "deploy" {
  for_each = local.ci_environments

  name                = "${var.project_name}-${each.key}-ci"
  location            = azurerm_resource_group.state.location
  resource_group_name = azurerm_resource_group.state.name
  tags                = merge(local.tags, { environment = each.key })

  lifecycle {
    precondition {
      condition     = var.repository != ""
      error_message = "repository must be set when ci_provider is not none."
    }
  }
}

resource "azurerm_federated_identity_credential" "deploy" {
  for_each = local.ci_environments

  name                = "${var.ci_provider}-${each.key}"
  resource_group_name = azurerm_resource_group.state.name
  parent_id           = azurerm_user_assigned_identity.deploy[each.key].id
  issuer              = local.issuer
  subject             = local.deploy_subjects[each.key]
  audience            = [local.audience]
}

resource "azurerm_user_assigned_identity" "plan" {
  for_each = local.ci_environments

  name                = "${var.project_name}-${each.key}-ci-plan"
  location            = azurerm_resource_group.state.location
  resource_group_name = azurerm_resource_group.state.name
  tags                = merge(local.tags, { environment = each.key })
}

resource "azurerm_federated_identity_credential" "plan" {
  for_each = local.ci_environments

  name                = "${var.ci_provider}-${each.key}-plan"
  resource_group_name = azurerm_resource_group.state.name
  parent_id           = azurerm_user_assigned_identity.plan[each.key].id
  issuer              = local.issuer
  subject             = local.plan_subjects[each.key]
  audience            = [local.audience]
}

################################################################################
# Deploy identity: builds and changes its environment's subscription; grants only the roles the
# stack needs; its own state key only
################################################################################

resource "azurerm_role_assignment" "deploy" {
  for_each = local.deploy_roles

  scope                = "/subscriptions/${local.environments[each.value.environment].subscription_id}"
  role_definition_name = each.value.role
  principal_id         = azurerm_user_assigned_identity.deploy[each.value.environment].principal_id
  principal_type       = "ServicePrincipal"
  description          = "CI deploy identity of ${var.project_name} ${each.value.environment} (${var.repository})"
}

resource "azurerm_role_assignment" "deploy_grants" {
  for_each = local.ci_environments

  scope                = "/subscriptions/${each.value.subscription_id}"
  role_definition_name = "Role Based Access Control Administrator"
  principal_id         = azurerm_user_assigned_identity.deploy[each.key].principal_id
  principal_type       = "ServicePrincipal"
  condition            = local.assignment_condition
  condition_version    = "2.0"
  description          = "Grants only the roles the ${each.key} stack assigns to its own identities"
}

resource "azurerm_role_assignment" "deploy_app_blobs" {
  for_each = local.ci_environments

  scope                = "/subscriptions/${each.value.subscription_id}"
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.deploy[each.key].principal_id
  principal_type       = "ServicePrincipal"
  condition            = local.app_blob_condition
  condition_version    = "2.0"
  description          = "Uploads static site releases and function packages of ${each.key}"
}

resource "azurerm_role_assignment" "deploy_locks" {
  for_each = local.ci_environments

  scope              = "/subscriptions/${each.value.subscription_id}"
  role_definition_id = azurerm_role_definition.locks[each.key].role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.deploy[each.key].principal_id
  principal_type     = "ServicePrincipal"
  description        = "Sets and removes the delete locks of protected resources of ${each.key}"
}

resource "azurerm_role_assignment" "deploy_state" {
  for_each = local.ci_environments

  scope                = azurerm_storage_container.state.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.deploy[each.key].principal_id
  principal_type       = "ServicePrincipal"
  condition            = local.state_conditions[each.key]
  condition_version    = "2.0"
  description          = "Reads and writes the state of ${each.key} only"
}

# Contributor cannot set locks (Microsoft.Authorization/*/write): a role for exactly that.
resource "azurerm_role_definition" "locks" {
  for_each = local.ci_environments

  name        = "${var.project_name}-${each.key}-lock-operator"
  scope       = "/subscriptions/${each.value.subscription_id}"
  description = "Sets and removes management locks (delete protection of protected resources)."

  permissions {
    actions = [
      "Microsoft.Authorization/locks/read",
      "Microsoft.Authorization/locks/write",
      "Microsoft.Authorization/locks/delete",
    ]
  }

  assignable_scopes = ["/subscriptions/${each.value.subscription_id}"]
}

################################################################################
# Plan identity: reads everything, changes nothing but its state key's lease
################################################################################

resource "azurerm_role_assignment" "plan" {
  for_each = local.plan_roles

  scope                = "/subscriptions/${local.environments[each.value.environment].subscription_id}"
  role_definition_name = each.value.role
  principal_id         = azurerm_user_assigned_identity.plan[each.value.environment].principal_id
  principal_type       = "ServicePrincipal"
  description          = "CI plan identity (read-only) of ${var.project_name} ${each.value.environment} (${var.repository})"
}

# Reading the Helm releases of AKS add-ons means reading Secrets: cluster read access, Secrets
# included (what `terraform plan` needs), and nothing else.
resource "azurerm_role_definition" "cluster_reader" {
  for_each = local.ci_environments

  name        = "${var.project_name}-${each.key}-cluster-reader"
  scope       = "/subscriptions/${each.value.subscription_id}"
  description = "Reads every Kubernetes object of the environment's clusters, Secrets included."

  permissions {
    actions      = ["Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"]
    data_actions = ["Microsoft.ContainerService/managedClusters/*/read"]
  }

  assignable_scopes = ["/subscriptions/${each.value.subscription_id}"]
}

resource "azurerm_role_assignment" "plan_cluster_reader" {
  for_each = local.ci_environments

  scope              = "/subscriptions/${each.value.subscription_id}"
  role_definition_id = azurerm_role_definition.cluster_reader[each.key].role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.plan[each.key].principal_id
  principal_type     = "ServicePrincipal"
  description        = "Plans of ${each.key} read the cluster's Helm releases"
}

resource "azurerm_role_assignment" "plan_state" {
  for_each = local.ci_environments

  scope                = azurerm_storage_container.state.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.plan[each.key].principal_id
  principal_type       = "ServicePrincipal"
  condition            = local.state_conditions[each.key]
  condition_version    = "2.0"
  description          = "Reads the state of ${each.key} and takes its lease (lock)"
}
