################################################################################
# CI identities: a Workload Identity Federation pool trusting the CI system's OIDC tokens for this
# repository only and, per environment, a deploy service account (apply, deploy, rollback) and a
# read-only plan service account. They live in the state/tooling project, which no environment
# identity administers: a deploy identity cannot edit itself, another environment's identity or
# the pool. No keys anywhere.
################################################################################

locals {
  ci_enabled = var.ci_provider != "none"
  github     = var.ci_provider == "github-actions"

  ci_environments = local.ci_enabled ? local.environments : {}

  # Token claims as attributes. GitHub: a deploy job's environment and the ref it runs on are
  # mapped into `deploy`, so the pool itself checks the branch, not only the GitHub
  # environment's branch policy; a job without an environment (plans) maps into `plan` its
  # event (pull_request, pull_request_target: `pull_request`) or else its ref. Claims, not the
  # subject: a repository created after 2026-07-15 has owner and repository IDs in its subject
  # (repo:<owner>@<id>/<name>@<id>:...), while its `repository` claim stays <owner>/<name>.
  # GitLab: a deploy job's environment, whether GitLab protects it, and the ref it runs on are
  # mapped into `deploy`; a job without an environment (plans) maps its ref into `plan`. GitLab
  # writes ref_protected and environment_protected as "true"/"false": string() accepts either.
  # The subject (google.subject: the principal Cloud Audit Logs name) is made of numeric IDs
  # only, never of `sub`: STS refuses a token whose mapped subject exceeds 127 bytes, and `sub`
  # holds the repository path and the branch (GitLab: project_path:<group/project>:ref_type:
  # branch:ref:<branch>; GitHub, after 2026-07-15, the owner and repository IDs too), which no
  # answer bounds. An ID is at most 19 digits (64 bits), so the subject is at most 80 bytes; it
  # still names the run (GitHub) or the job (GitLab) that asked. No member binds it: every
  # principal below is a principalSet of attribute.*.
  attribute_mapping = local.github ? {
    "google.subject"       = "'repo:' + string(assertion.repository_id) + ':run:' + string(assertion.run_id) + ':attempt:' + string(assertion.run_attempt)"
    "attribute.repository" = "assertion.repository"
    "attribute.deploy"     = "has(assertion.environment) ? assertion.environment + ':' + assertion.ref_type + ':' + assertion.ref : 'none'"
    "attribute.plan"       = "has(assertion.environment) ? 'none' : (assertion.event_name in ['pull_request', 'pull_request_target'] ? 'pull_request' : assertion.ref_type + ':' + assertion.ref)"
    } : {
    "google.subject"       = "'project:' + string(assertion.project_id) + ':pipeline:' + string(assertion.pipeline_id) + ':job:' + string(assertion.job_id)"
    "attribute.repository" = "assertion.project_path"
    "attribute.deploy"     = "has(assertion.environment) ? assertion.environment + ':' + string(assertion.environment_protected) + ':' + assertion.ref_type + ':' + assertion.ref + ':' + string(assertion.ref_protected) : 'none'"
    "attribute.plan"       = "has(assertion.environment) ? 'none' : assertion.ref_type + ':' + assertion.ref + ':' + string(assertion.ref_protected)"
  }
  attribute_condition = local.github ? "assertion.repository == '${var.repository}'" : "assertion.project_path == '${var.repository}'"

  # Without CI there is no pool (and no principal is used): coalesce keeps the strings valid.
  pool      = coalesce(one(google_iam_workload_identity_pool.ci[*].name), "none")
  attribute = "principalSet://iam.googleapis.com/${local.pool}/attribute"

  # Who may impersonate each identity (the CI job → identity contract in docs/SECURITY.md).
  # Deploy of <env>: only jobs of the <env> environment on its deploy branch; GitLab also
  # requires the ref to be protected, and the environment to be protected when <env> is. The
  # deploy branch is the default branch (GitHub: every environment's, whose apply, deploy and
  # rollback jobs run on it alone), or for a protected environment on GitLab its own protected
  # branch <prefix><env> (the pipeline runs its apply, deploy and rollback jobs there only, as
  # AWS and Azure can bind nothing but that ref).
  gitlab_deploy_branches = {
    for name, env in local.ci_environments : name => (env.protected ? "${var.gitlab_deploy_branch_prefix}${name}" : var.default_branch)
  }
  deploy_principals = {
    for name, env in local.ci_environments : name => (
      local.github
      ? ["${local.attribute}.deploy/${name}:branch:refs/heads/${var.default_branch}"]
      : [for protected in(env.protected ? ["true"] : ["true", "false"]) : "${local.attribute}.deploy/${name}:${protected}:branch:${local.gitlab_deploy_branches[name]}:true"]
    )
  }
  # Plan of <env>: the default branch (pushes, the drift schedule) always; pull/merge requests
  # only for an environment that is not protected; GitLab: a protected environment's deploy
  # branch too, whose apply job checks a plan made in its own pipeline.
  plan_principals = {
    for name, env in local.ci_environments : name => (
      local.github
      ? concat(
        ["${local.attribute}.plan/branch:refs/heads/${var.default_branch}"],
        env.protected ? [] : ["${local.attribute}.plan/pull_request"],
      )
      : (
        env.protected
        ? ["${local.attribute}.plan/branch:${var.default_branch}:true", "${local.attribute}.plan/branch:${local.gitlab_deploy_branches[name]}:true"]
        : ["${local.attribute}.repository/${var.repository}"]
      )
    )
  }
  deploy_federation = merge([for name, members in local.deploy_principals : { for member in members : "${name} ${member}" => { env = name, member = member } }]...)
  plan_federation   = merge([for name, members in local.plan_principals : { for member in members : "${name} ${member}" => { env = name, member = member } }]...)

  # Project roles in the environment's own project (data/gcp_iam.yaml of the template pack; the
  # same list is in docs/SECURITY.md). No project-wide service account admin or user: the
  # deploy identity acts only as the runtime service accounts (runtime.tf).
  deploy_roles    = ["roles/compute.loadBalancerAdmin", "roles/compute.networkAdmin", "roles/compute.securityAdmin", "roles/iam.serviceAccountViewer", "roles/logging.configWriter", "roles/logging.viewer", "roles/monitoring.editor", "roles/secretmanager.admin", "roles/serviceusage.serviceUsageConsumer", "roles/run.admin", "roles/artifactregistry.admin", "roles/cloudsql.admin", "roles/servicenetworking.networksAdmin", "roles/dns.admin"]
  plan_roles      = ["roles/compute.viewer", "roles/iam.securityReviewer", "roles/iam.serviceAccountViewer", "roles/logging.viewer", "roles/monitoring.viewer", "roles/secretmanager.viewer", "roles/serviceusage.serviceUsageConsumer", "roles/run.viewer", "roles/artifactregistry.reader", "roles/cloudsql.viewer", "roles/dns.reader"]
  grantable_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/container.defaultNodeServiceAccount", "roles/logging.logWriter"]

  deploy_grants = { for pair in setproduct(keys(local.ci_environments), local.deploy_roles) : "${pair[0]}/${pair[1]}" => { env = pair[0], role = pair[1] } }
  plan_grants   = { for pair in setproduct(keys(local.ci_environments), local.plan_roles) : "${pair[0]}/${pair[1]}" => { env = pair[0], role = pair[1] } }

  state_objects = "projects/_/buckets/${google_storage_bucket.state.name}/objects"
}

resource "google_iam_workload_identity_pool" "ci" {
  count = local.ci_enabled ? 1 : 0

  project                   = var.state_project_id
  workload_identity_pool_id = "${var.project_name}-ci"
  display_name              = "${var.project_name} CI"
  description               = "CI jobs of ${var.repository}"

  depends_on = [google_project_service.this]

  lifecycle {
    precondition {
      condition     = var.repository != ""
      error_message = "repository must be set when ci_provider is not none."
    }
  }
}

# Audience: GitHub tokens carry the provider's own resource name (the default), GitLab ID tokens
# the instance URL (id_tokens aud: $CI_SERVER_URL in .gitlab-ci.yml).
resource "google_iam_workload_identity_pool_provider" "ci" {
  count = local.ci_enabled ? 1 : 0

  project                            = var.state_project_id
  workload_identity_pool_id          = google_iam_workload_identity_pool.ci[0].workload_identity_pool_id
  workload_identity_pool_provider_id = local.github ? "github" : "gitlab"
  display_name                       = local.github ? "GitHub Actions" : "GitLab CI"
  description                        = "OIDC tokens of ${var.repository} jobs"
  attribute_mapping                  = local.attribute_mapping
  attribute_condition                = local.attribute_condition

  oidc {
    issuer_uri        = local.github ? "https://token.actions.githubusercontent.com" : var.gitlab_url
    allowed_audiences = local.github ? [] : [var.gitlab_url]
  }
}

################################################################################
# Deploy identities: change their own environment's project, and their own state
################################################################################

resource "google_service_account" "deploy" {
  for_each = local.ci_environments

  project      = var.state_project_id
  account_id   = "ci-deploy-${each.key}"
  display_name = "CI deploy (${each.key})"
  description  = "Applies and deploys ${var.project_name} ${each.key} from ${var.repository}"
}

resource "google_service_account_iam_member" "deploy_federation" {
  for_each = local.deploy_federation

  service_account_id = google_service_account.deploy[each.value.env].name
  role               = "roles/iam.workloadIdentityUser"
  member             = each.value.member
}

resource "google_project_iam_member" "deploy" {
  for_each = local.deploy_grants

  project = local.environments[each.value.env].project_id
  role    = each.value.role
  member  = google_service_account.deploy[each.value.env].member
}

# Project IAM for the roles the stack grants its own service accounts, and no other: a deploy
# identity cannot make itself (or anyone) owner.
resource "google_project_iam_member" "deploy_grants" {
  for_each = local.ci_environments

  project = each.value.project_id
  role    = "roles/resourcemanager.projectIamAdmin"
  member  = google_service_account.deploy[each.key].member

  condition {
    title       = "stack-roles-only"
    description = "May only grant or revoke the roles the Terraform stack grants"
    expression  = "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(${jsonencode(local.grantable_roles)})"
  }
}

# The state bucket is in the state project: object rights on this environment's prefix only
# (<env>/ holds <env>/default.tfstate and, for kubernetes, <env>/addons/default.tfstate).
resource "google_storage_bucket_iam_member" "deploy_state" {
  for_each = local.ci_environments

  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.deploy[each.key].member

  condition {
    title       = "state-of-${each.key}"
    description = "The state objects of ${each.key} only"
    expression  = "resource.name.startsWith('${local.state_objects}/${each.key}/') || api.getAttribute('storage.googleapis.com/objectListPrefix', '').startsWith('${each.key}/')"
  }
}

################################################################################
# Plan identities: read their environment, change nothing but their state's lock
################################################################################

resource "google_service_account" "plan" {
  for_each = local.ci_environments

  project      = var.state_project_id
  account_id   = "ci-plan-${each.key}"
  display_name = "CI plan (${each.key}, read-only)"
  description  = "Plans ${var.project_name} ${each.key} (read-only, no secret values) for ${var.repository}"
}

resource "google_service_account_iam_member" "plan_federation" {
  for_each = local.plan_federation

  service_account_id = google_service_account.plan[each.value.env].name
  role               = "roles/iam.workloadIdentityUser"
  member             = each.value.member
}

resource "google_project_iam_member" "plan" {
  for_each = local.plan_grants

  project = local.environments[each.value.env].project_id
  role    = each.value.role
  member  = google_service_account.plan[each.value.env].member
}

resource "google_storage_bucket_iam_member" "plan_state" {
  for_each = local.ci_environments

  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.plan[each.key].member

  condition {
    title       = "state-of-${each.key}"
    description = "The state objects of ${each.key} only"
    expression  = "resource.name.startsWith('${local.state_objects}/${each.key}/') || api.getAttribute('storage.googleapis.com/objectListPrefix', '').startsWith('${each.key}/')"
  }
}

# `terraform plan` takes the state lock (<prefix>/default.tflock): the only object a plan
# identity may create or delete. The state object itself exists from bootstrap (state.tf), so
# the backend never needs to write an empty one on a first plan.
resource "google_storage_bucket_iam_member" "plan_lock" {
  for_each = local.ci_environments

  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectUser"
  member = google_service_account.plan[each.key].member

  condition {
    title       = "lock-of-${each.key}"
    description = "The state locks of ${each.key} only"
    expression  = "resource.name.startsWith('${local.state_objects}/${each.key}/') && resource.name.endsWith('/default.tflock')"
  }
}
