locals {
  # Preconfigured WAF rules (OWASP ModSecurity CRS 3.3) at sensitivity 1: the signatures with the
  # fewest false positives. Raise the sensitivity once the application's traffic is known.
  waf_rules = {
    1100 = "sqli-v33-stable"
    1110 = "xss-v33-stable"
    1120 = "lfi-v33-stable"
    1130 = "rfi-v33-stable"
    1140 = "rce-v33-stable"
    1150 = "methodenforcement-v33-stable"
    1160 = "scannerdetection-v33-stable"
    1170 = "protocolattack-v33-stable"
    1180 = "sessionfixation-v33-stable"
  }
}

# Rules by priority: critical CVEs (Log4Shell) always blocked, then the OWASP rule sets, then
# everything else allowed; Adaptive Protection watches for layer 7 DDoS attacks.
resource "google_compute_security_policy" "this" {
  name        = var.name
  description = "Web application firewall of ${var.name}"
  type        = "CLOUD_ARMOR"

  rule {
    action      = "deny(403)"
    priority    = 1000
    description = "Block requests exploiting known critical CVEs (Log4j)"
    preview     = false

    match {
      expr {
        expression = "evaluatePreconfiguredWaf('cve-canary')"
      }
    }
  }

  dynamic "rule" {
    for_each = local.waf_rules

    content {
      action      = "deny(403)"
      priority    = tonumber(rule.key)
      description = "Block ${rule.value} attacks"
      preview     = var.preview

      match {
        expr {
          expression = "evaluatePreconfiguredWaf('${rule.value}', {'sensitivity': 1})"
        }
      }
    }
  }

  rule {
    action      = "allow"
    priority    = 2147483647
    description = "Allow everything not blocked above"

    match {
      versioned_expr = "SRC_IPS_V1"

      config {
        src_ip_ranges = ["*"]
      }
    }
  }

  adaptive_protection_config {
    layer_7_ddos_defense_config {
      enable = true
    }
  }

  advanced_options_config {
    json_parsing = "STANDARD"
    log_level    = "NORMAL"
  }
}
