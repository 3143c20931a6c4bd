data "azurerm_client_config" "current" {}

locals {
  # Azure CNI Overlay: pods and services get addresses outside the virtual network, chosen so that
  # they never overlap it (the environment's CIDR is a private range of 10/8, 172.16/12 or 192.168/16).
  vnet_first_octet = split(".", var.vnet_cidr)[0]
  pod_cidr         = local.vnet_first_octet == "192" ? "10.244.0.0/16" : "192.168.0.0/16"
  service_cidr     = local.vnet_first_octet == "172" ? "10.245.0.0/16" : "172.20.0.0/16"
  dns_service_ip   = cidrhost(local.service_cidr, 10)

  # Diagnostic categories worth their cost: API server, admin audit, Entra ID webhook, autoscaler.
  log_categories = ["kube-apiserver", "kube-audit-admin", "guard", "cluster-autoscaler"]
}

################################################################################
# Control plane and kubelet identities: created by bootstrap/ (the deploy identity may grant
# roles to these only), which also lets the control plane operate the kubelet identity
################################################################################

data "azurerm_user_assigned_identity" "cluster" {
  name                = "${var.name}-aks"
  resource_group_name = var.resource_group_name
}

data "azurerm_user_assigned_identity" "kubelet" {
  name                = "${var.name}-aks-kubelet"
  resource_group_name = var.resource_group_name
}

resource "azurerm_role_assignment" "cluster_network" {
  scope                            = var.subnet_id
  role_definition_name             = "Network Contributor"
  principal_id                     = data.azurerm_user_assigned_identity.cluster.principal_id
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "The AKS control plane of ${var.name} joins nodes and load balancers to the subnet"
}

################################################################################
# Cluster: Entra ID and Azure RBAC only (no local accounts), workload identity, Azure Policy.
# The system pool runs CoreDNS, metrics-server and the add-ons only (CriticalAddonsOnly taint);
# the Secrets Store CSI driver mounts Key Vault secrets with the pods' workload identity;
# application routing is a managed NGINX ingress (with DNS zones, it manages their records).
################################################################################

resource "azurerm_kubernetes_cluster" "this" {
  # checkov:skip=CKV_AZURE_6: unprotected environments expose the API to the addresses in api_authorized_ip_ranges (all when empty, for hosted CI runners); protected ones are private clusters
  # checkov:skip=CKV_AZURE_115: private cluster follows var.private_cluster (protected environments)
  # checkov:skip=CKV_AZURE_117: OS and data disks are encrypted with platform-managed keys; a disk encryption set (customer-managed key) is left to teams that need one
  # checkov:skip=CKV_AZURE_226: ephemeral OS disks follow the VM size (its cache or temporary disk must hold the OS disk); managed OS disks keep a node's disk across reboots
  # checkov:skip=CKV_AZURE_227: encryption at host needs the EncryptionAtHost feature registered on the subscription (az feature register); enable host_encryption_enabled once it is
  # checkov:skip=CKV_AZURE_170: the paid SLA (Standard tier) follows var.sku_tier (protected environments)
  # checkov:skip=CKV_AZURE_141: local accounts are disabled (local_account_disabled = true)
  name                              = var.name
  location                          = var.location
  resource_group_name               = var.resource_group_name
  dns_prefix                        = var.name
  kubernetes_version                = var.kubernetes_version
  sku_tier                          = var.sku_tier
  node_resource_group               = "MC_${var.name}"
  automatic_upgrade_channel         = "patch"
  node_os_upgrade_channel           = "NodeImage"
  private_cluster_enabled           = var.private_cluster
  private_dns_zone_id               = var.private_cluster ? "System" : null
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true
  azure_policy_enabled              = true
  local_account_disabled            = true
  role_based_access_control_enabled = true
  run_command_enabled               = true
  image_cleaner_enabled             = true
  image_cleaner_interval_hours      = 48
  tags                              = var.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [data.azurerm_user_assigned_identity.cluster.id]
  }

  kubelet_identity {
    user_assigned_identity_id = data.azurerm_user_assigned_identity.kubelet.id
    client_id                 = data.azurerm_user_assigned_identity.kubelet.client_id
    object_id                 = data.azurerm_user_assigned_identity.kubelet.principal_id
  }

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    tenant_id              = data.azurerm_client_config.current.tenant_id
    admin_group_object_ids = var.admin_group_object_ids
  }

  dynamic "api_server_access_profile" {
    for_each = !var.private_cluster && length(var.api_authorized_ip_ranges) > 0 ? [1] : []

    content {
      authorized_ip_ranges = var.api_authorized_ip_ranges
    }
  }

  default_node_pool {
    name                         = "system"
    vm_size                      = var.system_vm_size
    vnet_subnet_id               = var.subnet_id
    zones                        = var.zones
    auto_scaling_enabled         = true
    min_count                    = 2
    max_count                    = 3
    only_critical_addons_enabled = true
    os_sku                       = "AzureLinux"
    os_disk_size_gb              = 64
    max_pods                     = 110
    temporary_name_for_rotation  = "systemtmp"
    tags                         = var.tags

    upgrade_settings {
      max_surge                     = "33%"
      drain_timeout_in_minutes      = 30
      node_soak_duration_in_minutes = 0
    }
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    network_policy      = "cilium"
    pod_cidr            = local.pod_cidr
    service_cidr        = local.service_cidr
    dns_service_ip      = local.dns_service_ip
    load_balancer_sku   = "standard"
    outbound_type       = "userAssignedNATGateway"
  }

  oms_agent {
    log_analytics_workspace_id      = var.log_analytics_workspace_id
    msi_auth_for_monitoring_enabled = true
  }

  key_vault_secrets_provider {
    secret_rotation_enabled  = true
    secret_rotation_interval = "2m"
  }

  # Application routing without its default controller (a second public address) and without
  # DNS zones: its external-dns signs in as the add-on's own identity, which AKS creates and no
  # role assignment of the deploy identity may name. The controller is addons/'s (NginxIngressController
  # on the static address below) and Terraform writes the host's record.
  web_app_routing {
    dns_zone_ids             = []
    default_nginx_controller = "None"
  }

  maintenance_window_auto_upgrade {
    frequency   = "Weekly"
    interval    = 1
    duration    = 4
    day_of_week = "Sunday"
    start_time  = "02:00"
    utc_offset  = "+00:00"
  }

  maintenance_window_node_os {
    frequency   = "Weekly"
    interval    = 1
    duration    = 4
    day_of_week = "Sunday"
    start_time  = "02:00"
    utc_offset  = "+00:00"
  }

  lifecycle {
    # The autoscaler owns the node count; patch upgrades move the version.
    ignore_changes = [default_node_pool[0].node_count, kubernetes_version]
  }

  depends_on = [azurerm_role_assignment.cluster_network]
}

# Application pool, autoscaled within the environment's size.
resource "azurerm_kubernetes_cluster_node_pool" "app" {
  # checkov:skip=CKV_AZURE_226: see the system pool
  # checkov:skip=CKV_AZURE_227: see the system pool
  name                  = "app"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  mode                  = "User"
  vm_size               = var.node_vm_size
  vnet_subnet_id        = var.subnet_id
  zones                 = var.zones
  auto_scaling_enabled  = true
  min_count             = var.node_min
  max_count             = var.node_max
  os_sku                = "AzureLinux"
  os_disk_size_gb       = 128
  max_pods              = 110
  node_labels           = { workload = "app" }
  tags                  = var.tags

  upgrade_settings {
    max_surge                     = "33%"
    drain_timeout_in_minutes      = 30
    node_soak_duration_in_minutes = 0
  }

  lifecycle {
    ignore_changes = [node_count]
  }
}

################################################################################
# Ingress address: the application routing NGINX's load balancer takes this static address
# (addons/: NginxIngressController with azure-pip-name), so the host's DNS record can be written
# before the controller exists. The control plane joins it to the load balancer: Network
# Contributor on the address (learn.microsoft.com/azure/aks/app-routing-nginx-configuration).
################################################################################

resource "azurerm_public_ip" "ingress" {
  name                = "${var.name}-ingress"
  location            = var.location
  resource_group_name = var.resource_group_name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = var.zones
  tags                = var.tags
}

resource "azurerm_role_assignment" "cluster_ingress_ip" {
  scope                            = azurerm_public_ip.ingress.id
  role_definition_name             = "Network Contributor"
  principal_id                     = data.azurerm_user_assigned_identity.cluster.principal_id
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "The AKS control plane of ${var.name} puts its ingress load balancer on this address"
}

# The host is the environment's own zone's apex; an alias record follows the address.
resource "azurerm_dns_a_record" "ingress" {
  count = var.dns_zone_name != "" ? 1 : 0

  name                = "@"
  zone_name           = var.dns_zone_name
  resource_group_name = var.dns_zone_resource_group_name
  ttl                 = 300
  target_resource_id  = azurerm_public_ip.ingress.id
  tags                = var.tags
}

################################################################################
# Access: the kubelet pulls images; the Terraform identity administers when no CI identity does
################################################################################

resource "azurerm_role_assignment" "kubelet_pull" {
  scope                            = var.registry_id
  role_definition_name             = "AcrPull"
  principal_id                     = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  description                      = "The nodes of ${var.name} pull the application's images"
}

resource "azurerm_role_assignment" "creator_admin" {
  count = var.creator_admin_access ? 1 : 0

  scope                = azurerm_kubernetes_cluster.this.id
  role_definition_name = "Azure Kubernetes Service RBAC Cluster Admin"
  principal_id         = data.azurerm_client_config.current.object_id
  description          = "Whoever runs Terraform administers ${var.name} (no CI identity)"
}

# The application's service account signs in as the application's managed identity.
resource "azurerm_federated_identity_credential" "app" {
  name                = "${var.name}-${var.app_namespace}-${var.app_service_account}"
  resource_group_name = var.resource_group_name
  parent_id           = var.app_identity_id
  issuer              = azurerm_kubernetes_cluster.this.oidc_issuer_url
  subject             = "system:serviceaccount:${var.app_namespace}:${var.app_service_account}"
  audience            = ["api://AzureADTokenExchange"]
}

################################################################################
# Logs and alerts
################################################################################

resource "azurerm_monitor_diagnostic_setting" "cluster" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_kubernetes_cluster.this.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  dynamic "enabled_log" {
    for_each = toset(local.log_categories)

    content {
      category = enabled_log.value
    }
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

locals {
  alerts = {
    node-cpu = {
      metric      = "node_cpu_usage_percentage"
      aggregation = "Average"
      operator    = "GreaterThan"
      threshold   = 80
      description = "Average node CPU of ${var.name} above 80% for 15 minutes: the autoscaler is at its ceiling or pods lack requests"
    }
    node-memory = {
      metric      = "node_memory_working_set_percentage"
      aggregation = "Average"
      operator    = "GreaterThan"
      threshold   = 90
      description = "Average node memory of ${var.name} above 90% for 15 minutes: pods are about to be evicted"
    }
    not-ready-nodes = {
      metric      = "kube_node_status_condition"
      aggregation = "Average"
      operator    = "GreaterThan"
      threshold   = 0
      description = "Nodes of ${var.name} not ready for 15 minutes"
    }
  }
}

resource "azurerm_monitor_metric_alert" "cluster" {
  for_each = local.alerts

  name                = "${var.name}-aks-${each.key}"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_kubernetes_cluster.this.id]
  description         = each.value.description
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.ContainerService/managedClusters"
    metric_name      = each.value.metric
    aggregation      = each.value.aggregation
    operator         = each.value.operator
    threshold        = each.value.threshold

    dynamic "dimension" {
      for_each = each.key == "not-ready-nodes" ? [1] : []

      content {
        name     = "status2"
        operator = "Include"
        values   = ["NotReady"]
      }
    }
  }

  action {
    action_group_id = var.action_group_id
  }
}
