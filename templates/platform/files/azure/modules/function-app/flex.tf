locals {
  shared_access_keys = false
  app_id             = azurerm_function_app_flex_consumption.this.id
  app_host_name      = azurerm_function_app_flex_consumption.this.default_hostname
  staging_slot_name  = null
  hosting_plan       = "FlexConsumption"
  # The host's leases, queues and tables, and the deployment container (identity-based).
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
  storage_container_endpoint        = "${azurerm_storage_account.this.primary_blob_endpoint}${azurerm_storage_container.deployments.name}"
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
  depends_on = [azurerm_role_assignment.storage, azurerm_private_endpoint.storage]
}

