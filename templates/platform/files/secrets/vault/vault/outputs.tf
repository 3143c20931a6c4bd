output "auth_path" {
  description = "Path of the JWT auth method the deploy jobs log in to (auth/<path>/login)."
  value       = vault_jwt_auth_backend.ci.path
}

output "roles" {
  description = "The deploy role of each environment."
  value       = { for name, role in vault_jwt_auth_backend_role.deploy : name => role.role_name }
}

output "secret_paths" {
  description = "Where each environment's service secrets live: <kv_mount>/data/<project>/<env>/<service>."
  value       = { for name, env in local.environments : name => "${var.kv_mount}/data/${var.project_name}/${name}/<service>" }
}
