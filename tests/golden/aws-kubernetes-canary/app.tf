# The application: an EKS cluster with a managed node group; workloads are deployed by the
# pipeline with kubectl (rolling) or Argo Rollouts (blue-green, canary). What runs inside the
# cluster (Argo Rollouts, the load balancer controller, the autoscaler) is the second root
# stack, addons/, applied after this one.

# For the Ingress: alb.ingress.kubernetes.io/wafv2-acl-arn (output waf_web_acl_arn).
module "waf" {
  source = "./modules/waf"

  name               = local.name
  log_retention_days = var.log_retention_days
  kms_key_arn        = module.secrets.kms_key_arn
}

module "app" {
  source = "./modules/eks-cluster"

  iam_role_path            = local.runtime_role_path
  permissions_boundary_arn = local.runtime_boundary_arn

  name                   = local.name
  private_subnet_ids     = module.network.private_subnet_ids
  endpoint_public_access = !var.protected
  creator_admin_access   = var.eks_creator_admin_access
  admin_role_names       = var.eks_admin_role_names
  viewer_role_names      = var.eks_viewer_role_names
  node_instance_types    = var.eks_node_instance_types
  node_min               = var.eks_node_min
  node_desired           = var.eks_node_desired
  node_max               = var.eks_node_max
  instance_tags          = local.default_tags
  kms_key_arn            = module.secrets.kms_key_arn
  log_retention_days     = var.log_retention_days
  deletion_protection    = var.protected
  force_delete           = !var.protected
  alarm_topic_arn        = module.observability.alarm_topic_arn
  secret_arns = [
    module.secrets.app_secret_arn,
    module.cache.auth_secret_arn,
  ]
  database_user_arns = [module.database.app_user_arn]
  # external-dns (addons/) writes the Ingress host's record in this zone only.
  external_dns_zone_id = module.dns.zone_id
  # Canary through the ALB: Argo Rollouts (addons/) verifies the target groups (read-only ELB calls).
  rollouts_target_group_verification = true
}

# The certificate of the application's Ingress (alb.ingress.kubernetes.io/certificate-arn); the
# DNS record of the Ingress host is written by external-dns (addons/), which follows its ALB.
module "dns" {
  source = "./modules/dns"

  zone_name   = var.hosted_zone_name
  domain_name = var.domain_name
}
