variable "name" {
  description = "Name prefix of every resource (project-environment)."
  type        = string
}

variable "unique_suffix" {
  description = "Short suffix of the endpoint's host name (<name>-<suffix>-<hash>.azurefd.net)."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment."
  type        = string
}

variable "origin_host_name" {
  description = "Host name of the origin Front Door forwards to over HTTPS (a storage web endpoint, a function app, a container app)."
  type        = string
}

variable "origin_path" {
  description = "Path prefix added to every request to the origin (static sites: the release folder); the pipeline changes it, Terraform only sets the first one."
  type        = string
  default     = null
}

variable "health_probe_path" {
  description = "Path Front Door probes on the origin."
  type        = string
  default     = "/"
}

variable "caching" {
  description = "Cache responses at the edge (static content); off forwards every request."
  type        = bool
  default     = false
}

variable "rate_limit_per_minute" {
  description = "Requests one client address may send per minute before the WAF answers 429."
  type        = number
  default     = 1000
}

variable "domain_name" {
  description = "Custom domain served with a managed certificate; null for the endpoint's own host name only."
  type        = string
  default     = null
}

variable "dns_zone_name" {
  description = "Azure DNS zone holding domain_name (its validation TXT and CNAME or alias records)."
  type        = string
  default     = null
}

variable "dns_zone_id" {
  description = "ID of the Azure DNS zone."
  type        = string
  default     = null
}

variable "dns_zone_resource_group_name" {
  description = "Resource group of the Azure DNS zone."
  type        = string
  default     = null
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the access, health probe and WAF logs."
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
