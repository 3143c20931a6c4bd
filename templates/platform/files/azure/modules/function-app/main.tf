# The hosting plan and the app are in flex.tf (rolling: Flex Consumption, with VNet integration,
# scale to zero, per-execution billing and zero-downtime site updates) or premium.tf (blue-green
# and canary need deployment slots, which Flex Consumption does not have: Elastic Premium, with a
# staging slot that is swapped or first receives a share of the traffic). The pack renders the one
# of the strategy; each defines the locals used here: shared_access_keys, app_id, app_host_name,
# staging_slot_name and hosting_plan.
locals {
  # Function app names are global host names: at most 60 characters.
  app_name = "${substr(var.name, 0, 50)}-${var.unique_suffix}"
  # Storage account names are global: 3-24 lowercase letters and digits.
  storage_name = "${substr(replace(var.name, "-", ""), 0, 16)}fn${var.unique_suffix}"

  app_settings = merge(var.environment, {
    AZURE_CLIENT_ID                           = var.identity_client_id
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "ClientId=${var.identity_client_id};Authorization=AAD"
  })
}

################################################################################
# Storage of the Functions host (triggers, leases; Flex Consumption's packages: flex.tf)
################################################################################

resource "azurerm_storage_account" "this" {
  # checkov:skip=CKV2_AZURE_1: host state and deployment packages only; Microsoft-managed keys encrypt them at rest
  # checkov:skip=CKV2_AZURE_33: private endpoints for the services the plan uses are in storage-network.tf
  # checkov:skip=CKV_AZURE_33: queue logging is off: the queues are the Functions host's own, their operations are in Application Insights
  # checkov:skip=CKV2_AZURE_40: Elastic Premium mounts its content share with the account key; Flex Consumption sets shared_access_key_enabled = false
  # checkov:skip=CKV_AZURE_59: public network access stays on only for the network rules below (default action Deny: the workload subnet and allowed_ip_ranges); the host uses the private endpoints
  # checkov:skip=CKV2_AZURE_41: the sas_policy below sets a 1-hour expiration; checkov cannot evaluate shared_access_key_enabled, which follows the deployment strategy
  name                             = local.storage_name
  location                         = var.location
  resource_group_name              = var.resource_group_name
  account_kind                     = "StorageV2"
  account_tier                     = "Standard"
  account_replication_type         = var.zone_redundant ? "ZRS" : "LRS"
  min_tls_version                  = "TLS1_2"
  https_traffic_only_enabled       = true
  allow_nested_items_to_be_public  = false
  shared_access_key_enabled        = local.shared_access_keys
  default_to_oauth_authentication  = true
  local_user_enabled               = false
  cross_tenant_replication_enabled = false
  public_network_access_enabled    = true
  tags                             = var.tags

  blob_properties {
    versioning_enabled = false

    delete_retention_policy {
      days = 7
    }

    container_delete_retention_policy {
      days = 7
    }
  }

  sas_policy {
    expiration_period = "00.01:00:00"
    expiration_action = "Block"
  }

  # Public access on, but only for what the network rules admit: the workload subnet and
  # allowed_ip_ranges; the private endpoints (storage-network.tf) bypass them.
  network_rules {
    default_action             = "Deny"
    bypass                     = ["AzureServices"]
    ip_rules                   = var.allowed_ip_ranges
    virtual_network_subnet_ids = [var.subnet_id]
  }
}

# The host keeps leases and triggers in blobs, queues and tables with the application's identity.
resource "azurerm_role_assignment" "storage" {
  for_each = toset(["Storage Blob Data Owner", "Storage Queue Data Contributor", "Storage Table Data Contributor"])

  scope                            = azurerm_storage_account.this.id
  role_definition_name             = each.value
  principal_id                     = var.identity_principal_id
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "The Functions host of ${var.name}"
}

resource "azurerm_monitor_diagnostic_setting" "storage" {
  name                       = "to-log-analytics"
  target_resource_id         = "${azurerm_storage_account.this.id}/blobServices/default"
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "Transaction"
  }
}

################################################################################
# Alerts: server errors of the production slot
################################################################################

resource "azurerm_monitor_diagnostic_setting" "app" {
  name                       = "to-log-analytics"
  target_resource_id         = local.app_id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category = "FunctionAppLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_metric_alert" "server_errors" {
  name                = "${var.name}-function-5xx"
  resource_group_name = var.resource_group_name
  scopes              = [local.app_id]
  description         = "More than ${var.error_threshold} 5xx answers in 5 minutes from ${var.name}: swap back or roll back (docs/azure-layout.md)"
  severity            = 1
  frequency           = "PT1M"
  window_size         = "PT5M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.Web/sites"
    metric_name      = "Http5xx"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = var.error_threshold
  }

  action {
    action_group_id = var.action_group_id
  }
}

################################################################################
# Dashboard charts of this function app (the observability module lays them out)
################################################################################

locals {
  # The HTTP answers (the 5xx the alert counts among them) and how long they take.
  dashboard_widgets = [
    {
      title    = "${var.name}: requests and 5xx answers"
      split_by = ""
      metrics = [
        { resource_id = local.app_id, namespace = "Microsoft.Web/sites", name = "Requests", aggregation = "Sum", display_name = "Requests" },
        { resource_id = local.app_id, namespace = "Microsoft.Web/sites", name = "Http5xx", aggregation = "Sum", display_name = "5xx answers" },
      ]
    },
    {
      title    = "${var.name}: response time (s)"
      split_by = ""
      metrics = [
        { resource_id = local.app_id, namespace = "Microsoft.Web/sites", name = "HttpResponseTime", aggregation = "Average", display_name = "Response time" },
      ]
    },
  ]
}
