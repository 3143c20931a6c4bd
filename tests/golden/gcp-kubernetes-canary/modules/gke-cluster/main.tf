locals {
  # Cluster names are limited to 40 characters, service account IDs to 30.
  cluster_name = length(var.name) <= 40 ? var.name : "${substr(var.name, 0, 35)}-${substr(md5(var.name), 0, 4)}"
  sa_prefix    = length(var.name) <= 23 ? var.name : "${substr(var.name, 0, 18)}-${substr(md5(var.name), 0, 4)}"

  node_zones = slice(sort(data.google_compute_zones.available.names), 0, min(var.zone_count, length(data.google_compute_zones.available.names)))

  node_service_account_roles = [
    "roles/container.defaultNodeServiceAccount", # logs, metrics, metadata: what nodes need, nothing more
  ]

  cluster   = "resource.labels.cluster_name=\"${google_container_cluster.this.name}\" AND resource.labels.location=\"${google_container_cluster.this.location}\""
  workloads = "resource.type=\"k8s_container\" AND ${local.cluster} AND resource.labels.namespace_name=\"${var.app_namespace}\""
}

data "google_compute_zones" "available" {
  region = var.region
  status = "UP"
}

################################################################################
# Node identity: a dedicated service account instead of the Compute Engine default one, created
# by bootstrap (runtime.tf), which lets the deploy identity act as it and as no other account
################################################################################

data "google_service_account" "nodes" {
  account_id = "${local.sa_prefix}-nodes"
}

resource "google_project_iam_member" "nodes" {
  for_each = toset(local.node_service_account_roles)

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${data.google_service_account.nodes.email}"
}

################################################################################
# Cluster: GKE Standard, regional control plane, private nodes, control plane reached through its
# DNS endpoint (IAM-authorized, no IP allowlist), Dataplane V2 (network policies built in),
# Workload Identity, Shielded nodes, Binary Authorization, a release channel.
################################################################################

# The default node pool is removed once the cluster exists; its settings only matter for the
# minutes it lives, and are ignored afterwards. The provider's default labels (project,
# environment, owner) are added to the cluster's resource labels.
resource "google_container_cluster" "this" {
  # checkov:skip=CKV_GCP_65: cluster access is granted through IAM roles (bootstrap gives CI its roles); Google Groups for RBAC need a Google Workspace or Cloud Identity domain
  name                        = local.cluster_name
  description                 = "Kubernetes cluster of ${var.name}"
  location                    = var.region
  node_locations              = local.node_zones
  network                     = var.network_id
  subnetwork                  = var.subnet_id
  networking_mode             = "VPC_NATIVE"
  datapath_provider           = "ADVANCED_DATAPATH"
  remove_default_node_pool    = true
  initial_node_count          = 1
  default_max_pods_per_node   = var.max_pods_per_node
  deletion_protection         = var.deletion_protection
  enable_shielded_nodes       = true
  enable_intranode_visibility = true
  resource_labels             = { component = "kubernetes" }

  ip_allocation_policy {
    cluster_secondary_range_name  = var.pods_range_name
    services_secondary_range_name = var.services_range_name
    stack_type                    = "IPV4"
  }

  network_policy {
    enabled = false
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
  }

  # Protected environments keep the control plane private: its DNS endpoint takes no traffic
  # from outside Google Cloud, so their CI jobs run on self-hosted runners in the environment's
  # VPC (docs/SECURITY.md); the others accept it, IAM-authorized.
  control_plane_endpoints_config {
    dns_endpoint_config {
      allow_external_traffic = var.control_plane_external_access
    }
  }

  master_authorized_networks_config {
    gcp_public_cidrs_access_enabled = false
  }

  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }

  release_channel {
    channel = var.release_channel
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  binary_authorization {
    evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE"
  }

  secret_manager_config {
    enabled = true
  }

  security_posture_config {
    mode               = "BASIC"
    vulnerability_mode = "VULNERABILITY_BASIC"
  }

  cost_management_config {
    enabled = true
  }

  gateway_api_config {
    channel = "CHANNEL_STANDARD"
  }

  addons_config {
    http_load_balancing {
      disabled = false
    }

    horizontal_pod_autoscaling {
      disabled = false
    }

    gce_persistent_disk_csi_driver_config {
      enabled = true
    }

    dns_cache_config {
      enabled = true
    }
  }

  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]
  }

  monitoring_config {
    enable_components = ["SYSTEM_COMPONENTS", "DEPLOYMENT", "POD", "HPA"]

    managed_prometheus {
      enabled = true
    }
  }

  maintenance_policy {
    recurring_window {
      start_time = "2025-01-04T02:00:00Z"
      end_time   = "2025-01-04T08:00:00Z"
      recurrence = "FREQ=WEEKLY;BYDAY=SA,SU"
    }
  }

  node_config {
    service_account = data.google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    image_type      = "COS_CONTAINERD"

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }

  lifecycle {
    ignore_changes = [node_config, initial_node_count]
  }

  depends_on = [google_project_iam_member.nodes]
}

################################################################################
# Node pool, sized per environment; replaced (new pool first) when its machine type changes
################################################################################

resource "google_container_node_pool" "default" {
  name_prefix        = "default-"
  cluster            = google_container_cluster.this.id
  location           = var.region
  node_locations     = local.node_zones
  initial_node_count = max(1, ceil(var.node_min / length(local.node_zones)))
  max_pods_per_node  = var.max_pods_per_node

  autoscaling {
    total_min_node_count = var.node_min
    total_max_node_count = var.node_max
    location_policy      = "BALANCED"
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  upgrade_settings {
    strategy        = "SURGE"
    max_surge       = 1
    max_unavailable = 0
  }

  node_config {
    machine_type    = var.machine_type
    image_type      = "COS_CONTAINERD"
    disk_type       = "pd-balanced"
    disk_size_gb    = var.node_disk_size_gb
    service_account = data.google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    resource_labels = var.labels

    metadata = {
      disable-legacy-endpoints = "true"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [initial_node_count]
  }
}

################################################################################
# The application's identity (Workload Identity) and its public address
################################################################################

# Created by bootstrap (runtime.tf): the identity of the application's pods (Kubernetes service
# account app_namespace/app_service_account).
data "google_service_account" "app" {
  account_id = "${local.sa_prefix}-app"
}

# The member names the cluster's workload identity pool (<project>.svc.id.goog), which GKE
# creates with the first cluster of the project that enables Workload Identity: before it
# exists the grant fails ("Identity Pool does not exist"), hence the dependency on the cluster.
resource "google_service_account_iam_member" "app_workload_identity" {
  service_account_id = data.google_service_account.app.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${google_container_cluster.this.workload_identity_config[0].workload_pool}[${var.app_namespace}/${var.app_service_account}]"

  depends_on = [google_container_cluster.this]
}

resource "google_secret_manager_secret_iam_member" "app" {
  for_each = var.secret_ids

  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${data.google_service_account.app.email}"
}

# The application's Ingress takes this address (kubernetes.io/ingress.global-static-ip-name), so
# that DNS and the URL outlive the Ingress.
resource "google_compute_global_address" "ingress" {
  name         = "${var.name}-ingress"
  description  = "Address of the Ingress of ${var.name}"
  address_type = "EXTERNAL"
  ip_version   = "IPV4"
}

################################################################################
# Alerts and dashboard widgets
################################################################################

resource "google_monitoring_alert_policy" "node_cpu" {
  display_name          = "${var.name}: node CPU above 80% for 15 minutes"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "Average allocatable CPU utilization of the nodes above 80%"

    condition_threshold {
      filter          = "metric.type=\"kubernetes.io/node/cpu/allocatable_utilization\" AND resource.type=\"k8s_node\" AND ${local.cluster}"
      comparison      = "COMPARISON_GT"
      threshold_value = 0.8
      duration        = "900s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_MEAN"
        cross_series_reducer = "REDUCE_MEAN"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The nodes of ${local.cluster_name} are busy: the autoscaler adds nodes up to gke_node_max; if it is reached, raise it (or the machine type) in environments/<env>.tfvars."
  }
}

resource "google_monitoring_alert_policy" "restarts" {
  display_name          = "${var.name}: application containers restarting"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = "More than ${var.restart_threshold} container restarts in ${var.app_namespace} in 10 minutes"

    condition_threshold {
      filter          = "metric.type=\"kubernetes.io/container/restart_count\" AND ${local.workloads}"
      comparison      = "COMPARISON_GT"
      threshold_value = var.restart_threshold
      duration        = "0s"

      aggregations {
        alignment_period     = "600s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Pods of ${var.app_namespace} crash or fail their liveness probes. If a release just went out, roll it back (docs/runbooks/rollback.md); otherwise read their logs (kubectl logs --previous)."
  }
}

locals {
  dashboard_widgets = [
    {
      title = "Node CPU and memory (allocatable utilization)"
      xyChart = {
        dataSets = [
          for metric in ["kubernetes.io/node/cpu/allocatable_utilization", "kubernetes.io/node/memory/allocatable_utilization"] : {
            plotType = "LINE"
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter = "metric.type=\"${metric}\" AND resource.type=\"k8s_node\" AND ${local.cluster}"
                aggregation = {
                  alignmentPeriod    = "300s"
                  perSeriesAligner   = "ALIGN_MEAN"
                  crossSeriesReducer = "REDUCE_MEAN"
                }
              }
            }
          }
        ]
      }
    },
    {
      title = "Application container restarts"
      xyChart = {
        dataSets = [{
          plotType = "STACKED_BAR"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"kubernetes.io/container/restart_count\" AND ${local.workloads}"
              aggregation = {
                alignmentPeriod    = "300s"
                perSeriesAligner   = "ALIGN_DELTA"
                crossSeriesReducer = "REDUCE_SUM"
                groupByFields      = ["resource.label.pod_name"]
              }
            }
          }
        }]
      }
    },
    {
      title = "Application CPU (cores used)"
      xyChart = {
        dataSets = [{
          plotType = "STACKED_AREA"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"kubernetes.io/container/cpu/core_usage_time\" AND ${local.workloads}"
              aggregation = {
                alignmentPeriod    = "60s"
                perSeriesAligner   = "ALIGN_RATE"
                crossSeriesReducer = "REDUCE_SUM"
                groupByFields      = ["resource.label.container_name"]
              }
            }
          }
        }]
      }
    },
  ]
}
