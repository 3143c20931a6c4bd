locals {
  prefix_length = tonumber(split("/", var.cidr_block)[1])

  # The environment's block is cut in 16 equal slots: GKE pods take slots 0-7, the workloads
  # subnet 8-11, GKE services 12, the serverless connector the first /28 of 13, private services
  # access (Cloud SQL, Memorystore) 14-15. Every range stays inside the environment's CIDR, so
  # environments never overlap and a firewall rule on the CIDR covers them all.
  pods_cidr      = cidrsubnet(var.cidr_block, 1, 0)
  subnet_cidr    = cidrsubnet(var.cidr_block, 2, 2)
  services_cidr  = cidrsubnet(var.cidr_block, 4, 12)
  connector_cidr = cidrsubnet(cidrsubnet(var.cidr_block, 4, 13), 28 - (local.prefix_length + 4), 0)
  psa_cidr       = cidrsubnet(var.cidr_block, 3, 7)

  secondary_ranges = var.kubernetes_ranges ? {
    pods     = local.pods_cidr
    services = local.services_cidr
  } : {}
}

resource "google_compute_network" "this" {
  name                            = var.name
  description                     = "Network of ${var.name}"
  auto_create_subnetworks         = false
  routing_mode                    = "REGIONAL"
  delete_default_routes_on_create = false
}

# Private Google Access: private workloads reach Google APIs without external addresses.
resource "google_compute_subnetwork" "workloads" {
  name                     = "${var.name}-workloads"
  description              = "Workloads of ${var.name}: GKE nodes, Cloud Run instances (Direct VPC egress)"
  network                  = google_compute_network.this.id
  region                   = var.region
  ip_cidr_range            = local.subnet_cidr
  private_ip_google_access = true
  stack_type               = "IPV4_ONLY"

  dynamic "secondary_ip_range" {
    for_each = local.secondary_ranges

    content {
      range_name    = secondary_ip_range.key
      ip_cidr_range = secondary_ip_range.value
    }
  }

  log_config {
    aggregation_interval = "INTERVAL_30_SEC"
    flow_sampling        = var.flow_log_sampling
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

################################################################################
# Outbound internet: Cloud Router + Cloud NAT, no external addresses on workloads
################################################################################

resource "google_compute_router" "this" {
  name    = var.name
  network = google_compute_network.this.id
  region  = var.region
}

resource "google_compute_router_nat" "this" {
  name                               = var.name
  router                             = google_compute_router.this.name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "LIST_OF_SUBNETWORKS"
  enable_dynamic_port_allocation     = true
  min_ports_per_vm                   = 64
  max_ports_per_vm                   = 4096

  subnetwork {
    name                    = google_compute_subnetwork.workloads.id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

################################################################################
# Firewall: deny by default in both directions, then allow what the workloads need. The rules
# Google services add themselves (GKE, load balancer health checks) take priority 1000 and up.
################################################################################

resource "google_compute_firewall" "deny_all_ingress" {
  name        = "${var.name}-deny-all-ingress"
  description = "Deny every inbound connection not allowed by a higher-priority rule"
  network     = google_compute_network.this.id
  direction   = "INGRESS"
  priority    = 65534

  source_ranges = ["0.0.0.0/0"]

  deny {
    protocol = "all"
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "deny_all_egress" {
  name        = "${var.name}-deny-all-egress"
  description = "Deny every outbound connection not allowed by a higher-priority rule"
  network     = google_compute_network.this.id
  direction   = "EGRESS"
  priority    = 65534

  destination_ranges = ["0.0.0.0/0"]

  deny {
    protocol = "all"
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

# Every range of the environment (subnet, pods, services, connector, Cloud SQL and Memorystore
# through private services access) is inside its CIDR.
resource "google_compute_firewall" "allow_internal_egress" {
  name        = "${var.name}-allow-internal-egress"
  description = "Traffic to the environment's own ranges; the destination's own rules decide"
  network     = google_compute_network.this.id
  direction   = "EGRESS"
  priority    = 1000

  destination_ranges = [var.cidr_block]

  allow {
    protocol = "all"
  }
}

resource "google_compute_firewall" "allow_https_egress" {
  name        = "${var.name}-allow-https-egress"
  description = "HTTPS to Google APIs and third parties (through Cloud NAT)"
  network     = google_compute_network.this.id
  direction   = "EGRESS"
  priority    = 1000

  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}

################################################################################
# Private services access: Cloud SQL and Memorystore get private addresses in this range
################################################################################

resource "google_compute_global_address" "private_services" {
  count = var.private_services_access ? 1 : 0

  name          = "${var.name}-private-services"
  description   = "Private services access range of ${var.name} (Cloud SQL, Memorystore)"
  network       = google_compute_network.this.id
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  address       = cidrhost(local.psa_cidr, 0)
  prefix_length = local.prefix_length + 3

  lifecycle {
    precondition {
      condition     = local.prefix_length + 3 <= 24
      error_message = "Cloud SQL and Memorystore need a private services access range of /24 or larger: give the environment a /21 or larger CIDR."
    }
  }
}

# Kept on destroy (ABANDON): the peering cannot be deleted while Google still holds addresses in
# it, and it goes away with the network.
resource "google_service_networking_connection" "private_services" {
  count = var.private_services_access ? 1 : 0

  network                 = google_compute_network.this.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services[0].name]
  deletion_policy         = "ABANDON"
}
