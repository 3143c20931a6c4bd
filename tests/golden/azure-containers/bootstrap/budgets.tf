################################################################################
# Budgets: one per environment, on the environment's own subscription (its provider), so the
# subscription's spend is what each one measures. They live here, applied by an administrator,
# not in the root stack: no CI identity can raise or delete the budget that watches its spend.
# Amounts are in the subscription's billing currency. Notifications go to the subscription's
# owners and, when set, to alert_email.
################################################################################

resource "azurerm_consumption_budget_subscription" "dev" {
  provider = azurerm.env1

  name            = format("%s-%s-monthly", var.project_name, "dev")
  subscription_id = "/subscriptions/${local.environments["dev"].subscription_id}"
  amount          = 300
  time_grain      = "Monthly"

  # A monthly budget must start on the first of a month, not before the current one, and its
  # start date cannot be changed once created: the month of the first apply, then kept.
  time_period {
    start_date = formatdate("YYYY-MM-01'T'00:00:00Z", plantimestamp())
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 80
    threshold_type = "Actual"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 100
    threshold_type = "Actual"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 100
    threshold_type = "Forecasted"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  lifecycle {
    ignore_changes = [time_period]
  }
}

resource "azurerm_consumption_budget_subscription" "staging" {
  provider = azurerm.env2

  name            = format("%s-%s-monthly", var.project_name, "staging")
  subscription_id = "/subscriptions/${local.environments["staging"].subscription_id}"
  amount          = 1000
  time_grain      = "Monthly"

  # A monthly budget must start on the first of a month, not before the current one, and its
  # start date cannot be changed once created: the month of the first apply, then kept.
  time_period {
    start_date = formatdate("YYYY-MM-01'T'00:00:00Z", plantimestamp())
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 80
    threshold_type = "Actual"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 100
    threshold_type = "Actual"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 100
    threshold_type = "Forecasted"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  lifecycle {
    ignore_changes = [time_period]
  }
}

resource "azurerm_consumption_budget_subscription" "prod" {
  provider = azurerm.env3

  name            = format("%s-%s-monthly", var.project_name, "prod")
  subscription_id = "/subscriptions/${local.environments["prod"].subscription_id}"
  amount          = 4000
  time_grain      = "Monthly"

  # A monthly budget must start on the first of a month, not before the current one, and its
  # start date cannot be changed once created: the month of the first apply, then kept.
  time_period {
    start_date = formatdate("YYYY-MM-01'T'00:00:00Z", plantimestamp())
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 80
    threshold_type = "Actual"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 100
    threshold_type = "Actual"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  notification {
    enabled        = true
    operator       = "GreaterThan"
    threshold      = 100
    threshold_type = "Forecasted"
    contact_roles  = ["Owner"]
    contact_emails = ["oncall@example.com"]
  }

  lifecycle {
    ignore_changes = [time_period]
  }
}
