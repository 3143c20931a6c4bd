variable "zone_name" {
  description = "Name (not DNS name) of the existing Cloud DNS public zone, in the environment's project, that serves domain_name."
  type        = string
}

variable "domain_name" {
  description = "Fully qualified name of the application, without the trailing dot."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name without the trailing dot."
  }
}

variable "ip_address" {
  description = "IPv4 address the name resolves to (the load balancer's)."
  type        = string
}

variable "ttl_seconds" {
  description = "Time to live of the record in seconds."
  type        = number
  default     = 300
}
