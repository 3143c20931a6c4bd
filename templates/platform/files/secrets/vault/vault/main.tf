locals {
  github = var.ci_provider == "github-actions"
  # The CI's OIDC issuer: Vault fetches its signing keys from <issuer>/.well-known/openid-configuration.
  issuer       = local.github ? "https://token.actions.githubusercontent.com" : trimsuffix(var.gitlab_url, "/")
  environments = { for env in var.environments : env.name => env }

  # The claims a deploy job of environment E presents, matched exactly (bound_claims_type string,
  # no comma splitting). GitHub: the repository, the job's environment, the branch it runs on
  # (the default branch: deploy.yml deploys from it alone) and the workflow file whose job logs
  # in (_deploy.yml of that branch, called by deploy.yml: for a job of a reusable workflow,
  # job_workflow_ref names the reusable workflow). Vault checks the branch itself, not only
  # GitHub's environment settings. Claims, not the subject: a repository created after
  # 2026-07-15 has owner and repository IDs in its subject (repo:<owner>@<id>/<name>@<id>:...),
  # its `repository` claim is still <owner>/<name>; repository_id (when set) pins the repository
  # itself, which a deleted and re-created name does not have. GitLab: the project, the job's
  # environment and the protected branch it runs on (the default branch, or for a protected
  # environment its own <prefix>E, as the cloud identities trust); a protected environment must
  # also be protected in GitLab.
  bound_claims = {
    for name, env in local.environments : name => (
      local.github
      ? merge(
        {
          repository       = var.repository
          environment      = name
          ref_type         = "branch"
          ref              = "refs/heads/${var.default_branch}"
          job_workflow_ref = "${var.repository}/.github/workflows/_deploy.yml@refs/heads/${var.default_branch}"
        },
        var.repository_id != "" ? { repository_id = var.repository_id } : {},
      )
      : merge(
        {
          project_path  = var.repository
          environment   = name
          ref_type      = "branch"
          ref           = env.protected ? "${var.gitlab_deploy_branch_prefix}${name}" : var.default_branch
          ref_protected = "true"
        },
        env.protected ? { environment_protected = "true" } : {},
      )
    )
  }

  role_names   = { for name, env in local.environments : name => "${var.project_name}-${name}-deploy" }
  policy_names = { for name, env in local.environments : name => "${var.project_name}-${name}-secrets-read" }
  # Read-only on the environment's own secrets: <kv_mount>/data/<project>/<env>/<service> and its
  # metadata. The trailing slash keeps environment "prod" out of "prod-eu". The token may revoke
  # itself, and nothing else (no default policy).
  policies = {
    for name, env in local.environments : name => <<-EOT
      path "${var.kv_mount}/data/${var.project_name}/${name}/*" {
        capabilities = ["read"]
      }

      path "${var.kv_mount}/metadata/${var.project_name}/${name}/*" {
        capabilities = ["read"]
      }

      path "auth/token/revoke-self" {
        capabilities = ["update"]
      }
    EOT
  }
}

resource "vault_jwt_auth_backend" "ci" {
  path               = var.jwt_path
  type               = "jwt"
  description        = "OIDC tokens of ${var.project_name}'s deploy jobs (${var.repository})"
  oidc_discovery_url = local.issuer
  bound_issuer       = local.issuer
}

resource "vault_policy" "secrets_read" {
  for_each = local.environments

  name   = local.policy_names[each.key]
  policy = local.policies[each.key]
}

resource "vault_jwt_auth_backend_role" "deploy" {
  for_each = local.environments

  backend   = vault_jwt_auth_backend.ci.path
  role_name = local.role_names[each.key]
  # The provider's default role_type is oidc (a browser login): CI jobs present a JWT.
  role_type       = "jwt"
  bound_audiences = [var.vault_address]
  # bound_claims is a map of strings; the provider splits a value at commas into a list of
  # allowed values unless told not to: these values are literals.
  bound_claims_type            = "string"
  bound_claims                 = local.bound_claims[each.key]
  disable_bound_claims_parsing = true
  # One identity per repository, not one per job: each entity counts as a Vault client.
  user_claim = local.github ? "repository" : "project_path"

  token_policies          = [vault_policy.secrets_read[each.key].name]
  token_no_default_policy = true
  token_type              = "service"
  token_ttl               = var.token_ttl
  token_max_ttl           = var.token_max_ttl
}
