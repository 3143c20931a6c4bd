################################################################################
# Container Insights' data collection rule
################################################################################
#
# With managed identity authentication (oms_agent, msi_auth_for_monitoring_enabled in main.tf)
# the agent sends the workspace only the streams a data collection rule associated with the
# cluster names, and enabling the add-on through the AKS API (which Terraform uses) creates no
# such rule: the CLI and the portal do (hashicorp/terraform-provider-azurerm#23510; Microsoft's
# Terraform onboarding example, microsoft/Docker-Provider scripts/onboarding/aks/
# onboarding-msi-terraform; Azure/terraform-azurerm-aks#623). Without it KubePodInventory and
# KubeEvents stay empty, and so do the per-service alerts and charts that read them. The rule
# lives in the workspace's region and resource group; Container Insights' own name for it is
# MSCI-<region>-<cluster> (at most 64 characters).

locals {
  # KubePodInventory and KubeEvents feed service-alarms.tf; the rest are Container Insights'
  # views (nodes, containers, their logs in the ContainerLogV2 schema, performance counters).
  container_insights_streams = [
    "Microsoft-ContainerLogV2",
    "Microsoft-KubeEvents",
    "Microsoft-KubePodInventory",
    "Microsoft-KubeNodeInventory",
    "Microsoft-KubePVInventory",
    "Microsoft-KubeServices",
    "Microsoft-KubeMonAgentEvents",
    "Microsoft-InsightsMetrics",
    "Microsoft-ContainerInventory",
    "Microsoft-ContainerNodeInventory",
    "Microsoft-Perf",
  ]
}

resource "azurerm_monitor_data_collection_rule" "container_insights" {
  name                = trimsuffix(substr("MSCI-${var.location}-${azurerm_kubernetes_cluster.this.name}", 0, 64), "-")
  resource_group_name = var.resource_group_name
  location            = var.location
  description         = "Container Insights of the AKS cluster ${azurerm_kubernetes_cluster.this.name}"
  tags                = var.tags

  destinations {
    log_analytics {
      name                  = "ciworkspace"
      workspace_resource_id = var.log_analytics_workspace_id
    }
  }

  data_flow {
    streams      = local.container_insights_streams
    destinations = ["ciworkspace"]
  }

  data_sources {
    extension {
      name           = "ContainerInsightsExtension"
      extension_name = "ContainerInsights"
      streams        = local.container_insights_streams
      extension_json = jsonencode({
        dataCollectionSettings = {
          interval               = "1m"
          namespaceFilteringMode = "Off"
          enableContainerLogV2   = true
        }
      })
    }
  }
}

resource "azurerm_monitor_data_collection_rule_association" "container_insights" {
  name                    = "ContainerInsightsExtension"
  target_resource_id      = azurerm_kubernetes_cluster.this.id
  data_collection_rule_id = azurerm_monitor_data_collection_rule.container_insights.id
  description             = "Container Insights of this cluster: deleting this association stops its data collection."
}
