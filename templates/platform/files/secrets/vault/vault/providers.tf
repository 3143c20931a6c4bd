# The Vault admin's own login: the token comes from VAULT_TOKEN or ~/.vault-token (`vault login`),
# never from this folder. The namespace (Vault Enterprise, HCP Vault) holds everything below.
provider "vault" {
  address   = var.vault_address
  namespace = var.vault_namespace == "" ? null : var.vault_namespace
}
