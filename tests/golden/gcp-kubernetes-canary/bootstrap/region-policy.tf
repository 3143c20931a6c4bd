################################################################################
# Region policy: the gcp.resourceLocations organization policy on every environment's project
# allows only the regions the environments use (docs/region-policy.md). It applies to resources
# created after it and to resources that have a location; global ones (DNS, the global load
# balancer) are outside it. Setting it needs roles/orgpolicy.policyAdmin on the organization.
################################################################################

locals {
  allowed_regions = ["us-central1"]

  location_policy_projects = toset([for env in var.environments : env.project_id])
}

resource "google_project_service" "orgpolicy" {
  for_each = length(local.location_policy_projects) > 0 ? toset([var.state_project_id]) : toset([])

  project            = each.value
  service            = "orgpolicy.googleapis.com"
  disable_on_destroy = false
}

resource "google_org_policy_policy" "resource_locations" {
  for_each = local.location_policy_projects
  provider = google.billing

  name   = "projects/${each.value}/policies/gcp.resourceLocations"
  parent = "projects/${each.value}"

  spec {
    rules {
      values {
        # A region's value group holds the region and its zones.
        allowed_values = [for region in local.allowed_regions : "in:${region}-locations"]
      }
    }
  }

  depends_on = [google_project_service.orgpolicy]
}
