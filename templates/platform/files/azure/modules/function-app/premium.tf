locals {
  shared_access_keys = true
  app_id             = azurerm_linux_function_app.this.id
  app_host_name      = azurerm_linux_function_app.this.default_hostname
  staging_slot_name  = azurerm_linux_function_app_slot.staging.name
  hosting_plan       = "ElasticPremium"
  # As Flex Consumption, plus the Azure Files content share of each slot.
  storage_services = ["blob", "queue", "table", "file"]
}

################################################################################
# Blue-green and canary: Elastic Premium with a staging slot. WEBSITE_CONTENTOVERVNET: the
# content share is reached through the VNet integration when the storage firewall denies.
################################################################################

# The content share of each slot exists before its app: the platform cannot create it through the
# storage firewall (Terraform creates it through Resource Manager, storage_account_id).
resource "azurerm_storage_share" "content" {
  for_each = toset(["production", "staging"])

  name               = "content-${each.key}"
  storage_account_id = azurerm_storage_account.this.id
  quota              = 50
}

# Zone balancing needs three instances at least.
resource "azurerm_service_plan" "this" {
  name                         = var.name
  location                     = var.location
  resource_group_name          = var.resource_group_name
  os_type                      = "Linux"
  sku_name                     = var.premium_sku
  maximum_elastic_worker_count = var.max_instances
  zone_balancing_enabled       = var.zone_redundant
  worker_count                 = var.zone_redundant ? 3 : 1
  tags                         = var.tags
}

resource "azurerm_linux_function_app" "this" {
  # checkov:skip=CKV_AZURE_221: Front Door Standard reaches its origins over the internet; ip_restriction admits only the environment's Front Door profile
  name                          = local.app_name
  location                      = var.location
  resource_group_name           = var.resource_group_name
  service_plan_id               = azurerm_service_plan.this.id
  storage_account_name          = azurerm_storage_account.this.name
  storage_account_access_key    = azurerm_storage_account.this.primary_access_key
  virtual_network_subnet_id     = var.subnet_id
  https_only                    = true
  public_network_access_enabled = true
  client_certificate_mode       = "Optional"
  functions_extension_version   = "~4"
  tags                          = var.tags

  ftp_publish_basic_authentication_enabled       = false
  webdeploy_publish_basic_authentication_enabled = false

  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }

  app_settings = merge(local.app_settings, {
    WEBSITE_CONTENTOVERVNET = "1"
    WEBSITE_CONTENTSHARE    = azurerm_storage_share.content["production"].name
  })

  site_config {
    always_on                              = false
    elastic_instance_minimum               = max(var.always_ready_instances, 1)
    pre_warmed_instance_count              = max(var.always_ready_instances, 1)
    app_scale_limit                        = var.max_instances
    minimum_tls_version                    = "1.2"
    scm_minimum_tls_version                = "1.2"
    ftps_state                             = "Disabled"
    http2_enabled                          = true
    vnet_route_all_enabled                 = true
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

    application_stack {
      python_version = var.runtime_name == "python" ? var.runtime_version : null
      node_version   = var.runtime_name == "node" ? var.runtime_version : null
    }
  }

  lifecycle {
    # Slot swaps exchange the deployed package; the pipeline owns it.
    ignore_changes = [app_settings["WEBSITE_RUN_FROM_PACKAGE"]]
  }

  # The host mounts its content share through the private endpoints from its first start.
  depends_on = [azurerm_private_endpoint.storage]
}

resource "azurerm_linux_function_app_slot" "staging" {
  # checkov:skip=CKV_AZURE_221: Front Door Standard reaches its origins over the internet; ip_restriction admits only the environment's Front Door profile
  name                          = "staging"
  function_app_id               = azurerm_linux_function_app.this.id
  storage_account_name          = azurerm_storage_account.this.name
  storage_account_access_key    = azurerm_storage_account.this.primary_access_key
  virtual_network_subnet_id     = var.subnet_id
  https_only                    = true
  public_network_access_enabled = true
  client_certificate_mode       = "Optional"
  functions_extension_version   = "~4"
  tags                          = var.tags

  ftp_publish_basic_authentication_enabled       = false
  webdeploy_publish_basic_authentication_enabled = false

  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }

  app_settings = merge(local.app_settings, {
    WEBSITE_CONTENTOVERVNET = "1"
    WEBSITE_CONTENTSHARE    = azurerm_storage_share.content["staging"].name
  })

  site_config {
    elastic_instance_minimum               = 1
    minimum_tls_version                    = "1.2"
    scm_minimum_tls_version                = "1.2"
    ftps_state                             = "Disabled"
    http2_enabled                          = true
    vnet_route_all_enabled                 = true
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

    application_stack {
      python_version = var.runtime_name == "python" ? var.runtime_version : null
      node_version   = var.runtime_name == "node" ? var.runtime_version : null
    }
  }

  lifecycle {
    ignore_changes = [app_settings["WEBSITE_RUN_FROM_PACKAGE"]]
  }
}

