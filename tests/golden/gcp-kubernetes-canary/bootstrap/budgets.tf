################################################################################
# Budgets: one per environment, on the Cloud Billing account that pays for its project, scoped
# to that project. Applied here by an administrator (roles/billing.costsManager on the billing
# account), not by CI: no CI identity can raise or delete the budget that watches its spend.
# Amounts are in the billing account's currency (no currency_code: a code that differs from the
# account's is refused).
################################################################################

# The Budgets API refuses user credentials without a quota project ("billingbudgets.googleapis.com
# API requires a quota project"): its calls are billed to the state project, where it is enabled.
provider "google" {
  alias                 = "billing"
  project               = var.state_project_id
  billing_project       = var.state_project_id
  user_project_override = true

  default_labels = {
    project     = var.project_name
    environment = "shared"
    owner       = substr(replace(lower(var.owner), "/[^a-z0-9_-]/", "-"), 0, 63)
    managed-by  = "terraform"
  }
}

locals {
  # environment => monthly amount (an environment whose monthly_budget is 0 has none).
  budgets = {
    for name, amount in zipmap(["staging", "prod"], [1000, 4000]) : name => amount if amount > 0
  }
}

# Budgets, and the billing account of each project (read through the Cloud Billing API), are
# called through the state project.
resource "google_project_service" "billing" {
  for_each = toset(["billingbudgets.googleapis.com", "cloudbilling.googleapis.com"])

  project            = var.state_project_id
  service            = each.value
  disable_on_destroy = false
}

# The project number the budget filter names, and the billing account that pays for it.
data "google_project" "budgeted" {
  for_each = local.budgets
  provider = google.billing

  project_id = local.environments[each.key].project_id

  # First apply: read once the Cloud Billing API is on (later plans read it at once).
  depends_on = [google_project_service.billing]
}

# Budget e-mails go to the billing account's administrators and, through this channel, to the
# alert address; the channel lives in the environment's project (its Monitoring API is enabled).
resource "google_monitoring_notification_channel" "budget" {
  for_each = local.budgets

  project      = local.environments[each.key].project_id
  display_name = "${var.project_name}-${each.key} budget"
  type         = "email"

  labels = {
    email_address = "oncall@example.com"
  }

  # Default labels do not reach a channel's user_labels.
  user_labels = {
    project     = var.project_name
    environment = each.key
    owner       = substr(replace(lower(var.owner), "/[^a-z0-9_-]/", "-"), 0, 63)
    managed-by  = "terraform"
  }

  depends_on = [google_project_service.this]
}

resource "google_billing_budget" "environment" {
  for_each = local.budgets
  provider = google.billing

  billing_account = data.google_project.budgeted[each.key].billing_account
  display_name    = "${var.project_name}-${each.key}-monthly"

  budget_filter {
    projects        = ["projects/${data.google_project.budgeted[each.key].number}"]
    calendar_period = "MONTH"
  }

  amount {
    specified_amount {
      units = tostring(each.value)
    }
  }

  threshold_rules {
    threshold_percent = 0.8
    spend_basis       = "CURRENT_SPEND"
  }

  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "CURRENT_SPEND"
  }

  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  all_updates_rule {
    monitoring_notification_channels = [google_monitoring_notification_channel.budget[each.key].id]
  }

  depends_on = [google_project_service.billing]
}
