locals {
  # The address space is cut in eighths: the workload subnet (Container Apps environment, AKS
  # nodes or the Functions' VNet integration) takes a quarter (eighths 0-1), the database's
  # delegated subnet eighth 2, private endpoints eighth 3; 4-7 stay free for later tiers.
  workload_cidr  = cidrsubnet(var.address_space, 2, 0)
  database_cidr  = cidrsubnet(var.address_space, 3, 2)
  endpoints_cidr = cidrsubnet(var.address_space, 3, 3)

  # Inbound rules of the workload subnet: the public entry point (HTTPS only) when it has one.
  workload_inbound = { for index, port in var.public_ingress_ports : "https-${port}" => { port = port, priority = 100 + index } }
}

resource "azurerm_virtual_network" "this" {
  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  address_space       = [var.address_space]
  tags                = var.tags
}

################################################################################
# Subnets, each with its own network security group
################################################################################

resource "azurerm_subnet" "workload" {
  name                            = "workload"
  resource_group_name             = var.resource_group_name
  virtual_network_name            = azurerm_virtual_network.this.name
  address_prefixes                = [local.workload_cidr]
  default_outbound_access_enabled = false
  service_endpoints               = ["Microsoft.KeyVault", "Microsoft.Storage"]

  dynamic "delegation" {
    for_each = var.workload_delegation == null ? [] : [var.workload_delegation]

    content {
      name = "workload"

      service_delegation {
        name    = delegation.value
        actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
      }
    }
  }
}

resource "azurerm_subnet" "database" {
  count = var.database_delegation == null ? 0 : 1

  name                            = "database"
  resource_group_name             = var.resource_group_name
  virtual_network_name            = azurerm_virtual_network.this.name
  address_prefixes                = [local.database_cidr]
  default_outbound_access_enabled = false

  delegation {
    name = "database"

    service_delegation {
      name    = var.database_delegation
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_subnet" "endpoints" {
  name                              = "private-endpoints"
  resource_group_name               = var.resource_group_name
  virtual_network_name              = azurerm_virtual_network.this.name
  address_prefixes                  = [local.endpoints_cidr]
  default_outbound_access_enabled   = false
  private_endpoint_network_policies = "Enabled"
}

resource "azurerm_network_security_group" "workload" {
  name                = "${var.name}-workload"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_network_security_rule" "workload_inbound" {
  for_each = local.workload_inbound

  name                        = "allow-${each.key}-from-internet"
  description                 = "The public entry point of the application (TLS)"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.workload.name
  priority                    = each.value.priority
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_address_prefix       = "Internet"
  source_port_range           = "*"
  destination_address_prefix  = local.workload_cidr
  destination_port_range      = tostring(each.value.port)
}

resource "azurerm_subnet_network_security_group_association" "workload" {
  subnet_id                 = azurerm_subnet.workload.id
  network_security_group_id = azurerm_network_security_group.workload.id
}

# The database subnet accepts its engine's port from the workload subnet only.
resource "azurerm_network_security_group" "database" {
  count = var.database_delegation == null ? 0 : 1

  name                = "${var.name}-database"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_network_security_rule" "database_from_workload" {
  count = var.database_delegation == null ? 0 : 1

  name                        = "allow-database-from-workload"
  description                 = "Database connections from the application"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.database[0].name
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_address_prefix       = local.workload_cidr
  source_port_range           = "*"
  destination_address_prefix  = local.database_cidr
  destination_port_range      = tostring(var.database_port)
}

# High availability replicates between the primary and the standby inside the subnet.
resource "azurerm_network_security_rule" "database_within_subnet" {
  count = var.database_delegation == null ? 0 : 1

  name                        = "allow-within-database-subnet"
  description                 = "Replication between the primary and its standby"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.database[0].name
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_address_prefix       = local.database_cidr
  source_port_range           = "*"
  destination_address_prefix  = local.database_cidr
  destination_port_range      = "*"
}

resource "azurerm_network_security_rule" "database_deny_vnet" {
  count = var.database_delegation == null ? 0 : 1

  name                        = "deny-other-vnet-traffic"
  description                 = "Nothing else in the virtual network reaches the database"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.database[0].name
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_address_prefix       = "VirtualNetwork"
  source_port_range           = "*"
  destination_address_prefix  = "*"
  destination_port_range      = "*"
}

resource "azurerm_subnet_network_security_group_association" "database" {
  count = var.database_delegation == null ? 0 : 1

  subnet_id                 = azurerm_subnet.database[0].id
  network_security_group_id = azurerm_network_security_group.database[0].id
}

# Private endpoints (Key Vault, Redis, storage) accept traffic from the workload subnet only.
resource "azurerm_network_security_group" "endpoints" {
  name                = "${var.name}-endpoints"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_network_security_rule" "endpoints_from_workload" {
  name                        = "allow-endpoints-from-workload"
  description                 = "Private endpoint traffic from the application"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.endpoints.name
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_address_prefix       = local.workload_cidr
  source_port_range           = "*"
  destination_address_prefix  = local.endpoints_cidr
  destination_port_range      = "*"
}

resource "azurerm_network_security_rule" "endpoints_deny_vnet" {
  name                        = "deny-other-vnet-traffic"
  description                 = "Nothing else in the virtual network reaches the private endpoints"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.endpoints.name
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_address_prefix       = "VirtualNetwork"
  source_port_range           = "*"
  destination_address_prefix  = "*"
  destination_port_range      = "*"
}

resource "azurerm_subnet_network_security_group_association" "endpoints" {
  subnet_id                 = azurerm_subnet.endpoints.id
  network_security_group_id = azurerm_network_security_group.endpoints.id
}

################################################################################
# Outbound: a NAT gateway gives the workload subnet one fixed public address (regional, not
# zonal: a zonal NAT gateway would tie egress to one zone)
################################################################################

resource "azurerm_public_ip" "nat" {
  name                = "${var.name}-nat"
  location            = var.location
  resource_group_name = var.resource_group_name
  allocation_method   = "Static"
  sku                 = "Standard"
  tags                = var.tags
}

resource "azurerm_nat_gateway" "this" {
  name                    = var.name
  location                = var.location
  resource_group_name     = var.resource_group_name
  sku_name                = "Standard"
  idle_timeout_in_minutes = 10
  tags                    = var.tags
}

resource "azurerm_nat_gateway_public_ip_association" "this" {
  nat_gateway_id       = azurerm_nat_gateway.this.id
  public_ip_address_id = azurerm_public_ip.nat.id
}

resource "azurerm_subnet_nat_gateway_association" "workload" {
  subnet_id      = azurerm_subnet.workload.id
  nat_gateway_id = azurerm_nat_gateway.this.id
}

################################################################################
# Diagnostics: security group events to the environment's Log Analytics workspace
################################################################################

resource "azurerm_monitor_diagnostic_setting" "nsg" {
  for_each = merge(
    {
      workload  = azurerm_network_security_group.workload.id
      endpoints = azurerm_network_security_group.endpoints.id
    },
    { for nsg in azurerm_network_security_group.database : "database" => nsg.id },
  )

  name                       = "to-log-analytics"
  target_resource_id         = each.value
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }
}
