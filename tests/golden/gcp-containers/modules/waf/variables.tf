variable "name" {
  description = "Name prefix of every resource (project-environment); also the policy name."
  type        = string
}

variable "preview" {
  description = "Only log what the OWASP rules would block (the CVE rule always blocks)."
  type        = bool
  default     = false
}
