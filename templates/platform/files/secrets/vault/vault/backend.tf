terraform {
  # The Vault admin's state: it holds the auth method, roles and policies, never a secret value
  # (this stack reads and writes none). Replace with the backend your Vault team keeps its
  # configuration in; local state is lost with the machine that applied it.
  backend "local" {}
}
