# Every value is set per environment in environments/<env>.tfvars.

variable "project_name" {
  description = "Project slug: the first part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.project_name))
    error_message = "project_name must be a lowercase slug of 3-24 characters starting with a letter."
  }
}

variable "environment" {
  description = "Environment name: the second part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$", var.environment))
    error_message = "environment must be a lowercase slug of 1-16 characters starting with a letter."
  }
}

variable "owner" {
  description = "Owning team, tagged on every resource."
  type        = string
}

variable "extra_tags" {
  description = "Tags added to every resource besides project, environment, owner and managed-by (an organisation's tag policy); the four standard tags win on a clash."
  type        = map(string)
  default     = {}
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "account_id" {
  description = "The environment's own AWS account: the provider refuses to work in any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "runtime_role_path" {
  description = "IAM path of the application's runtime roles (bootstrap/ lets the CI deploy role manage this path only)."
  type        = string
}

variable "runtime_boundary_name" {
  description = "Permissions boundary policy (created by bootstrap/) every runtime role carries."
  type        = string
}

variable "protected" {
  description = "Production-grade safety: deletion protection, Multi-AZ, one NAT gateway per AZ, longer retention, private Kubernetes API."
  type        = bool
}

variable "log_retention_days" {
  description = "Days to keep logs (application, flow logs, WAF, database) in CloudWatch Logs."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "alert_email" {
  description = "E-mail address subscribed to the alarm topic; empty for none (refused in protected environments)."
  type        = string
  default     = ""

  validation {
    condition     = !var.protected || var.alert_email != ""
    error_message = "alert_email must be set in a protected environment: its alarms need a subscriber."
  }
}

variable "deployment_strategy" {
  description = "How new application versions reach users: rolling, blue-green or canary (see docs/aws-layout.md)."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the environment's VPC (/16 to /24)."
  type        = string
}

variable "az_count" {
  description = "Availability zones the network spans (2 or 3)."
  type        = number
}

variable "hosted_zone_name" {
  description = "The environment's own public Route 53 hosted zone (created and delegated by bootstrap), holding the application's records."
  type        = string
}

variable "domain_name" {
  description = "Fully qualified name of the application in this environment."
  type        = string
}

variable "eks_node_instance_types" {
  description = "EC2 instance types of the managed node group."
  type        = list(string)
}

variable "eks_node_min" {
  description = "Fewest nodes."
  type        = number
}

variable "eks_node_desired" {
  description = "Nodes at creation (the cluster autoscaler or Karpenter owns the count afterwards)."
  type        = number
}

variable "eks_node_max" {
  description = "Most nodes."
  type        = number
}

variable "eks_admin_role_names" {
  description = "IAM roles given cluster administration: the CI deploy role of the environment, break-glass roles."
  type        = list(string)
}

variable "eks_viewer_role_names" {
  description = "IAM roles given read access to the cluster: the CI plan role of the environment."
  type        = list(string)
}

variable "eks_creator_admin_access" {
  description = "Make whoever creates the cluster its administrator (when no CI role manages it). Only read at creation."
  type        = bool
}

variable "database_engine" {
  description = "Database engine: postgres or mysql."
  type        = string
}

variable "database_instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "database_allocated_storage_gb" {
  description = "Initial database storage in GiB."
  type        = number
}

variable "database_max_allocated_storage_gb" {
  description = "Ceiling of database storage autoscaling in GiB."
  type        = number
}

variable "database_backup_retention_days" {
  description = "Days of automated database backups."
  type        = number
}

variable "database_performance_insights" {
  description = "Turn on Performance Insights (unavailable on the smallest instance classes)."
  type        = bool
}

variable "cache_node_type" {
  description = "ElastiCache node type."
  type        = string
}

variable "cache_nodes" {
  description = "Redis nodes (protected environments get at least 2)."
  type        = number
}
