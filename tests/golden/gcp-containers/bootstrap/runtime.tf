################################################################################
# Runtime service accounts: the identities the application runs as, created here so that the
# deploy identity never needs a project-wide service account role. It may act as these
# (roles/iam.serviceAccountUser on each, to attach them to the application's resources) and as no
# other service account of the project, the Compute Engine default one included.
################################################################################

locals {
  # Account ID suffix, purpose, whether the deploy identity also binds it, and the prefix
  # length the environment's module keeps (the same formula as the module's, 30 characters).
  runtime_accounts = [{ suffix = "run", prefix_max = 25, admin = false, purpose = "Cloud Run service" }]

  runtime = merge([
    for name, env in local.environments : {
      for account in local.runtime_accounts : "${name}/${account.suffix}" => {
        env     = name
        project = env.project_id
        account = account
        prefix  = length("${var.project_name}-${name}") <= account.prefix_max ? "${var.project_name}-${name}" : "${substr("${var.project_name}-${name}", 0, account.prefix_max - 5)}-${substr(md5("${var.project_name}-${name}"), 0, 4)}"
      }
    }
  ]...)
  runtime_ci = { for key, runtime in local.runtime : key => runtime if local.ci_enabled }
}

resource "google_service_account" "runtime" {
  for_each = local.runtime

  project      = each.value.project
  account_id   = "${each.value.prefix}-${each.value.account.suffix}"
  display_name = "${var.project_name}-${each.value.env} ${each.value.account.purpose}"
  description  = "Runtime identity (${each.value.account.purpose}) of ${var.project_name} ${each.value.env}; grant the application's own permissions to it."

  depends_on = [google_project_service.this]
}

resource "google_service_account_iam_member" "deploy_acts_as_runtime" {
  for_each = local.runtime_ci

  service_account_id = google_service_account.runtime[each.key].name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.deploy[each.value.env].member
}

# The GKE application's Workload Identity binding names the cluster's identity pool, which
# exists only once the cluster does: the environment's stack writes it, on this account only.
resource "google_service_account_iam_member" "deploy_binds_runtime" {
  for_each = { for key, runtime in local.runtime_ci : key => runtime if runtime.account.admin }

  service_account_id = google_service_account.runtime[each.key].name
  role               = "roles/iam.serviceAccountAdmin"
  member             = google_service_account.deploy[each.value.env].member
}
