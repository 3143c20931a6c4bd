variable "name" {
  description = "Name prefix of every resource (project-environment); also the cluster name."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and nodes."
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version such as 1.34."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets of the control plane network interfaces and the nodes."
  type        = list(string)
}

variable "endpoint_public_access" {
  description = "Expose the Kubernetes API endpoint on the internet (to public_access_cidrs); the private endpoint is always on."
  type        = bool
  default     = false
}

variable "public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "creator_admin_access" {
  description = "Make the identity that creates the cluster its administrator (used when no CI role is listed in admin_role_names). Only read at creation."
  type        = bool
  default     = false
}

variable "admin_role_names" {
  description = "IAM roles of this account given cluster administration (the CI deploy role, break-glass roles)."
  type        = list(string)
  default     = []
}

variable "viewer_role_names" {
  description = "IAM roles of this account given read access to the whole cluster, Secrets included (the CI plan role)."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "EC2 instance types of the managed node group (x86_64)."
  type        = list(string)

  validation {
    condition     = length(var.node_instance_types) > 0
    error_message = "node_instance_types needs at least one instance type."
  }
}

variable "node_min" {
  description = "Fewest nodes."
  type        = number
}

variable "node_desired" {
  description = "Nodes at creation; afterwards the Cluster Autoscaler (addons/) owns the count, between node_min and node_max."
  type        = number
}

variable "node_max" {
  description = "Most nodes."
  type        = number
}

variable "node_disk_size_gb" {
  description = "Root volume size of a node in GiB."
  type        = number
  default     = 50
}

variable "instance_tags" {
  description = "Tags of the nodes' instances and volumes (provider default tags do not reach them)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for Kubernetes secrets, node volumes, logs and the image registry."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep control plane logs in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "deletion_protection" {
  description = "Protect the cluster from deletion."
  type        = bool
  default     = true
}

variable "app_namespace" {
  description = "Namespace of the application's service account (EKS Pod Identity)."
  type        = string
  default     = "app"
}

variable "app_service_account" {
  description = "Service account the application's pods run as; it receives the application role."
  type        = string
  default     = "app"
}

variable "secret_arns" {
  description = "ARNs of the Secrets Manager secrets the application role may read."
  type        = list(string)
  default     = []
}

variable "force_delete" {
  description = "Let `terraform destroy` delete the image repository with images still in it."
  type        = bool
  default     = false
}

variable "images_to_keep" {
  description = "Most recent images kept in the repository; older ones expire."
  type        = number
  default     = 50
}

variable "alarm_topic_arn" {
  description = "ARN of the SNS topic alarms notify."
  type        = string
}

variable "iam_role_path" {
  description = "IAM path of the module's roles: the runtime-role path the CI deploy role may manage."
  type        = string
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary every role of the module carries (bootstrap/ creates it)."
  type        = string
}

variable "helm_release_namespaces" {
  description = "Namespaces of the add-ons stack, whose Secrets (Helm release records, the load balancer controller's webhook certificate) the viewer roles may read; no other Secret of the cluster."
  type        = list(string)
  default     = ["argo-rollouts", "cluster-controllers"]
}

variable "controllers_namespace" {
  description = "Namespace of the AWS Load Balancer Controller and the Cluster Autoscaler (the add-ons stack creates it); their service accounts receive their roles through EKS Pod Identity."
  type        = string
  default     = "cluster-controllers"
}

variable "database_user_arns" {
  description = "rds-db:connect resources (dbuser ARNs) the application role may sign in as, with IAM database authentication."
  type        = list(string)
  default     = []
}

variable "external_dns_zone_id" {
  description = "Route 53 hosted zone (ID) whose records external-dns may change for the Ingress hosts; null for no external-dns role."
  type        = string
  default     = null
}

variable "rollouts_target_group_verification" {
  description = "Canary with ALB traffic routing: a role (Pod Identity) with the read-only ELB calls the Argo Rollouts controller needs for --aws-verify-target-group."
  type        = bool
  default     = false
}

variable "rollouts_namespace" {
  description = "Namespace of the Argo Rollouts controller (the add-ons stack creates it)."
  type        = string
  default     = "argo-rollouts"
}
