locals {
  custom_domain = var.domain_name != null
  # The record of the custom domain inside its DNS zone: "@" at the apex (an alias A record, since
  # a CNAME cannot live there), the label otherwise (a CNAME to the endpoint).
  record_name = local.custom_domain ? (var.domain_name == var.dns_zone_name ? "@" : trimsuffix(var.domain_name, ".${var.dns_zone_name}")) : null
  apex        = local.record_name == "@"
  # Front Door resource names: letters, digits and hyphens.
  domain_resource_name = local.custom_domain ? replace(var.domain_name, ".", "-") : null
}

# Azure Front Door (Standard): the public HTTPS entry point, with managed certificates, HTTP to
# HTTPS redirection, caching at the edge and a WAF policy (custom rules: Standard has no managed
# rule sets).
resource "azurerm_cdn_frontdoor_profile" "this" {
  name                     = var.name
  resource_group_name      = var.resource_group_name
  sku_name                 = "Standard_AzureFrontDoor"
  response_timeout_seconds = 60
  tags                     = var.tags
}

resource "azurerm_cdn_frontdoor_endpoint" "this" {
  name                     = "${substr(var.name, 0, 39)}-${var.unique_suffix}"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.this.id
  tags                     = var.tags
}

resource "azurerm_cdn_frontdoor_origin_group" "this" {
  name                     = "origin"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.this.id
  session_affinity_enabled = false

  restore_traffic_time_to_healed_or_new_endpoint_in_minutes = 5

  health_probe {
    protocol            = "Https"
    path                = var.health_probe_path
    request_type        = "HEAD"
    interval_in_seconds = 60
  }

  load_balancing {
    sample_size                 = 4
    successful_samples_required = 3
  }
}

resource "azurerm_cdn_frontdoor_origin" "this" {
  name                           = "origin"
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.this.id
  enabled                        = true
  host_name                      = var.origin_host_name
  origin_host_header             = var.origin_host_name
  https_port                     = 443
  certificate_name_check_enabled = true
  priority                       = 1
  weight                         = 1000
}

resource "azurerm_cdn_frontdoor_route" "this" {
  name                          = "default"
  cdn_frontdoor_endpoint_id     = azurerm_cdn_frontdoor_endpoint.this.id
  cdn_frontdoor_origin_group_id = azurerm_cdn_frontdoor_origin_group.this.id
  cdn_frontdoor_origin_ids      = [azurerm_cdn_frontdoor_origin.this.id]
  cdn_frontdoor_origin_path     = var.origin_path
  patterns_to_match             = ["/*"]
  supported_protocols           = ["Http", "Https"]
  https_redirect_enabled        = true
  forwarding_protocol           = "HttpsOnly"
  link_to_default_domain        = true

  cdn_frontdoor_custom_domain_ids = azurerm_cdn_frontdoor_custom_domain.this[*].id

  dynamic "cache" {
    for_each = var.caching ? [1] : []

    content {
      query_string_caching_behavior = "IgnoreQueryString"
      compression_enabled           = true
      content_types_to_compress     = ["text/html", "text/css", "text/plain", "text/javascript", "application/javascript", "application/json", "image/svg+xml"]
    }
  }

  lifecycle {
    # Static sites: the pipeline points the route at the release folder it publishes.
    ignore_changes = [cdn_frontdoor_origin_path]
  }
}

################################################################################
# Custom domain: managed certificate, validated through the environment's Azure DNS zone
################################################################################

resource "azurerm_cdn_frontdoor_custom_domain" "this" {
  count = local.custom_domain ? 1 : 0

  name                     = local.domain_resource_name
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.this.id
  dns_zone_id              = var.dns_zone_id
  host_name                = var.domain_name

  tls {
    certificate_type    = "ManagedCertificate"
    minimum_tls_version = "TLS12"
  }
}

resource "azurerm_dns_txt_record" "validation" {
  count = local.custom_domain ? 1 : 0

  name                = local.apex ? "_dnsauth" : "_dnsauth.${local.record_name}"
  zone_name           = var.dns_zone_name
  resource_group_name = var.dns_zone_resource_group_name
  ttl                 = 3600
  tags                = var.tags

  record {
    value = azurerm_cdn_frontdoor_custom_domain.this[0].validation_token
  }
}

resource "azurerm_dns_cname_record" "this" {
  count = local.custom_domain && !local.apex ? 1 : 0

  name                = local.record_name
  zone_name           = var.dns_zone_name
  resource_group_name = var.dns_zone_resource_group_name
  ttl                 = 3600
  record              = azurerm_cdn_frontdoor_endpoint.this.host_name
  tags                = var.tags

  depends_on = [azurerm_cdn_frontdoor_route.this]
}

resource "azurerm_dns_a_record" "apex" {
  count = local.custom_domain && local.apex ? 1 : 0

  name                = "@"
  zone_name           = var.dns_zone_name
  resource_group_name = var.dns_zone_resource_group_name
  ttl                 = 3600
  target_resource_id  = azurerm_cdn_frontdoor_endpoint.this.id
  tags                = var.tags

  depends_on = [azurerm_cdn_frontdoor_route.this]
}

resource "azurerm_cdn_frontdoor_custom_domain_association" "this" {
  count = local.custom_domain ? 1 : 0

  cdn_frontdoor_custom_domain_id = azurerm_cdn_frontdoor_custom_domain.this[0].id
  cdn_frontdoor_route_ids        = [azurerm_cdn_frontdoor_route.this.id]
}

################################################################################
# Web application firewall: rate limiting per client address
################################################################################

resource "azurerm_cdn_frontdoor_firewall_policy" "this" {
  name                              = replace(var.name, "-", "")
  resource_group_name               = var.resource_group_name
  sku_name                          = "Standard_AzureFrontDoor"
  enabled                           = true
  mode                              = "Prevention"
  request_body_check_enabled        = true
  custom_block_response_status_code = 429
  tags                              = var.tags

  custom_rule {
    name                           = "RateLimitPerClient"
    type                           = "RateLimitRule"
    action                         = "Block"
    priority                       = 100
    rate_limit_duration_in_minutes = 1
    rate_limit_threshold           = var.rate_limit_per_minute

    match_condition {
      match_variable = "RemoteAddr"
      operator       = "IPMatch"
      match_values   = ["0.0.0.0/0", "::/0"]
    }
  }
}

resource "azurerm_cdn_frontdoor_security_policy" "this" {
  name                     = "${var.name}-waf"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.this.id

  security_policies {
    firewall {
      cdn_frontdoor_firewall_policy_id = azurerm_cdn_frontdoor_firewall_policy.this.id

      association {
        patterns_to_match = ["/*"]

        domain {
          cdn_frontdoor_domain_id = azurerm_cdn_frontdoor_endpoint.this.id
        }

        dynamic "domain" {
          for_each = azurerm_cdn_frontdoor_custom_domain.this

          content {
            cdn_frontdoor_domain_id = domain.value.id
          }
        }
      }
    }
  }
}

################################################################################
# Logs and alerts
################################################################################

resource "azurerm_monitor_diagnostic_setting" "this" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_cdn_frontdoor_profile.this.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_metric_alert" "server_errors" {
  name                = "${var.name}-edge-5xx"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_cdn_frontdoor_profile.this.id]
  description         = "More than 5% of the requests to ${var.name} answered 5xx for 10 minutes"
  severity            = 1
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.Cdn/profiles"
    metric_name      = "Percentage5XX"
    aggregation      = "Average"
    operator         = "GreaterThan"
    threshold        = 5
  }

  action {
    action_group_id = var.action_group_id
  }
}

resource "azurerm_monitor_metric_alert" "origin_health" {
  name                = "${var.name}-origin-health"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_cdn_frontdoor_profile.this.id]
  description         = "Front Door health probes of ${var.name} succeed less than 90% of the time: the origin is failing"
  severity            = 1
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = var.tags

  criteria {
    metric_namespace = "Microsoft.Cdn/profiles"
    metric_name      = "OriginHealthPercentage"
    aggregation      = "Average"
    operator         = "LessThan"
    threshold        = 90
  }

  action {
    action_group_id = var.action_group_id
  }
}

################################################################################
# Dashboard charts of this edge (the observability module lays them out)
################################################################################

locals {
  # What the edge answers: requests by status group, and the latency a client sees.
  dashboard_widgets = [
    {
      title    = "${var.name}: Front Door requests by status group"
      split_by = "HttpStatusGroup"
      metrics = [
        { resource_id = azurerm_cdn_frontdoor_profile.this.id, namespace = "Microsoft.Cdn/profiles", name = "RequestCount", aggregation = "Sum", display_name = "Requests" },
      ]
    },
    {
      title    = "${var.name}: Front Door total latency (ms)"
      split_by = ""
      metrics = [
        { resource_id = azurerm_cdn_frontdoor_profile.this.id, namespace = "Microsoft.Cdn/profiles", name = "TotalLatency", aggregation = "Average", display_name = "Total latency" },
      ]
    },
  ]
}
