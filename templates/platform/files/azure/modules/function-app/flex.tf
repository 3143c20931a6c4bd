locals {
  shared_access_keys = false
  app_id             = azurerm_function_app_flex_consumption.this.id
  app_host_name      = azurerm_function_app_flex_consumption.this.default_hostname
  staging_slot_name  = null
  hosting_plan       = "FlexConsumption"
  # The host's leases, queues and tables (identity-based); the packages are in their own account.
  storage_services = ["blob", "queue", "table"]
}

################################################################################
# Rolling: Flex Consumption. Every app and slot accepts requests from the environment's Front
# Door profile only (service tag AzureFrontDoor.Backend and its X-Azure-FDID header).
################################################################################

resource "azurerm_service_plan" "this" {
  # checkov:skip=CKV_AZURE_212: Flex Consumption has no fixed workers: maximum_instance_count and the always-ready instances set the scale
  # checkov:skip=CKV_AZURE_225: Flex Consumption has no worker zone balancing to set on its plan (zone_balancing_enabled is for dedicated and Elastic Premium plans)
  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = var.tags
}

resource "azurerm_function_app_flex_consumption" "this" {
  name                          = local.app_name
  location                      = var.location
  resource_group_name           = var.resource_group_name
  service_plan_id               = azurerm_service_plan.this.id
  runtime_name                  = var.runtime_name
  runtime_version               = var.runtime_version
  instance_memory_in_mb         = var.instance_memory_mb
  maximum_instance_count        = var.max_instances
  virtual_network_subnet_id     = var.subnet_id
  https_only                    = true
  public_network_access_enabled = true
  client_certificate_mode       = "Optional"
  tags                          = var.tags

  storage_container_type            = "blobContainer"
  storage_container_endpoint        = "${azurerm_storage_account.packages.primary_blob_endpoint}${azurerm_storage_container.packages.name}"
  storage_authentication_type       = "UserAssignedIdentity"
  storage_user_assigned_identity_id = var.identity_id

  webdeploy_publish_basic_authentication_enabled = false

  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }

  dynamic "always_ready" {
    for_each = var.always_ready_instances > 0 ? [var.always_ready_instances] : []

    content {
      name           = "http"
      instance_count = always_ready.value
    }
  }

  app_settings = merge(local.app_settings, {
    AzureWebJobsStorage__accountName = azurerm_storage_account.this.name
    AzureWebJobsStorage__credential  = "managedidentity"
    AzureWebJobsStorage__clientId    = var.identity_client_id
  })

  site_config {
    minimum_tls_version                    = "1.2"
    scm_minimum_tls_version                = "1.2"
    http2_enabled                          = true
    health_check_path                      = var.health_check_path
    health_check_eviction_time_in_min      = 5
    application_insights_connection_string = var.application_insights_connection_string
    ip_restriction_default_action          = "Deny"
    scm_ip_restriction_default_action      = "Allow"

    ip_restriction {
      name        = "front-door"
      priority    = 100
      action      = "Allow"
      service_tag = "AzureFrontDoor.Backend"

      headers {
        x_azure_fdid = [var.front_door_id]
      }
    }
  }

  # The host reaches its storage through the private endpoints from its first start.
  depends_on = [
    azurerm_role_assignment.storage,
    azurerm_role_assignment.packages,
    azurerm_private_endpoint.storage,
  ]
}

################################################################################
# Deployment packages. A Flex Consumption deployment is uploaded by the Functions platform from
# outside the virtual network, which the host's storage account refuses (default action Deny:
# BlobUploadFailedException on deploy). So the packages have an account of their own, reachable
# from any network but only with Entra ID (no shared keys, no anonymous access), written and read
# by the app's identity; the host's leases, queues and tables stay behind the firewall.
################################################################################

resource "azurerm_storage_account" "packages" {
  # checkov:skip=CKV_AZURE_59: the Functions platform uploads deployment packages from outside the virtual network; only Entra ID callers with a data role get in (shared keys off)
  # checkov:skip=CKV_AZURE_35: same reason: no network rule can admit the platform's upload; access is Entra-only
  # checkov:skip=CKV2_AZURE_33: a private endpoint would not admit the platform's upload either
  # checkov:skip=CKV2_AZURE_1: deployment packages only; Microsoft-managed keys encrypt them at rest
  # checkov:skip=CKV_AZURE_33: no queues in this account
  # checkov:skip=CKV2_AZURE_41: shared access keys are disabled, so no SAS can be issued
  # checkov:skip=CKV_AZURE_206: the packages are rebuilt by CI; locally redundant storage is enough
  name                             = "${substr(replace(var.name, "-", ""), 0, 16)}pk${var.unique_suffix}"
  location                         = var.location
  resource_group_name              = var.resource_group_name
  account_kind                     = "StorageV2"
  account_tier                     = "Standard"
  account_replication_type         = "LRS"
  min_tls_version                  = "TLS1_2"
  https_traffic_only_enabled       = true
  allow_nested_items_to_be_public  = false
  shared_access_key_enabled        = false
  default_to_oauth_authentication  = true
  local_user_enabled               = false
  cross_tenant_replication_enabled = false
  public_network_access_enabled    = true
  tags                             = var.tags

  blob_properties {
    delete_retention_policy {
      days = 7
    }

    container_delete_retention_policy {
      days = 7
    }
  }
}

resource "azurerm_storage_container" "packages" {
  # checkov:skip=CKV2_AZURE_21: blob operations are logged by the account's diagnostic setting
  name                  = "deployments"
  storage_account_id    = azurerm_storage_account.packages.id
  container_access_type = "private"
}

resource "azurerm_role_assignment" "packages" {
  scope                            = azurerm_storage_account.packages.id
  role_definition_name             = "Storage Blob Data Contributor"
  principal_id                     = var.identity_principal_id
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "Deployment packages of ${var.name}"
}

resource "azurerm_monitor_diagnostic_setting" "packages" {
  name                       = "to-log-analytics"
  target_resource_id         = "${azurerm_storage_account.packages.id}/blobServices/default"
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "Transaction"
  }
}

