################################################################################
# Every environment's state object exists before its first plan: the GCS backend writes an
# empty state when it finds none, which a read-only plan identity may not do. Written once, as
# an empty state (format version 4) with its own lineage; Terraform's applies replace it, and
# this stack never touches it again (ignore_changes) nor deletes it (ABANDON).
################################################################################

locals {
  state_stacks = ["."]
  state_prefixes = merge([
    for name in keys(local.environments) : {
      for stack in local.state_stacks : (stack == "." ? name : "${name}/${stack}") => name
    }
  ]...)
}

resource "random_uuid" "state" {
  for_each = local.state_prefixes
}

resource "google_storage_bucket_object" "state" {
  for_each = local.state_prefixes

  bucket          = google_storage_bucket.state.name
  name            = "${each.key}/default.tfstate"
  content_type    = "application/json"
  deletion_policy = "ABANDON"
  content = jsonencode({
    version           = 4
    terraform_version = "1.11.0"
    serial            = 0
    lineage           = random_uuid.state[each.key].result
    outputs           = {}
    resources         = []
    check_results     = null
  })

  lifecycle {
    ignore_changes = all
  }
}
