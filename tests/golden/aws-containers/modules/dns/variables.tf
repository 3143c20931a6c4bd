variable "zone_name" {
  description = "Name of the existing public Route 53 hosted zone, for example example.com."
  type        = string
}

variable "domain_name" {
  description = "Fully qualified name of the application inside zone_name (the certificate's subject and the record's name)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "alias_target" {
  description = "Where the record points (a load balancer, distribution or API domain): its DNS name and hosted zone ID. Null creates the certificate only."
  type = object({
    name            = string
    zone_id         = string
    evaluate_health = optional(bool, false)
  })
  default = null
}

variable "alias_record_types" {
  description = "Record types of the alias: A, plus AAAA when the target serves IPv6."
  type        = list(string)
  default     = ["A"]

  validation {
    condition     = alltrue([for type in var.alias_record_types : contains(["A", "AAAA"], type)])
    error_message = "alias_record_types may only hold A and AAAA."
  }
}

variable "certificate_region" {
  description = "Region of the certificate: null for the provider's region, us-east-1 for CloudFront."
  type        = string
  default     = null
}
