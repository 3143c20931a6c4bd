output "profile_name" {
  description = "Name of the Front Door profile."
  value       = azurerm_cdn_frontdoor_profile.this.name
}

output "endpoint_name" {
  description = "Name of the Front Door endpoint (az afd endpoint purge --endpoint-name <value>)."
  value       = azurerm_cdn_frontdoor_endpoint.this.name
}

output "endpoint_host_name" {
  description = "Host name of the endpoint (<name>.azurefd.net)."
  value       = azurerm_cdn_frontdoor_endpoint.this.host_name
}

output "route_name" {
  description = "Name of the route (its origin path selects a static site's release)."
  value       = azurerm_cdn_frontdoor_route.this.name
}

output "origin_group_name" {
  description = "Name of the origin group."
  value       = azurerm_cdn_frontdoor_origin_group.this.name
}

output "profile_resource_guid" {
  description = "Front Door ID sent in the X-Azure-FDID header: origins accept only requests carrying it."
  value       = azurerm_cdn_frontdoor_profile.this.resource_guid
}

output "dashboard_widgets" {
  description = "Charts of the edge's health signals for the environment's dashboard (modules/observability)."
  value       = local.dashboard_widgets
}
