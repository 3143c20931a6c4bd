# The application: an Azure Container App (Consumption workload profile) in the workload subnet,
# its images in a registry it pulls from with its own identity.

module "registry" {
  source = "./modules/container-registry"

  name                       = local.name
  unique_suffix              = local.unique_suffix
  location                   = data.azurerm_resource_group.this.location
  resource_group_name        = data.azurerm_resource_group.this.name
  sku                        = var.container_registry_sku
  pull_principal_ids         = { app = data.azurerm_user_assigned_identity.app.principal_id }
  log_analytics_workspace_id = module.observability.log_analytics_workspace_id
  tags                       = local.tags
}

module "app" {
  source = "./modules/container-app"

  name                       = local.name
  location                   = data.azurerm_resource_group.this.location
  resource_group_name        = data.azurerm_resource_group.this.name
  subnet_id                  = module.network.workload_subnet_id
  identity_id                = data.azurerm_user_assigned_identity.app.id
  registry_login_server      = module.registry.login_server
  deployment_strategy        = var.deployment_strategy
  cpu                        = var.container_app_cpu
  memory                     = var.container_app_memory
  container_port             = 8080
  health_check_path          = "/"
  min_replicas               = var.container_app_min_replicas
  max_replicas               = var.container_app_max_replicas
  concurrent_requests        = var.container_app_concurrent_requests
  zone_redundant             = var.protected
  log_analytics_workspace_id = module.observability.log_analytics_workspace_id
  action_group_id            = module.observability.action_group_id
  tags                       = local.tags

  # FRONT_DOOR_ID: Front Door sends its profile's ID in X-Azure-FDID; the application rejects
  # requests without it (its own host name is public: Container Apps ingress cannot filter on a
  # header), except on its health path, which the deploy gate checks there.
  environment = merge(
    module.database.app_environment,
    {
      APP_ENVIRONMENT                       = var.environment
      AZURE_CLIENT_ID                       = data.azurerm_user_assigned_identity.app.client_id
      KEY_VAULT_URI                         = module.key_vault.key_vault_uri
      APPLICATIONINSIGHTS_CONNECTION_STRING = module.observability.application_insights_connection_string
      FRONT_DOOR_ID                         = module.frontdoor.profile_resource_guid
    },
  )
  secrets = merge(
    module.database.app_secrets,
    {},
  )

  depends_on = [module.registry, module.key_vault]
}

# The custom domain: Front Door serves it with a managed certificate (apex included) and
# forwards to the Container App's own HTTPS host name.
module "frontdoor" {
  source = "./modules/frontdoor"

  name                         = local.name
  unique_suffix                = local.unique_suffix
  resource_group_name          = data.azurerm_resource_group.this.name
  origin_host_name             = module.app.fqdn
  health_probe_path            = "/"
  domain_name                  = var.domain_name
  dns_zone_name                = data.azurerm_dns_zone.this.name
  dns_zone_id                  = data.azurerm_dns_zone.this.id
  dns_zone_resource_group_name = data.azurerm_dns_zone.this.resource_group_name
  log_analytics_workspace_id   = module.observability.log_analytics_workspace_id
  action_group_id              = module.observability.action_group_id
  tags                         = local.tags
}
