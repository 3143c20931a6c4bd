variable "name" {
  description = "Name prefix of every resource (project-environment); also the cluster name (shortened past 40 characters)."
  type        = string
}

variable "project_id" {
  description = "Project of the cluster (its Workload Identity pool is <project>.svc.id.goog)."
  type        = string
}

variable "region" {
  description = "Region of the (regional) cluster."
  type        = string
}

variable "zone_count" {
  description = "Zones of the region the nodes are spread over."
  type        = number
  default     = 3

  validation {
    condition     = contains([2, 3], var.zone_count)
    error_message = "zone_count must be 2 or 3."
  }
}

variable "network_id" {
  description = "VPC network of the cluster."
  type        = string
}

variable "subnet_id" {
  description = "Subnet of the nodes."
  type        = string
}

variable "pods_range_name" {
  description = "Secondary range of the subnet for pod addresses."
  type        = string
}

variable "services_range_name" {
  description = "Secondary range of the subnet for service addresses."
  type        = string
}

variable "release_channel" {
  description = "GKE release channel: REGULAR (versions a few weeks after RAPID) or STABLE (after REGULAR has proven them)."
  type        = string
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "machine_type" {
  description = "Machine type of the nodes."
  type        = string
}

variable "node_min" {
  description = "Fewest nodes, all zones together."
  type        = number

  validation {
    condition     = var.node_min >= 1
    error_message = "node_min must be at least 1."
  }
}

variable "node_max" {
  description = "Most nodes, all zones together (cluster autoscaler ceiling)."
  type        = number
}

variable "node_disk_size_gb" {
  description = "Boot disk of each node in GB."
  type        = number
  default     = 50
}

variable "max_pods_per_node" {
  description = "Pods per node; sizes the share of the pods range each node takes (32 pods: a /26)."
  type        = number
  default     = 32

  validation {
    condition     = var.max_pods_per_node >= 8 && var.max_pods_per_node <= 256
    error_message = "max_pods_per_node must be between 8 and 256."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster (terraform destroy fails until it is turned off)."
  type        = bool
  default     = true
}

variable "app_namespace" {
  description = "Kubernetes namespace of the application."
  type        = string
  default     = "app"
}

variable "app_service_account" {
  description = "Kubernetes service account of the application's pods; it acts as the application's Google service account."
  type        = string
  default     = "app"
}

variable "secret_ids" {
  description = "Secrets the application's Google service account may read (a label => secret ID)."
  type        = map(string)
  default     = {}
}

variable "restart_threshold" {
  description = "Container restarts in the application's namespace, in 10 minutes, above which the restart alert fires."
  type        = number
  default     = 5
}

variable "notification_channels" {
  description = "Notification channels of the alert policies."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels of the nodes and alert policies, which the provider's default labels do not reach."
  type        = map(string)
  default     = {}
}

variable "control_plane_external_access" {
  description = "The control plane's DNS endpoint accepts IAM-authorized traffic from outside Google Cloud (false: only from the VPC, e.g. self-hosted CI runners in it)."
  type        = bool
  default     = false
}
