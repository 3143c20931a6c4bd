################################################################################
# The storage account takes no traffic from the internet: the Functions host reaches it from the
# workload subnet (service endpoint) and through private endpoints, one per storage service the
# plan uses, resolved in the VNet by their private DNS zones. Terraform itself only calls Azure
# Resource Manager for it (the root provider sets storage.data_plane_available = false and the
# container is created by storage_account_id), so plan and apply work from hosted runners.
################################################################################

resource "azurerm_private_dns_zone" "storage" {
  for_each = toset(local.storage_services)

  name                = "privatelink.${each.value}.core.windows.net"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "storage" {
  for_each = azurerm_private_dns_zone.storage

  name                  = "${var.name}-function-${each.key}"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = each.value.name
  virtual_network_id    = var.virtual_network_id
  registration_enabled  = false
  tags                  = var.tags
}

resource "azurerm_private_endpoint" "storage" {
  for_each = azurerm_private_dns_zone.storage

  name                = "${var.name}-function-${each.key}"
  location            = var.location
  resource_group_name = var.resource_group_name
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = each.key
    private_connection_resource_id = azurerm_storage_account.this.id
    subresource_names              = [each.key]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = each.key
    private_dns_zone_ids = [each.value.id]
  }
}
