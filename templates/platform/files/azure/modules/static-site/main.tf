locals {
  # Storage account names are global: 3-24 lowercase letters and digits.
  account_name = "${substr(replace(var.name, "-", ""), 0, 18)}${var.unique_suffix}"
}

# The site's files, served by the storage static website endpoint to Front Door only (clients
# use Front Door: HTTPS, the custom domain, caching, WAF). The pipeline uploads each release
# into its own folder of $web (releases/<version>/) with Entra ID (no account keys), then points
# the Front Door route at it: a rollback points the route back.
resource "azurerm_storage_account" "site" {
  # checkov:skip=CKV_AZURE_35: the static website endpoint must answer Front Door Standard, whose edge addresses are not a fixed list; writes need Entra ID roles
  # checkov:skip=CKV_AZURE_59: same: Front Door Standard reaches origins over the internet (Private Link origins need Premium)
  # checkov:skip=CKV2_AZURE_33: same: no private endpoint, the origin is the public web endpoint
  # checkov:skip=CKV2_AZURE_1: the site's files are public content; Microsoft-managed keys encrypt them at rest
  # checkov:skip=CKV_AZURE_33: the account has no queues
  name                             = local.account_name
  location                         = var.location
  resource_group_name              = var.resource_group_name
  account_kind                     = "StorageV2"
  account_tier                     = "Standard"
  account_replication_type         = var.replication_type
  access_tier                      = "Hot"
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
    versioning_enabled = true

    delete_retention_policy {
      days = var.soft_delete_days
    }

    container_delete_retention_policy {
      days = var.soft_delete_days
    }
  }

  sas_policy {
    expiration_period = "00.01:00:00"
    expiration_action = "Block"
  }
}

resource "azurerm_storage_account_static_website" "site" {
  storage_account_id = azurerm_storage_account.site.id
  index_document     = "index.html"
  error_404_document = "404.html"
}

# Deleting the account (and every release in it) needs the lock removed first.
resource "azurerm_management_lock" "site" {
  count = var.delete_lock ? 1 : 0

  name       = "${local.account_name}-no-delete"
  scope      = azurerm_storage_account.site.id
  lock_level = "CanNotDelete"
  notes      = "Protected environment: remove this lock (terraform) before deleting the site's storage."
}

resource "azurerm_monitor_diagnostic_setting" "blobs" {
  name                       = "to-log-analytics"
  target_resource_id         = "${azurerm_storage_account.site.id}/blobServices/default"
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "Transaction"
  }
}
