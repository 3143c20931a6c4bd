variable "name" {
  description = "Name prefix of every resource (project-environment); also the cluster name."
  type        = string
}

variable "location" {
  description = "Azure region of the cluster."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version at creation (null: the region's default); patch upgrades are automatic."
  type        = string
  default     = null
}

variable "sku_tier" {
  description = "Free, or Standard (financially backed API server SLA, more control plane capacity)."
  type        = string
  default     = "Free"

  validation {
    condition     = contains(["Free", "Standard"], var.sku_tier)
    error_message = "sku_tier must be Free or Standard."
  }
}

variable "private_cluster" {
  description = "Private API server (protected environments): reachable from the virtual network only, or through az aks command invoke."
  type        = bool
  default     = true
}

variable "api_authorized_ip_ranges" {
  description = "Public clusters: addresses (CIDR) allowed to the API server; empty allows every address (Entra ID still decides)."
  type        = list(string)
  default     = []
}

variable "admin_group_object_ids" {
  description = "Entra ID groups that administer the cluster (break-glass, platform team)."
  type        = list(string)
  default     = []
}

variable "creator_admin_access" {
  description = "Make whoever runs Terraform a cluster administrator (when no CI identity holds the role)."
  type        = bool
  default     = false
}

variable "vnet_cidr" {
  description = "CIDR block of the virtual network: the pod and service ranges are chosen outside it."
  type        = string
}

variable "subnet_id" {
  description = "Workload subnet of the nodes (with the NAT gateway for outbound traffic)."
  type        = string
}

variable "zones" {
  description = "Availability zones of the node pools; null for none (regions without zones)."
  type        = list(string)
  default     = null
}

variable "system_vm_size" {
  description = "VM size of the system node pool (2-3 nodes)."
  type        = string
  default     = "Standard_D2ds_v5"
}

variable "node_vm_size" {
  description = "VM size of the application node pool."
  type        = string
}

variable "node_min" {
  description = "Fewest application nodes."
  type        = number

  validation {
    condition     = var.node_min >= 1
    error_message = "node_min must be at least 1."
  }
}

variable "node_max" {
  description = "Most application nodes (cluster autoscaler ceiling)."
  type        = number
}

variable "registry_id" {
  description = "Container registry the nodes pull from (AcrPull for the kubelet identity)."
  type        = string
}

variable "app_identity_id" {
  description = "Resource ID of the application's managed identity, federated with its service account."
  type        = string
}

variable "app_namespace" {
  description = "Namespace of the application's workloads."
  type        = string
  default     = "app"
}

variable "app_service_account" {
  description = "Service account of the application's pods (annotated azure.workload.identity/client-id)."
  type        = string
  default     = "app"
}

variable "dns_zone_name" {
  description = "The environment's public DNS zone (its host: the zone's apex), whose A record points at the ingress address; empty for no custom domain."
  type        = string
  default     = ""
}

variable "dns_zone_resource_group_name" {
  description = "Resource group of dns_zone_name."
  type        = string
  default     = ""
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of Container Insights and the control plane logs."
  type        = string
}

variable "action_group_id" {
  description = "Action group the alerts notify."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
