# The application: an AKS cluster (Azure CNI Overlay, workload identity) with an autoscaled
# application node pool; workloads are deployed by the pipeline with kubectl (rolling) or Argo
# Rollouts (blue-green, canary).

module "registry" {
  source = "./modules/container-registry"

  name                       = local.name
  unique_suffix              = local.unique_suffix
  location                   = data.azurerm_resource_group.this.location
  resource_group_name        = data.azurerm_resource_group.this.name
  sku                        = var.container_registry_sku
  log_analytics_workspace_id = module.observability.log_analytics_workspace_id
  tags                       = local.tags
}

module "app" {
  source = "./modules/aks-cluster"

  name                       = local.name
  location                   = data.azurerm_resource_group.this.location
  resource_group_name        = data.azurerm_resource_group.this.name
  sku_tier                   = var.protected ? "Standard" : "Free"
  private_cluster            = var.protected
  creator_admin_access       = var.aks_creator_admin_access
  admin_group_object_ids     = var.aks_admin_group_object_ids
  vnet_cidr                  = module.network.address_space
  subnet_id                  = module.network.workload_subnet_id
  zones                      = var.protected ? ["1", "2", "3"] : null
  system_vm_size             = var.aks_system_vm_size
  node_vm_size               = var.aks_node_vm_size
  node_min                   = var.aks_node_min
  node_max                   = var.aks_node_max
  registry_id                = module.registry.registry_id
  app_identity_id            = data.azurerm_user_assigned_identity.app.id
  log_analytics_workspace_id = module.observability.log_analytics_workspace_id
  action_group_id            = module.observability.action_group_id
  tags                       = local.tags

  # The host's A record (the zone's apex) points at the cluster's ingress address.
  dns_zone_name                = data.azurerm_dns_zone.this.name
  dns_zone_resource_group_name = data.azurerm_dns_zone.this.resource_group_name
}
