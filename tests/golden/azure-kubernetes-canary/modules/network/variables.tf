variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "location" {
  description = "Azure region of the network."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "address_space" {
  description = "IPv4 CIDR block of the virtual network (/16 to /24); subnets are carved from it."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.address_space)) && tonumber(split("/", var.address_space)[1]) >= 16 && tonumber(split("/", var.address_space)[1]) <= 24
    error_message = "address_space must be an IPv4 CIDR block from /16 to /24."
  }
}

variable "workload_delegation" {
  description = "Service the workload subnet is delegated to (Microsoft.App/environments, Microsoft.Web/serverFarms), or null (AKS nodes)."
  type        = string
  default     = null

  validation {
    condition     = var.workload_delegation == null || contains(["Microsoft.App/environments", "Microsoft.Web/serverFarms"], coalesce(var.workload_delegation, "-"))
    error_message = "workload_delegation must be null, Microsoft.App/environments or Microsoft.Web/serverFarms."
  }
}

variable "public_ingress_ports" {
  description = "TCP ports the workload subnet accepts from the internet (the application's public entry point); empty when it has none."
  type        = list(number)
  default     = []
}

variable "database_delegation" {
  description = "Flexible server the database subnet is delegated to (Microsoft.DBforPostgreSQL/flexibleServers or Microsoft.DBforMySQL/flexibleServers), or null for no database subnet."
  type        = string
  default     = null

  validation {
    condition     = var.database_delegation == null || contains(["Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.DBforMySQL/flexibleServers"], coalesce(var.database_delegation, "-"))
    error_message = "database_delegation must be null or a PostgreSQL or MySQL flexible server delegation."
  }
}

variable "database_port" {
  description = "Port the database listens on (5432 PostgreSQL, 3306 MySQL)."
  type        = number
  default     = 5432
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace that receives the network security group logs."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
