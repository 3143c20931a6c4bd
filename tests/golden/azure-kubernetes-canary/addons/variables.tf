variable "cluster_name" {
  description = "The AKS cluster the main stack created (its name and its resource group's)."
  type        = string
}

variable "subscription_id" {
  description = "The environment's subscription."
  type        = string
}

variable "deployment_strategy" {
  description = "rolling, blue-green or canary: Argo Rollouts is installed for the last two."
  type        = string

  validation {
    condition     = contains(["rolling", "blue-green", "canary"], var.deployment_strategy)
    error_message = "deployment_strategy must be rolling, blue-green or canary."
  }
}

variable "kubelogin_login" {
  description = "How kubelogin signs in to the cluster: azurecli (az login session) or workloadidentity (AZURE_FEDERATED_TOKEN_FILE); CI jobs set TF_VAR_kubelogin_login."
  type        = string
  default     = "azurecli"

  validation {
    condition     = contains(["azurecli", "workloadidentity"], var.kubelogin_login)
    error_message = "kubelogin_login must be azurecli or workloadidentity."
  }
}

variable "ingress_class_name" {
  description = "Ingress class of the application routing NGINX on the static address (k8s/base/ingress.yaml names it)."
  type        = string
}

variable "https_host" {
  description = "The environment's host (its DNS zone's apex): cert-manager obtains its Let's Encrypt certificate; empty for HTTP only (no custom domain)."
  type        = string
  default     = ""
}
