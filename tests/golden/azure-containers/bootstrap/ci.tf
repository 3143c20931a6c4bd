################################################################################
# CI identities, in the management subscription: per environment, a deploy identity (apply,
# deploy, rollback: jobs of the CI environment <env>) and a read-only plan identity. User-assigned
# managed identities trusted through federated credentials by the CI system's OIDC tokens; no
# client secrets anywhere. In this subscription neither has any role but on its own state
# container: they cannot touch each other, the state account or their federated credentials.
################################################################################

locals {
  ci_enabled = var.ci_provider != "none"
  github     = var.ci_provider == "github-actions"

  issuer   = local.github ? "https://token.actions.githubusercontent.com" : trimsuffix(var.gitlab_url, "/")
  audience = "api://AzureADTokenExchange"

  ci_environments = local.ci_enabled ? local.environments : {}

  # GitHub: the gated jobs (environment: <env>) present repo:R:environment:<env>, nothing else
  # does. GitLab: no Entra ID credential can name the environment. The ID token's sub is
  # project_path:ref_type:ref (ci_id_token_sub_claim_components can drop or reorder those, never
  # add environment), this resource matches sub exactly (subject is its only matcher in azurerm
  # 4.x), and flexible credentials (claimsMatchingExpression, azuread on app registrations only)
  # widen sub with wildcards but cannot read GitLab's environment claims. So the ref is the
  # binding: a protected environment's apply, deploy and rollback jobs run only on pipelines of
  # its own protected branch <prefix><env>, the one subject its deploy identity trusts; an
  # unprotected environment's run on the default branch (docs/SECURITY.md states what is left).
  gitlab_subject = "project_path:${var.repository}:ref_type:branch:ref:"
  gitlab_deploy_branches = {
    for name, env in local.ci_environments : name => (env.protected ? "${var.gitlab_deploy_branch_prefix}${name}" : var.default_branch)
  }

  deploy_subjects = {
    for name, env in local.ci_environments : name => (
      local.github
      ? "repo:${var.repository}:environment:${name}"
      : "${local.gitlab_subject}${local.gitlab_deploy_branches[name]}"
    )
  }

  # Plans: from the default branch for every environment; from pull requests (GitHub) for
  # unprotected environments only; GitLab: also from a protected environment's deploy branch,
  # whose apply job checks a plan made in its own pipeline.
  plan_subjects = merge([
    for name, env in local.ci_environments : merge(
      {
        "${name}/main" = {
          environment = name
          subject = (
            local.github
            ? "repo:${var.repository}:ref:refs/heads/${var.default_branch}"
            : "${local.gitlab_subject}${var.default_branch}"
          )
        }
      },
      local.github && !env.protected ? {
        "${name}/pull-request" = { environment = name, subject = "repo:${var.repository}:pull_request" }
      } : {},
      !local.github && env.protected ? {
        "${name}/deploy-branch" = { environment = name, subject = "${local.gitlab_subject}${local.gitlab_deploy_branches[name]}" }
      } : {},
    )
  ]...)

  # GitHub's subject starts with repo:<owner>/<name> above or, for a repository created, renamed
  # or transferred after 2026-07-15 (or opted in), with the immutable
  # repo:<owner>@<owner id>/<name>@<repository id> (the repository's OIDC setting decides:
  # docs/runbooks/bootstrap.md). With both IDs each identity gets a second credential per subject,
  # for that form, exact as every credential: the deploy identity 2, the plan identity at most 4 of
  # the 20 an identity can hold. The first credentials stay as they are (same keys, no replacement).
  github_ids    = local.github && var.github_owner_id != "" && var.github_repository_id != ""
  github_legacy = "repo:${var.repository}"
  github_immutable = (
    local.github_ids
    ? "repo:${split("/", var.repository)[0]}@${var.github_owner_id}/${element(split("/", var.repository), 1)}@${var.github_repository_id}"
    : ""
  )
  deploy_immutable_subjects = local.github_ids ? {
    for name, subject in local.deploy_subjects : name => "${local.github_immutable}${trimprefix(subject, local.github_legacy)}"
  } : {}
  plan_immutable_subjects = local.github_ids ? {
    for key, plan in local.plan_subjects : key => {
      environment = plan.environment
      subject     = "${local.github_immutable}${trimprefix(plan.subject, local.github_legacy)}"
    }
  } : {}
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
    precondition {
      condition     = (var.github_owner_id == "") == (var.github_repository_id == "")
      error_message = "github_owner_id and github_repository_id must be set together (gh api repos/OWNER/REPO --jq '.owner.id, .id'), or neither."
    }
    precondition {
      condition     = !local.github_ids || length(split("/", var.repository)) == 2
      error_message = "repository must be owner/name for the immutable GitHub subject (github_owner_id, github_repository_id)."
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

resource "azurerm_federated_identity_credential" "deploy_immutable" {
  for_each = local.deploy_immutable_subjects

  name                = "${var.ci_provider}-${each.key}-immutable"
  resource_group_name = azurerm_resource_group.state.name
  parent_id           = azurerm_user_assigned_identity.deploy[each.key].id
  issuer              = local.issuer
  subject             = each.value
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
  for_each = local.plan_subjects

  name                = "${var.ci_provider}-${replace(each.key, "/", "-")}"
  resource_group_name = azurerm_resource_group.state.name
  parent_id           = azurerm_user_assigned_identity.plan[each.value.environment].id
  issuer              = local.issuer
  subject             = each.value.subject
  audience            = [local.audience]
}

resource "azurerm_federated_identity_credential" "plan_immutable" {
  for_each = local.plan_immutable_subjects

  name                = "${var.ci_provider}-${replace(each.key, "/", "-")}-immutable"
  resource_group_name = azurerm_resource_group.state.name
  parent_id           = azurerm_user_assigned_identity.plan[each.value.environment].id
  issuer              = local.issuer
  subject             = each.value.subject
  audience            = [local.audience]
}

################################################################################
# State: the deploy identity reads and writes its environment's container; the plan identity
# only reads it. Plans run with -lock=false: a blob lease is a write (Lease Blob needs
# blobs/write), and the empty state blob above spares the backend its first write.
################################################################################

resource "azurerm_role_assignment" "deploy_state" {
  for_each = local.ci_environments

  scope                = azurerm_storage_container.state[each.key].id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.deploy[each.key].principal_id
  principal_type       = "ServicePrincipal"
  description          = "Reads and writes the state of ${each.key} only"
}

resource "azurerm_role_assignment" "plan_state" {
  for_each = local.ci_environments

  scope                = azurerm_storage_container.state[each.key].id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.plan[each.key].principal_id
  principal_type       = "ServicePrincipal"
  description          = "Reads the state of ${each.key} only (plans run without a lock)"
}
