################################################################################
# CI identity: a Workload Identity Federation pool trusting the CI system's OIDC tokens for this
# repository only and, per environment, a deploy service account (plan, apply, deploy) and a
# read-only plan service account (pull/merge request plans, drift checks). No keys anywhere.
################################################################################

locals {
  ci_enabled = var.ci_provider != "none"
  github     = var.ci_provider == "github-actions"

  ci_environments = local.ci_enabled ? local.environments : {}

  # Token claims as attributes. GitHub names the job's environment in the subject; GitLab names
  # the ref there, and the environment in its own claim, so both are mapped into `deployment`.
  attribute_mapping = local.github ? {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
    } : {
    "google.subject"        = "assertion.sub"
    "attribute.repository"  = "assertion.project_path"
    "attribute.environment" = "has(assertion.environment) ? assertion.environment : 'none'"
    "attribute.deployment"  = "assertion.ref_type + ':' + assertion.ref + ':' + (has(assertion.environment) ? assertion.environment : 'none')"
  }
  attribute_condition = local.github ? "assertion.repository == '${var.repository}'" : "assertion.project_path == '${var.repository}'"

  # GitHub: each deploy identity trusts the jobs of its environment (subject
  # repo:<repository>:environment:<env>), each plan identity those of <env>-plan. GitLab: deploy
  # identities trust the protected default branch (the subject's
  # project_path:<repository>:ref_type:branch:ref:<default branch>) when the job deploys to their
  # environment, plan identities the jobs of the <env>-plan environment on any ref.
  pool = one(google_iam_workload_identity_pool.ci[*].name)
  deploy_principals = {
    for name, env in local.ci_environments : name => (
      local.github
      ? "principal://iam.googleapis.com/${local.pool}/subject/repo:${var.repository}:environment:${name}"
      : "principalSet://iam.googleapis.com/${local.pool}/attribute.deployment/branch:${var.default_branch}:${name}"
    )
  }
  plan_principals = {
    for name, env in local.ci_environments : name => (
      local.github
      ? "principal://iam.googleapis.com/${local.pool}/subject/repo:${var.repository}:environment:${name}-plan"
      : "principalSet://iam.googleapis.com/${local.pool}/attribute.environment/${name}-plan"
    )
  }

  # What the deploy identities need to apply the stack and deploy the application, in their
  # environment's project only. Project IAM is limited to the roles the stack grants (below).
  deploy_roles = distinct(concat(
    [
      "roles/compute.loadBalancerAdmin",
      "roles/compute.networkAdmin",
      "roles/compute.securityAdmin",
      "roles/iam.serviceAccountAdmin",
      "roles/iam.serviceAccountUser",
      "roles/logging.configWriter",
      "roles/logging.viewer",
      "roles/monitoring.editor",
      "roles/secretmanager.admin",
      "roles/serviceusage.serviceUsageConsumer",
    ],
    {
      containers  = ["roles/run.admin", "roles/artifactregistry.admin"]
      kubernetes  = ["roles/container.admin", "roles/artifactregistry.admin"]
      serverless  = ["roles/cloudfunctions.admin", "roles/run.admin", "roles/artifactregistry.admin", "roles/storage.admin"]
      static-site = ["roles/storage.admin"]
    }[var.compute],
    var.database != "none" ? ["roles/cloudsql.admin", "roles/servicenetworking.networksAdmin"] : [],
    var.cache != "none" ? ["roles/redis.admin", "roles/servicenetworking.networksAdmin"] : [],
    var.compute == "serverless" && (var.database != "none" || var.cache != "none") ? ["roles/vpcaccess.admin"] : [],
    var.dns_enabled ? ["roles/dns.admin"] : [],
  ))
  # The only project-level roles the stack grants (to its own service accounts).
  grantable_roles = ["roles/container.defaultNodeServiceAccount", "roles/logging.logWriter"]

  # What the plan identities need to refresh the state: read everything, change nothing. Secret
  # versions are read too (as the deploy identity would): Terraform refreshes them.
  plan_roles = distinct(concat(
    [
      "roles/compute.viewer",
      "roles/iam.securityReviewer",
      "roles/iam.serviceAccountViewer",
      "roles/logging.viewer",
      "roles/monitoring.viewer",
      "roles/secretmanager.secretAccessor",
      "roles/secretmanager.viewer",
      "roles/serviceusage.serviceUsageConsumer",
    ],
    {
      containers  = ["roles/run.viewer", "roles/artifactregistry.reader"]
      kubernetes  = ["roles/container.viewer", "roles/artifactregistry.reader"]
      serverless  = ["roles/cloudfunctions.viewer", "roles/run.viewer", "roles/artifactregistry.reader", "roles/storage.objectViewer", "roles/storage.bucketViewer"]
      static-site = ["roles/storage.objectViewer", "roles/storage.bucketViewer"]
    }[var.compute],
    var.database != "none" ? ["roles/cloudsql.viewer"] : [],
    var.cache != "none" ? ["roles/redis.viewer"] : [],
    var.compute == "serverless" && (var.database != "none" || var.cache != "none") ? ["roles/vpcaccess.viewer"] : [],
    var.dns_enabled ? ["roles/dns.reader"] : [],
  ))

  deploy_grants = { for pair in setproduct(keys(local.ci_environments), local.deploy_roles) : "${pair[0]}/${pair[1]}" => { env = pair[0], role = pair[1] } }
  plan_grants   = { for pair in setproduct(keys(local.ci_environments), local.plan_roles) : "${pair[0]}/${pair[1]}" => { env = pair[0], role = pair[1] } }

  state_objects = "projects/_/buckets/${google_storage_bucket.state.name}/objects"
}

resource "google_iam_workload_identity_pool" "ci" {
  count = local.ci_enabled ? 1 : 0

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
# the instance URL (id_tokens aud in .gitlab-ci.yml).
resource "google_iam_workload_identity_pool_provider" "ci" {
  count = local.ci_enabled ? 1 : 0

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

  project      = each.value.project_id
  account_id   = "ci-deploy-${each.key}"
  display_name = "CI deploy (${each.key})"
  description  = "Plans, applies and deploys ${var.project_name} ${each.key} from ${var.repository}"
}

resource "google_service_account_iam_member" "deploy_federation" {
  for_each = local.ci_environments

  service_account_id = google_service_account.deploy[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = local.deploy_principals[each.key]
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

  project      = each.value.project_id
  account_id   = "ci-plan-${each.key}"
  display_name = "CI plan (${each.key}, read-only)"
  description  = "Plans ${var.project_name} ${each.key} (read-only) for ${var.repository}"
}

resource "google_service_account_iam_member" "plan_federation" {
  for_each = local.ci_environments

  service_account_id = google_service_account.plan[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = local.plan_principals[each.key]
}

resource "google_project_iam_member" "plan" {
  for_each = local.plan_grants

  project = local.environments[each.value.env].project_id
  role    = each.value.role
  member  = google_service_account.plan[each.value.env].member
}

# Terraform reads Helm releases (Kubernetes Secrets) when it refreshes the state.
resource "google_project_iam_custom_role" "plan_kubernetes_secrets" {
  for_each = var.compute == "kubernetes" ? local.ci_environments : {}

  project     = each.value.project_id
  role_id     = "ciPlanKubernetesSecrets_${replace(each.key, "-", "_")}"
  title       = "CI plan: read Kubernetes Secrets"
  description = "Lets the read-only CI identity refresh Helm releases"
  permissions = ["container.secrets.get", "container.secrets.list"]
}

resource "google_project_iam_member" "plan_kubernetes_secrets" {
  for_each = google_project_iam_custom_role.plan_kubernetes_secrets

  project = each.value.project
  role    = each.value.name
  member  = google_service_account.plan[each.key].member
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

resource "google_storage_bucket_iam_member" "plan_lock" {
  for_each = local.ci_environments

  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectUser"
  member = google_service_account.plan[each.key].member

  condition {
    title       = "lock-of-${each.key}"
    description = "The state lock of ${each.key} only"
    expression  = "resource.name == '${local.state_objects}/${each.key}/default.tflock'"
  }
}
