variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "region" {
  description = "Region of the subnet, router and NAT gateway."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 CIDR block of the environment (/16 to /24); every range of the network is carved from it."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 24
    error_message = "cidr_block must be an IPv4 CIDR block from /16 to /24."
  }
}

variable "kubernetes_ranges" {
  description = "Add the secondary ranges GKE uses for pods and services to the workloads subnet."
  type        = bool
  default     = false
}

variable "private_services_access" {
  description = "Reserve a range for private services access and peer it with Google's service producers (Cloud SQL, Memorystore)."
  type        = bool
  default     = false
}

variable "flow_log_sampling" {
  description = "Share of flows recorded in the subnet's VPC flow logs (0 to 1)."
  type        = number
  default     = 0.5

  validation {
    condition     = var.flow_log_sampling > 0 && var.flow_log_sampling <= 1
    error_message = "flow_log_sampling must be greater than 0 and at most 1."
  }
}
