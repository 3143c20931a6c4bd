data "azurerm_client_config" "current" {}

locals {
  environments = { for env in var.environments : env.name => env }

  tags = {
    project     = var.project_name
    environment = "shared"
    owner       = var.owner
    managed-by  = "terraform"
  }
}

################################################################################
# State, in the management subscription: one storage account, one container per environment
# (tfstate-<env>: the only scope its CI identities hold a role on in this subscription) and one
# for this stack; locked with blob leases; Entra ID only (no shared keys), versioned, soft-deleted
################################################################################

resource "azurerm_resource_group" "state" {
  name     = var.state_resource_group
  location = var.location
  tags     = local.tags
}

resource "azurerm_storage_account" "state" {
  # checkov:skip=CKV_AZURE_59: CI jobs on hosted runners (no fixed addresses) read and write state; every request needs an Entra ID role limited to its environment's key
  # checkov:skip=CKV_AZURE_35: same: the default network action is Allow, authorization is Entra ID only (shared keys are off)
  # checkov:skip=CKV2_AZURE_33: same: no private endpoint, hosted runners are outside any virtual network
  # checkov:skip=CKV2_AZURE_1: Microsoft-managed keys and infrastructure (double) encryption; a customer-managed key would put the state behind one more vault
  # checkov:skip=CKV_AZURE_33: the account has no queues
  name                              = var.state_storage_account
  resource_group_name               = azurerm_resource_group.state.name
  location                          = azurerm_resource_group.state.location
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = var.state_replication_type
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  local_user_enabled                = false
  cross_tenant_replication_enabled  = false
  infrastructure_encryption_enabled = true
  public_network_access_enabled     = true
  tags                              = local.tags

  blob_properties {
    versioning_enabled  = true
    change_feed_enabled = true

    delete_retention_policy {
      days = 30
    }

    container_delete_retention_policy {
      days = 30
    }
  }

  sas_policy {
    expiration_period = "00.01:00:00"
    expiration_action = "Block"
  }

  lifecycle {
    prevent_destroy = true
  }
}

# One container per environment: a role assignment on the container is the whole boundary, with
# no condition to get wrong (prefix conditions do not cover blob leases and listings alike).
resource "azurerm_storage_container" "state" {
  # checkov:skip=CKV2_AZURE_21: blob reads and writes are logged by the account's diagnostic setting below
  for_each = local.environments

  name                  = "${var.state_container_prefix}${each.key}"
  storage_account_id    = azurerm_storage_account.state.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "bootstrap" {
  # checkov:skip=CKV2_AZURE_21: blob reads and writes are logged by the account's diagnostic setting below
  name                  = "bootstrap"
  storage_account_id    = azurerm_storage_account.state.id
  container_access_type = "private"
}

# An empty state per environment and stack, so that a plan identity (Storage Blob Data Reader)
# never has to write one: the azurerm backend writes an empty state when the key is missing.
resource "azurerm_storage_blob" "empty_state" {
  for_each = {
    for pair in setproduct(keys(local.environments), var.stacks) : "${pair[0]}/${pair[1]}" => {
      environment = pair[0]
      key         = pair[1] == "." ? "terraform.tfstate" : "${pair[1]}.tfstate"
    }
  }

  name                   = each.value.key
  storage_account_name   = azurerm_storage_account.state.name
  storage_container_name = azurerm_storage_container.state[each.value.environment].name
  type                   = "Block"
  content_type           = "application/json"
  source_content = jsonencode({
    version           = 4
    terraform_version = "1.6.0"
    serial            = 0
    lineage           = uuidv5("url", "https://${var.state_storage_account}/${each.key}")
    outputs           = {}
    resources         = []
    check_results     = null
  })

  lifecycle {
    # Terraform owns the content from the first apply on.
    ignore_changes = [source_content, content_md5, metadata]
  }

  # Data-plane write as the operator: Owner has no blob data actions. A role takes up to a few
  # minutes to apply: a 403 here on the first apply goes away when apply is run again.
  depends_on = [azurerm_role_assignment.operator_state]
}

resource "azurerm_management_lock" "state" {
  name       = "${var.state_storage_account}-no-delete"
  scope      = azurerm_storage_account.state.id
  lock_level = "CanNotDelete"
  notes      = "Terraform state of every environment of ${var.project_name}."
}

# Old state versions: kept 90 days, then deleted.
resource "azurerm_storage_management_policy" "state" {
  storage_account_id = azurerm_storage_account.state.id

  rule {
    name    = "expire-old-state-versions"
    enabled = true

    filters {
      blob_types = ["blockBlob"]
    }

    actions {
      version {
        delete_after_days_since_creation = 90
      }
    }
  }
}

# Who read or wrote which state: blob audit logs in a workspace of their own.
resource "azurerm_log_analytics_workspace" "state" {
  name                = "${var.project_name}-tfstate"
  location            = azurerm_resource_group.state.location
  resource_group_name = azurerm_resource_group.state.name
  sku                 = "PerGB2018"
  retention_in_days   = 365
  tags                = local.tags
}

resource "azurerm_monitor_diagnostic_setting" "state" {
  name                       = "to-log-analytics"
  target_resource_id         = "${azurerm_storage_account.state.id}/blobServices/default"
  log_analytics_workspace_id = azurerm_log_analytics_workspace.state.id

  enabled_log {
    category_group = "audit"
  }
}

# Whoever runs bootstrap migrates its state into the account, and keeps access to every state.
resource "azurerm_role_assignment" "operator_state" {
  scope                = azurerm_storage_account.state.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = data.azurerm_client_config.current.object_id
  description          = "The operator who ran bootstrap reads and writes every state of ${var.project_name}"
}
