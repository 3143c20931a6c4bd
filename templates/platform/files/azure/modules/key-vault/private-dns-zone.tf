# Rendered when other services have vaults of their own (modules/service-vault): their private
# endpoints register their A records in this zone, so that the network holds one
# privatelink.vaultcore.azure.net zone (a second zone of that name linked to the same network
# would be refused), not one per vault.
output "private_dns_zone_id" {
  description = "ID of the privatelink.vaultcore.azure.net private DNS zone linked to the network."
  value       = azurerm_private_dns_zone.vault.id

  # The zone's network link exists before another vault's endpoint registers in it.
  depends_on = [azurerm_private_dns_zone_virtual_network_link.vault]
}
