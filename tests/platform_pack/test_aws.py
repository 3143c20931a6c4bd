"""The built-in pack with `cloud: aws`, judged on a representative matrix of answers.

Every compute kind, with and without database and cache, with 1 and 5 environments, each
deployment strategy and each CI system at least once. Each render is checked with real tools:
python-hcl2 (parses), `terraform fmt`, the AWS provider schema, the package's own validation and,
in one test marked `checkov`, checkov.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import terraform_checks as tc
from tests.terraform_checks import Cloud, unquote

FIVE_ENVIRONMENTS = [
    {"name": "dev", "region": "eu-west-1", "cidr": "10.1.0.0/16", "size": "small", "account_id": "111111111111", "protected": False},
    {"name": "qa", "region": "eu-west-1", "cidr": "10.2.0.0/20", "size": "small", "account_id": "222222222222", "protected": False},
    {"name": "staging", "region": "eu-west-2", "cidr": "10.3.0.0/16", "size": "medium", "account_id": "333333333333", "protected": False},
    {"name": "perf", "region": "eu-west-2", "cidr": "10.4.0.0/24", "size": "large", "account_id": "444444444444", "protected": False},
    {"name": "prod", "region": "eu-central-1", "cidr": "10.5.0.0/16", "size": "large", "account_id": "555555555555", "protected": True},
]  # fmt: skip
ONE_ENVIRONMENT = [
    {"name": "prod", "region": "us-west-1", "cidr": "10.9.0.0/16", "size": "medium", "account_id": "666666666666", "protected": True},
]  # fmt: skip
GITLAB = {"ci": "gitlab-ci", "repository": "acme/platform/shop-infra"}

# id → (example answers file, overrides)
MATRIX: dict[str, tuple[str, dict[str, Any]]] = {
    "containers-postgres": ("aws-containers", {"domain": ""}),
    "containers-mysql-redis-5env": (
        "aws-containers",
        {"database": "mysql", "cache": "redis", "deploy_strategy": "canary",
         "domain": "shop.example.com", "alert_email": "ops@example.com",
         "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
    "containers-bare-1env": (
        "aws-containers",
        {"database": "none", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "environments": ONE_ENVIRONMENT},
    ),
    "kubernetes-mysql-redis": ("aws-kubernetes-canary", {}),
    "kubernetes-bare-1env": (
        "aws-kubernetes-canary",
        {"database": "none", "cache": "none", "deploy_strategy": "rolling",
         "ci": "github-actions", "repository": "acme/payments", "environments": ONE_ENVIRONMENT},
    ),
    "kubernetes-postgres-5env": (
        "aws-kubernetes-canary",
        {"database": "postgres", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "environments": FIVE_ENVIRONMENTS},
    ),
    "serverless-bare": ("aws-serverless-bluegreen", {"domain": ""}),
    "serverless-postgres-redis-5env": (
        "aws-serverless-bluegreen",
        {"database": "postgres", "cache": "redis", "deploy_strategy": "canary",
         "domain": "api.example.com", "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
    "serverless-mysql-1env": (
        "aws-serverless-bluegreen",
        {"database": "mysql", "deploy_strategy": "rolling", "ci": "none",
         "environments": ONE_ENVIRONMENT},
    ),
    "static-site-domain": ("aws-static-site", {}),
    "static-site-5env": (
        "aws-static-site",
        {"domain": "site.example.org", "deploy_strategy": "canary", "aws_state_account_id": "777777777777",
         "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
}  # fmt: skip
CHECKOV_COMBOS = ["containers-mysql-redis-5env", "kubernetes-mysql-redis",
                  "serverless-postgres-redis-5env", "static-site-domain"]  # fmt: skip

PIPELINE_OUTPUTS = {
    "containers": ["container_repository_url", "ecs_cluster_name", "ecs_service_name",
                   "ecs_task_family", "ecs_container_name"],
    "kubernetes": ["container_repository_url", "eks_cluster_name"],
    "serverless": ["lambda_function_name", "lambda_alias_name"],
    "static-site": ["site_bucket_name", "cloudfront_distribution_id"],
}  # fmt: skip
DEFAULT_TAGS = {"project", "environment", "owner", "managed-by"}


AWS = Cloud("aws", provider="aws", matrix=MATRIX)
combos = pytest.mark.parametrize("combo", list(MATRIX))
terraform = tc.terraform  # the module-scoped fixture


# --- syntax and format -------------------------------------------------------------------------


@combos
def test_every_hcl_file_parses(combo: str, hcl2_warm: None) -> None:
    assert AWS.docs(combo)


@combos
def test_terraform_fmt_is_clean(combo: str, terraform: str, tmp_path: Path) -> None:
    problems = tc.fmt_problems(terraform, AWS.tree(combo), tmp_path)
    assert not problems, "\n".join(problems)


# --- provider schema ---------------------------------------------------------------------------


@combos
def test_resources_match_the_aws_provider_schema(combo: str, hcl2_warm: None) -> None:
    checked, problems = tc.schema_check(AWS.docs(combo), AWS.provider)
    assert checked > 20
    assert not problems, "\n".join(problems)


# --- references, module calls, environments ----------------------------------------------------


@combos
def test_module_calls_match_module_variables(combo: str, hcl2_warm: None) -> None:
    problems = tc.module_call_problems(AWS.modules(combo))
    assert not problems, "\n".join(problems)


@combos
def test_every_environment_has_tfvars_and_a_backend(combo: str, hcl2_warm: None) -> None:
    problems = tc.environment_problems(AWS, combo, region_key="region")
    assert not problems, "\n".join(problems)
    environments = AWS.answers(combo)["environments"]
    keys = set()
    for env in environments:
        backend = AWS.docs(combo)[f"environments/{env['name']}.backend.hcl"]
        # No encryption header: the bucket's default (the state key by ARN) applies cross-account.
        assert backend["use_lockfile"] is True and "kms_key_id" not in backend
        key = unquote(backend["key"])
        assert key.startswith(f"{env['name']}/"), "state outside the environment's prefix"
        assert unquote(backend["workspace_key_prefix"]).startswith(f"{env['name']}/")
        keys.add(key)
    assert len(keys) == len(environments), "environments share a state key"


@combos
def test_answers_reach_hcl_as_quoted_literals(combo: str) -> None:
    answers = AWS.answers(combo)
    for env in answers["environments"]:
        text = AWS.tree(combo)[f"environments/{env['name']}.tfvars"]
        assert f'region       = "{env["region"]}"' in text
        assert f'owner        = "{answers["owner"]}"' in text


@combos
def test_every_resource_gets_the_default_tags(combo: str, hcl2_warm: None) -> None:
    for root in ("main.tf", "bootstrap/providers.tf"):
        missing = tc.unassigned(AWS.tree(combo)[root], DEFAULT_TAGS)
        assert not missing, f"{root}: no default tag {missing}"
    configs = list(tc.blocks(AWS.docs(combo), "provider", 1))
    providers = [body for path, (name,), body in configs
                 if name == "aws" and not path.startswith("modules/")]  # fmt: skip
    assert providers and all("default_tags" in body for body in providers)
    assert not [path for path, _, _ in configs if path.startswith("modules/")]


@combos
def test_root_outputs_the_pipelines_read(combo: str, hcl2_warm: None) -> None:
    answers = AWS.answers(combo)
    outputs = set(AWS.modules(combo)[""]["output"])
    expected = {"region", "name_prefix", "app_url", "alarm_topic_arn", "dashboard_name"}
    expected |= set(PIPELINE_OUTPUTS[answers["compute"]])
    if answers.get("database", "none") != "none" and answers["compute"] != "static-site":
        expected.add("database_secret_arn")
    assert expected <= outputs, f"missing {expected - outputs}"
    bootstrap_outputs = set(AWS.modules(combo)["bootstrap"]["output"])
    assert {"state_bucket", "state_kms_key_arn", "ci_role_arns"} <= bootstrap_outputs


@combos
def test_no_long_lived_credentials(combo: str) -> None:
    for path, text in AWS.tree(combo).items():
        assert "aws_iam_access_key" not in text and "aws_iam_user" not in text, path


def test_ci_identity_follows_the_ci_answer(hcl2_warm: None) -> None:
    problems = tc.ci_answer_problems(AWS, FIVE_ENVIRONMENTS)
    assert not problems, "\n".join(problems)
    account = AWS.tree("containers-postgres")["bootstrap/modules/environment-account/main.tf"]
    assert '[for prefix in local.github_prefixes : "${prefix}:environment:${var.environment}"]' in account
    assert 'gitlab_subject       = "project_path:${var.repository}:ref_type:branch:ref:"' in account


def test_module_selection_follows_the_answers() -> None:
    modules = AWS.module_names
    base = {"secrets", "observability"}
    assert modules("containers-postgres") == base | {
        "network",
        "ecs-service",
        "waf",
        "log-bucket",
        "database",
    }  # no domain: no dns
    assert modules("containers-mysql-redis-5env") == modules("containers-postgres") | {
        "cache",
        "dns",
    }
    assert modules("kubernetes-bare-1env") == base | {"network", "eks-cluster", "waf", "dns"}
    assert modules("serverless-bare") == base | {"network", "lambda-api"}
    assert modules("static-site-domain") == base | {"static-site", "log-bucket", "dns"}
    assert modules("static-site-5env") == base | {"static-site", "log-bucket", "dns"}


@pytest.mark.parametrize(
    "combo", ["containers-postgres", "static-site-domain", "kubernetes-mysql-redis"]
)
def test_module_readmes_document_every_input_and_output(combo: str, hcl2_warm: None) -> None:
    problems = tc.readme_problems(AWS, combo)
    assert not problems, "\n".join(problems)


# --- the package's own validation -----------------------------------------------------------


@combos
def test_infrascaffold_validation_finds_nothing(combo: str) -> None:
    findings = tc.validation_problems(AWS, combo, local_bootstrap_state=True)
    assert not findings, "\n".join(findings)


# --- checkov -----------------------------------------------------------------------------------


@pytest.mark.checkov
@pytest.mark.slow
def test_checkov_finds_no_failed_check(tmp_path: Path) -> None:
    problems = tc.checkov_problems(AWS, CHECKOV_COMBOS, tmp_path)
    assert not problems, "\n".join(problems)


# --- first apply and first push (issue 17) ------------------------------------------------------


def test_first_apply_blockers_are_fixed(hcl2_warm: None) -> None:
    kubernetes = AWS.tree("kubernetes-mysql-redis")
    secrets = kubernetes["modules/secrets/main.tf"]
    # The Auto Scaling service-linked role launches the EKS nodes with CMK-encrypted volumes.
    assert "AWSServiceRoleForAutoScaling" in secrets and "kms:GrantIsForAWSResource" in secrets
    assert "ebs_for_autoscaling         = true" in kubernetes["main.tf"]
    assert "ebs_for_autoscaling" not in AWS.tree("containers-postgres")["main.tf"]
    # name_prefix: create_before_destroy would otherwise collide on the fixed name.
    database = AWS.tree("containers-postgres")["modules/database/main.tf"]
    group = database.split('resource "aws_db_parameter_group" "this" {')[1].split("\n}\n")[0]
    assert 'name_prefix = "${var.name}-"' in group and "create_before_destroy = true" in group
    # ECS canary_configuration needs provider 6.21.
    for combo in ("containers-postgres", "serverless-bare"):
        assert 'version = ">= 6.21, < 7.0"' in AWS.tree(combo)["versions.tf"]
    assert 'version = ">= 6.21, < 7.0"' in AWS.tree(combo)["bootstrap/versions.tf"]
    # The Lambda placeholder zip is written inside the working directory at plan time, where the
    # apply of the same job (after the same init) finds it.
    lambda_main = AWS.tree("serverless-bare")["modules/lambda-api/main.tf"]
    assert 'output_path = "${path.root}/.terraform/tmp/' in lambda_main


def test_redis_token_rotation_ends_with_set() -> None:
    tree = render_answers_full("containers-mysql-redis-5env")
    runbook = next(text for path, text in tree.items() if path.endswith("rotate-secrets.md"))
    assert runbook.index('put-secret-value --secret-id "${SECRET}"') < runbook.index(
        "--auth-token-update-strategy ROTATE"
    )
    assert runbook.index("--auth-token-update-strategy ROTATE") < runbook.index(
        "--auth-token-update-strategy SET"
    )
    outputs = tree["outputs.tf"]
    assert 'output "cache_replication_group_id"' in outputs
    assert 'output "cache_auth_secret_arn"' in outputs


def test_the_redis_auth_token_never_passes_through_terraform() -> None:
    # ElastiCache has no write-only token argument: a token Terraform set would be in the state,
    # which the read-only plan role reads (issue 16 principles 3 and 5).
    tree = render_answers_full("containers-mysql-redis-5env")
    cache = tree["modules/cache/main.tf"]
    assert "random_password" not in cache and "aws_secretsmanager_secret_version" not in cache
    assert (
        "auth_token " not in cache
        and "ignore_changes = [auth_token, auth_token_update_strategy]" in cache
    )
    assert "hashicorp/random" not in tree["versions.tf"] + tree["modules/cache/versions.tf"]
    # ECS injects the token only once the runbook gave it a value.
    assert "local.redis_auth_ready ? module.cache.app_secrets : {}" in tree["app.tf"]
    runbook = next(text for path, text in tree.items() if path.endswith("create-environment.md"))
    step = runbook.split("### Turn on the Redis AUTH token")[1].split("\n### ")[0]
    step = step.split("```bash")[1]
    rotate, set_ = step.index("strategy ROTATE"), step.index("strategy SET")
    assert step.index("put-secret-value") < rotate < set_ < step.index("terraform apply")
    assert runbook.index("### Turn on the Redis AUTH token") < runbook.index(
        "### Check the new environment"
    )


def test_create_environment_reapplies_the_bootstrap() -> None:
    tree = render_answers_full("containers-postgres")
    runbook = next(text for path, text in tree.items() if path.endswith("create-environment.md"))
    assert '--field "account_id=${ACCOUNT_ID}"' in runbook  # its own account
    assert runbook.index("terraform -chdir=bootstrap apply") < runbook.index(
        "terraform init -reconfigure"
    )


def render_answers_full(combo: str) -> dict[str, str]:
    """The whole render of `combo` (docs included), not only the cloud's files."""
    from tests.builders import render_answers

    return dict(render_answers(AWS.answers(combo)))


def test_ecs_injects_the_app_secret_only_once_it_has_a_value() -> None:
    app = AWS.tree("containers-postgres")["app.tf"]
    assert 'data "aws_secretsmanager_secret_versions" "app"' in app
    assert 'contains(version.version_stages, "AWSCURRENT")' in app
    assert "local.app_secret_ready ? { APP_SECRETS = module.secrets.app_secret_arn } : {}" in app
    runbook = next(
        text
        for path, text in render_answers_full("containers-postgres").items()
        if path.endswith("create-environment.md")
    )
    assert runbook.index("terraform -chdir=bootstrap apply") < runbook.index("put-secret-value")


def test_the_aws_credentials_action_is_pinned_to_a_commit() -> None:
    partial = (tc.ROOT / "templates/platform/partials/ci/aws/github-auth.yml.j2").read_text()
    assert (
        "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3"
        in partial
    )


def test_ecs_deploys_build_on_terraforms_latest_revision() -> None:
    tree = render_answers_full("containers-postgres")
    assert 'output "ecs_task_definition_arn"' in tree["outputs.tf"]
    workflows = "\n".join(text for path, text in tree.items() if path.startswith(".github/"))
    assert "base=$(terraform output -raw ecs_task_definition_arn)" in workflows
    assert 'describe-task-definition --task-definition "$base"' in workflows
    rollback = next(text for path, text in tree.items() if path.endswith("runbooks/rollback.md"))
    assert "rollback-to" in rollback and "- 1))" not in rollback
    assert '--family-prefix "${FAMILY%:*}"' in rollback


# --- Kubernetes: the addons/ root stack (issue 17: no -target first apply) ----------------------


def test_kubernetes_add_ons_are_a_second_root_stack() -> None:
    for combo in ("kubernetes-mysql-redis", "kubernetes-bare-1env"):
        tree, answers = AWS.tree(combo), AWS.answers(combo)
        # The main root holds no Helm or Kubernetes provider: nothing in it needs the cluster.
        assert "helm" not in tree["providers.tf"] + tree["versions.tf"] + tree["app.tf"]
        for env in answers["environments"]:
            backend = tree[f"addons/environments/{env['name']}.backend.hcl"]
            assert f'key                  = "{env["name"]}/addons/terraform.tfstate"' in backend
            tfvars = tree[f"addons/environments/{env['name']}.tfvars"]
            assert f'account_id          = "{env["account_id"]}"' in tfvars
        providers = tree["addons/providers.tf"]
        # The cluster is found by name; credentials come from the CLI whenever a provider
        # connects, never from a token read at plan time (which a saved plan would keep).
        assert 'data "aws_eks_cluster" "this"' in providers
        assert '"eks", "get-token", "--cluster-name", local.cluster_name' in providers
        assert "aws_eks_cluster_auth" not in providers and not re.search(r"\btoken\s*=", providers)
        assert 'cluster_name = "${var.project_name}-${var.environment}"' in providers
        assert 'name = "${var.project_name}-${var.environment}"' in tree["main.tf"]
    argo = 'resource "helm_release" "argo_rollouts"'
    assert argo in AWS.tree("kubernetes-mysql-redis")["addons/main.tf"]  # canary
    assert (
        "count = local.argo_rollouts ? 1 : 0" in AWS.tree("kubernetes-bare-1env")["addons/main.tf"]
    )
    assert "addons/main.tf" not in AWS.tree("containers-postgres")


def test_the_load_balancer_controller_and_the_autoscaler_are_installed() -> None:
    tree = AWS.tree("kubernetes-mysql-redis")
    addons, controllers = tree["addons/main.tf"], tree["modules/eks-cluster/controllers.tf"]
    lbc = addons.split('resource "helm_release" "aws_load_balancer_controller" {')[1].split(
        "\n}\n"
    )[0]
    # Pods cannot reach the instance metadata (hop limit 1): region and VPC are given.
    assert "http_put_response_hop_limit = 1" in tree["modules/eks-cluster/main.tf"]
    for name, value in (("region", "var.region"), ("vpcId", "data.aws_eks_cluster.this.vpc_config[0].vpc_id"),
                        ("ingressClass", '"alb"'), ("serviceAccount.name", '"aws-load-balancer-controller"')):  # fmt: skip
        assert f'name  = "{name}"\n      value = {value}' in lbc, name
    assert 'chart      = "aws-load-balancer-controller"' in lbc and 'version    = "3.5.0"' in lbc
    autoscaler = addons.split('resource "helm_release" "cluster_autoscaler" {')[1].split("\n}\n")[0]
    for name, value in (("awsRegion", "var.region"), ("autoDiscovery.clusterName", "data.aws_eks_cluster.this.name"),
                        ("rbac.serviceAccount.name", '"cluster-autoscaler"')):  # fmt: skip
        assert f'name  = "{name}"\n      value = {value}' in autoscaler, name
    # Chart 9.53.0 is Cluster Autoscaler 1.34: the minor version must be the cluster's.
    assert 'version    = "9.53.0"' in autoscaler
    assert 'default     = "1.34"' in tree["modules/eks-cluster/variables.tf"]
    # The other releases wait for the controller whose webhooks admit their Services.
    assert "depends_on = [helm_release.aws_load_balancer_controller]" in autoscaler
    # Their identities: EKS Pod Identity for the chart's service accounts, in the namespace the
    # addons stack creates (the same default on both sides).
    for account in ("aws-load-balancer-controller", "cluster-autoscaler"):
        assert (
            f'namespace       = var.controllers_namespace\n  service_account = "{account}"'
            in controllers
        )
    assert 'default     = "cluster-controllers"' in tree["modules/eks-cluster/variables.tf"]
    assert 'default     = "cluster-controllers"' in tree["addons/variables.tf"]
    # The autoscaler writes only to the Auto Scaling groups EKS tagged as this cluster's, whose
    # maximum is node_max; the controller changes only what it tagged itself.
    assert (
        'variable = "aws:ResourceTag/k8s.io/cluster-autoscaler/${aws_eks_cluster.this.name}"'
        in controllers
    )
    assert "max_size     = var.node_max" in tree["modules/eks-cluster/main.tf"]
    assert controllers.count('variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"') == 4
    # One load balancer controller: no EKS Auto Mode beside it.
    assert "compute_config" not in tree["modules/eks-cluster/main.tf"]
    # The plan role reads the add-ons' Helm release records, in their namespaces only.
    assert '["argo-rollouts", "cluster-controllers"]' in tree["modules/eks-cluster/variables.tf"]


def test_gitlab_jobs_of_the_addons_stack_install_the_aws_cli() -> None:
    assert AWS.answers("kubernetes-mysql-redis")["ci"] == "gitlab-ci"
    auth = render_answers_full("kubernetes-mysql-redis")[".gitlab-ci.yml"]
    auth = auth.split(".cloud-auth:")[1].split("\n\n")[0]
    assert 'if [ "${TF_STACK:-.}" = addons ] && ! command -v aws > /dev/null; then' in auth
    assert "apk add --no-cache aws-cli" in auth
    assert "aws-cli\n" not in render_answers_full("containers-mysql-redis-5env")[".gitlab-ci.yml"]


# --- RDS: the application's own user (issue 16 principle 5, issue 17) ---------------------------


@pytest.mark.parametrize(
    "combo", ["containers-postgres", "kubernetes-mysql-redis", "serverless-postgres-redis-5env"]
)
def test_the_application_signs_in_as_its_own_database_user(combo: str) -> None:
    tree = AWS.tree(combo)
    # Never the master user's secret: RDS rotates it every 7 days, and it is the admin.
    assert "master_user_secret_arn" not in tree["app.tf"]
    assert "database_user_arns = [module.database.app_user_arn]" in tree["app.tf"]
    database = tree["modules/database/main.tf"]
    assert "manage_master_user_password   = true" in database
    assert "iam_database_authentication_enabled = true" in database
    assert ":dbuser:${aws_db_instance.this.resource_id}/${var.app_username}" in database
    outputs = tree["modules/database/outputs.tf"]
    assert (
        "DATABASE_USERNAME = var.app_username" in outputs and 'DATABASE_AUTH     = "iam"' in outputs
    )
    assert "app_secrets" not in outputs
    # The application's role may sign in as that user, and read no database secret.
    module = {"containers": "ecs-service", "kubernetes": "eks-cluster", "serverless": "lambda-api"}
    main = tree[f"modules/{module[AWS.answers(combo)['compute']]}/main.tf"]
    assert 'actions   = ["rds-db:connect"]' in main
    assert 'default     = "app"' in tree["modules/database/variables.tf"]


@pytest.mark.parametrize(("combo", "grant"), [
    ("containers-postgres", "GRANT rds_iam TO app;"),
    ("kubernetes-mysql-redis", "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;"),
])  # fmt: skip
def test_create_environment_creates_the_database_user_before_the_first_deploy(
    combo: str, grant: str
) -> None:
    tree = render_answers_full(combo)
    runbook = next(text for path, text in tree.items() if path.endswith("create-environment.md"))
    assert grant in runbook
    assert runbook.index(grant) < runbook.index("### Check the new environment")
    # Every output the step reads exists in the same render.
    outputs = tree["outputs.tf"]
    for name in re.findall(r"terraform output -(?:raw|json) (\w+)", runbook):
        assert f'output "{name}"' in outputs, name
    # The client group the database admits, for that session only.
    database = tree["modules/database/main.tf"]
    assert "referenced_security_group_id = aws_security_group.admin_client.id" in database
    assert "database_admin_security_group_id" in runbook
    assert "rotate" in runbook and "never reads" in runbook


def test_gitlab_deploy_roles_get_the_strongest_binding_iam_allows() -> None:
    # IAM tests only sub and aud of a GitLab token: the deploy role matches its deploy branch
    # exactly (no wildcard): the default branch, or a protected environment's own deploy/<env>
    # (tests/security/test_gitlab_identity.py evaluates it); SECURITY.md names the gap precisely.
    account = AWS.tree("containers-mysql-redis-5env")[
        "bootstrap/modules/environment-account/main.tf"
    ]
    deploy = account.split("deploy_subjects = ")[1].split("\n\n")[0]
    assert '"${local.gitlab_subject}${local.gitlab_deploy_branch}"' in deploy
    assert (
        'gitlab_deploy_branch = var.protected ? "${var.gitlab_deploy_prefix}${var.environment}"'
        " : var.default_branch" in account
    )
    assert "*" not in deploy
    assert 'test     = anytrue([for subject in each.value : strcontains(subject, "*")])' in account
    security = render_answers_full("containers-mysql-redis-5env")["docs/SECURITY.md"]
    heading = "**GitLab: the deploy roles are bound to a branch"
    gap = security.split(heading)[1].split("Register a protected")[0]
    for fact in ("`<gitlab host>:sub`", "GitHub, Google, CircleCI and Oracle", "ci_id_token_sub_claim_components",
                 "`environment_protected`", "What is left open, precisely",
                 "a Maintainer merging into it"):  # fmt: skip
        assert fact in gap, fact
    assert heading not in render_answers_full("containers-postgres")["docs/SECURITY.md"]


# --- runbooks name what the render has (issue 17: "no step missing") -----------------------------

CODE_BLOCK = re.compile(r"```(?:bash|sh)\n(.*?)```", re.S)
OUTPUT_READ = re.compile(
    r"terraform (?:-chdir=([\w./-]+) )?output(?: -(?:raw|json))? ([a-z_][a-z0-9_]*)"
)
ADDRESS = re.compile(
    r"(?:-target=|-replace=|state (?:show|rm|mv) )((?:module\.[a-z0-9_]+\.)*[a-z0-9_]+\.[a-z0-9_]+)"
)
TF_FILE = re.compile(r"((?:[\w.-]+/)*environments/[\w${}<>.-]+?\.(?:tfvars|backend\.hcl))")
ENV_PLACEHOLDER = re.compile(r"\$\{?(?:ENVIRONMENT|SOURCE_ENV|TARGET_ENV)\}?|<env>")


def stack_blocks(tree: dict[str, str], folder: str, kind: str) -> dict[str, str]:
    """name -> body of the `kind` blocks (output, module, resource "t" "n") in `folder`'s .tf files."""
    found: dict[str, str] = {}
    for path, text in tree.items():
        if path.endswith(".tf") and path.rpartition("/")[0] == folder:
            for match in re.finditer(rf'^{kind} ((?:"[^"]+" ?)+)\{{(.*?)^\}}', text, re.S | re.M):
                found[".".join(re.findall(r'"([^"]+)"', match.group(1)))] = match.group(2)
    return found


def address_problem(tree: dict[str, str], address: str) -> str | None:
    """Why the resource address `address` (module.a.module.b.type.name) is not in the root stack."""
    folder, parts = "", address.split(".")
    while parts[0] == "module":
        call = stack_blocks(tree, folder, "module").get(parts[1])
        if call is None:
            return f"no module {parts[1]} in {folder or 'the root stack'}"
        folder = posixpath.normpath(
            posixpath.join(folder, re.findall(r'source\s*=\s*"([^"]+)"', call)[0])
        )
        parts = parts[2:]
    if ".".join(parts) not in stack_blocks(tree, folder, "resource"):
        return f"no resource {'.'.join(parts)} in {folder or 'the root stack'}"
    return None


def runbook_problems(tree: dict[str, str], env_names: list[str]) -> list[str]:
    """Outputs, stacks, resource addresses and environment files runbook commands name but the render lacks."""
    return [
        f"{path}: {problem}"
        for path, text in tree.items()
        if path.startswith("docs/runbooks/") and path.endswith(".md")
        for block in CODE_BLOCK.findall(text)
        for problem in block_problems(tree, block, env_names)
    ]


def block_problems(tree: dict[str, str], block: str, env_names: list[str]) -> Iterator[str]:
    for folder, name in OUTPUT_READ.findall(block):
        if name not in stack_blocks(tree, folder, "output"):
            yield f"output {name} of {folder or '.'} does not exist"
    for folder in re.findall(r"-chdir=([\w./-]+)", block):
        if not any(p.startswith(f"{folder}/") and p.endswith(".tf") for p in tree):
            yield f"no root stack {folder}"
    for address in ADDRESS.findall(block):
        if problem := address_problem(tree, address):
            yield f"{address}: {problem}"
    for line in block.splitlines():
        yield from line_file_problems(tree, line, env_names)


def line_file_problems(tree: dict[str, str], line: str, env_names: list[str]) -> Iterator[str]:
    """Environment files and literal backend files one command line names but the render lacks."""
    folder = (re.findall(r"-chdir=([\w./-]+)", line) or [""])[0]
    for file in re.findall(r"-backend-config=([\w./-]+)(?:\s|$)", line):
        if posixpath.join(folder, file) not in tree:
            yield f"no backend file {posixpath.join(folder, file)}"
    for file in TF_FILE.findall(line):
        candidates = {posixpath.join(folder, ENV_PLACEHOLDER.sub(e, file)) for e in env_names}
        if not candidates & set(tree):
            yield f"no file {file} for any environment"


@combos
def test_runbook_commands_name_what_the_render_has(combo: str) -> None:
    tree = render_answers_full(combo)
    env_names = [env["name"] for env in AWS.answers(combo)["environments"]]
    assert any(p.startswith("docs/runbooks/") for p in tree)
    problems = runbook_problems(tree, env_names)
    assert not problems, "\n".join(problems)


def test_the_runbook_check_finds_a_missing_output_address_and_file() -> None:
    tree = dict(render_answers_full("containers-mysql-redis-5env"))
    tree["docs/runbooks/extra.md"] = (
        "```bash\nterraform output -raw no_such_output\nterraform -chdir=nowhere init\n"
        "terraform apply -replace=module.cache.random_password.no_such_token\n"
        'terraform plan -var-file="environments/${ENVIRONMENT}.auto.tfvars"\n'
        "terraform -chdir=bootstrap init -backend-config=nowhere.hcl\n```\n"
    )
    problems = runbook_problems(tree, ["dev", "prod"])
    assert len([p for p in problems if p.startswith("docs/runbooks/extra.md")]) == 5, problems


def test_destroy_removes_the_ingresses_and_the_addons_stack_before_the_cluster() -> None:
    tree = render_answers_full("kubernetes-mysql-redis")
    runbook = next(text for path, text in tree.items() if path.endswith("destroy-environment.md"))
    ingresses = runbook.index("kubectl delete ingress --all --all-namespaces")
    addons = runbook.index('terraform -chdir=addons apply "${ENVIRONMENT}-destroy.tfplan"')
    main = runbook.index('\nterraform apply "${ENVIRONMENT}-destroy.tfplan"')
    assert ingresses < addons < main
    other = render_answers_full("containers-postgres")
    assert "-chdir=addons" not in next(
        t for p, t in other.items() if p.endswith("destroy-environment.md")
    )


def test_a_small_serverless_environment_reserves_no_concurrency() -> None:
    """Lambda keeps 100 executions unreserved and a new account's quota can be 10, so any
    reservation fails the first apply there (after creating the function). Small environments
    reserve none; bigger ones do, and the create-environment runbook checks the quota first."""
    files = render_answers_full("serverless-bare")
    sizes = {env["name"]: env["size"] for env in AWS.answers("serverless-bare")["environments"]}
    for name, size in sizes.items():
        line = re.search(
            r"^lambda_reserved_concurrency = (\S+)$",
            files[f"environments/{name}.tfvars"],
            re.M,
        )
        assert line, name
        assert (line.group(1) == "null") == (size == "small"), (name, size, line.group(1))
    module = files["modules/lambda-api/variables.tf"]
    assert re.search(r'variable "reserved_concurrency" \{[^}]*default\s+= null', module)
    assert "coalesce(var.reserved_concurrency, 1) >= 1" in module
    runbook = files["docs/runbooks/create-environment.md"]
    assert "### Check the account's Lambda concurrency" in runbook
    assert "--quota-code L-B99A9384" in runbook
    assert (
        "lambda_reserved_concurrency = null"
        not in render_answers_full("containers-postgres")["docs/runbooks/create-environment.md"]
    )


def _minutes(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)\s*(m|h|min)\w*", text.strip()).groups()  # type: ignore[union-attr]
    return int(number) * (60 if unit == "h" else 1)


@pytest.mark.parametrize("combo", ["serverless-postgres-redis-5env", "static-site-domain"])
def test_each_environment_owns_a_zone_bootstrap_creates_and_delegates(combo: str) -> None:
    """A new account has no hosted zone (the main stack only reads one), and one zone name in two
    accounts can be delegated only once: bootstrap creates a distinct zone in each environment's
    account, delegates the subdomain zones from the last environment's apex zone, and the runbook
    checks the delegation before any first apply."""
    tree = render_answers_full(combo)
    answers = AWS.answers(combo)
    names = [env["name"] for env in answers["environments"]]
    domain = answers["domain"]
    zones = {}
    for name in names:
        tfvars = tree[f"environments/{name}.tfvars"]
        zone = re.search(r'^hosted_zone_name = "([^"]+)"$', tfvars, re.M).group(1)  # type: ignore[union-attr]
        assert f'domain_name      = "{zone}"' in tfvars
        zones[name] = zone
    assert zones[names[-1]] == domain
    assert len(set(zones.values())) == len(names)
    accounts = tree["bootstrap/ci.tf"]
    for name, zone in zones.items():
        call = accounts.split(f'module "account_{name}" {{')[1].split("\n}\n")[0]
        assert f'dns_zone_name         = "{zone}"' in call
    assert (
        'resource "aws_route53_zone" "this"' in tree["bootstrap/modules/environment-account/dns.tf"]
    )
    for name in names[:-1]:
        record = accounts.split(f'resource "aws_route53_record" "delegate_{name}" {{')[1]
        record = record.split("\n}\n")[0]
        assert f"provider = aws.{names[-1]}" in record
        assert f"module.account_{names[-1]}.dns_zone_id" in record
        assert f"records = module.account_{name}.dns_name_servers" in record
    assert 'output "dns_name_servers"' in tree["bootstrap/outputs.tf"]
    runbook = tree["docs/runbooks/bootstrap.md"]
    step = runbook.split("### Delegate the DNS zones")[1].split("\n### ")[0]
    for zone in zones.values():
        assert f"dig NS {zone} +short" in step
    assert "terraform -chdir=bootstrap output -json dns_name_servers" in step
    # Before the first apply: bootstrap comes before create-environment.
    assert "Next: [create the first environment]" in runbook.split("### Delegate the DNS zones")[1]


def test_certificate_validation_gives_up_before_the_apply_job_is_killed() -> None:
    """aws_acm_certificate_validation waits 75 minutes by default; the apply jobs are killed
    earlier, which leaves the S3 state lock behind."""
    dns = AWS.tree("static-site-domain")["modules/dns/main.tf"]
    validation = dns.split('resource "aws_acm_certificate_validation" "this" {')[1]
    create = re.search(r'timeouts \{\s+create = "([^"]+)"', validation).group(1)  # type: ignore[union-attr]
    github = render_answers_full("static-site-domain")[".github/workflows/_terraform-apply.yml"]
    job_minutes = [int(m) for m in re.findall(r"timeout-minutes: (\d+)", github)]
    gitlab = render_answers_full("serverless-postgres-redis-5env")[".gitlab-ci.yml"]
    apply_jobs = re.findall(r"^\S*apply\S*:\n(?:  .*\n)*?  timeout: (\S+)", gitlab, re.M)
    assert job_minutes and apply_jobs
    job_minutes += [_minutes(t) for t in apply_jobs]
    assert _minutes(create) < min(job_minutes), (create, job_minutes)
    runbook = render_answers_full("static-site-domain")["docs/runbooks/create-environment.md"]
    assert "timeout while waiting for state to become 'ISSUED'" in runbook
    assert "terraform force-unlock" in runbook


@pytest.mark.parametrize("combo", ["containers-postgres", "static-site-5env"])
def test_the_bootstrap_runbook_moves_its_state_into_the_bucket(combo: str) -> None:
    """Bootstrap's first apply must use local state (the bucket does not exist yet); the runbook
    then switches the backend to s3, migrates, checks the object and deletes the local copies,
    before anything else uses bootstrap."""
    tree = render_answers_full(combo)
    assert 'backend "local" {}' in tree["bootstrap/backend.tf"]
    assert 'key          = "bootstrap/terraform.tfstate"' in tree["bootstrap/backend.hcl"]
    runbook = tree["docs/runbooks/bootstrap.md"]
    step = runbook.split("### Move the bootstrap state into the bucket")[1].split("\n### ")[0]
    commands = step.split("```bash\n")[1].split("```")[0].splitlines()
    assert commands[0] == 'sed -i \'s/backend "local" {}/backend "s3" {}/\' bootstrap/backend.tf'
    assert commands[1].startswith("terraform -chdir=bootstrap init -migrate-state")
    assert "-backend-config=backend.hcl" in commands[1]
    assert "--key bootstrap/terraform.tfstate" in commands[2]
    assert commands[-1].startswith(
        "rm -f bootstrap/terraform.tfstate bootstrap/terraform.tfstate.backup"
    )
    assert runbook.index("terraform -chdir=bootstrap apply bootstrap.tfplan") < runbook.index(
        "-migrate-state"
    )
    assert runbook.index("-migrate-state") < runbook.index("output -raw state_bucket")
    # After the move, every init of bootstrap names the backend file.
    first_apply = runbook.split("### Apply the bootstrap stack")[1].split("\n### ")[0]
    for path, text in tree.items():
        if path.startswith("docs/"):
            text = text.replace(first_apply, "") if path == "docs/runbooks/bootstrap.md" else text
            for init in re.findall(r"terraform -chdir=bootstrap init[^\n`]*", text):
                assert "-backend-config=backend.hcl" in init, (path, init)


def test_external_dns_writes_the_ingress_record_in_the_environments_zone_only() -> None:
    """The load balancer controller creates the ALB from the Ingress and nothing created its
    Route 53 record: external-dns (addons/) does, with a role that may change the environment's
    own zone only (kubernetes-sigs/external-dns docs/tutorials/aws.md lists the actions)."""
    tree = render_answers_full("kubernetes-mysql-redis")
    names = [env["name"] for env in AWS.answers("kubernetes-mysql-redis")["environments"]]
    addons = tree["addons/main.tf"]
    release = addons.split('resource "helm_release" "external_dns" {')[1].split("\n}\n")[0]
    assert 'repository = "https://kubernetes-sigs.github.io/external-dns"' in release
    assert re.search(r'version    = "\d+\.\d+\.\d+"', release)
    for name, value in [
        ("provider.name", '"aws"'),
        ("serviceAccount.name", '"external-dns"'),
        ("policy", '"sync"'),
        ("txtOwnerId", '"${var.project_name}-${var.environment}"'),
        ("domainFilters[0]", "var.domain_name"),
        ("sources[0]", '"ingress"'),
    ]:
        assert re.search(
            rf'name  = "{re.escape(name)}"\n\s+value = {re.escape(value)}\n', release
        ), name
    assert "count = var.domain_name == null ? 0 : 1" in release
    assert "depends_on = [helm_release.aws_load_balancer_controller]" in release
    for name in names:
        main_vars = tree[f"environments/{name}.tfvars"]
        zone = re.search(r'^hosted_zone_name = ("[^"]+")$', main_vars, re.M).group(1)  # type: ignore[union-attr]
        assert f"domain_name = {zone}" in tree[f"addons/environments/{name}.tfvars"]
        overlay = tree[f"k8s/overlays/{name}/kustomization.yaml"]
        assert f"path: /spec/rules/0/host\n        value: {zone}" in overlay
    controllers = tree["modules/eks-cluster/controllers.tf"]
    policy = controllers.split('data "aws_iam_policy_document" "external_dns" {')[1].split("\n}\n")[
        0
    ]
    write = policy.split("statement {")[1]
    assert '"route53:ChangeResourceRecordSets"' in write
    assert (
        'resources = ["arn:${local.partition}:route53:::hostedzone/${var.external_dns_zone_id}"]'
        in write
    )
    assert "hostedzone/*" not in policy
    other = policy.split("statement {")[2]
    assert 'actions   = ["route53:ListHostedZones"]' in other
    association = controllers.split('resource "aws_eks_pod_identity_association" "external_dns" {')[
        1
    ]
    assert 'service_account = "external-dns"' in association.split("\n}\n")[0]
    assert "namespace       = var.controllers_namespace" in association.split("\n}\n")[0]
    assert "external_dns_zone_id = module.dns.zone_id" in tree["app.tf"]
    # Without a domain there is no zone: no role, no release.
    from tests.builders import render_answers

    answers = AWS.answers("kubernetes-postgres-5env")
    unprotected = [{**env, "protected": False} for env in answers["environments"]]
    bare = dict(render_answers({**answers, "domain": "", "environments": unprotected}))
    assert "external_dns_zone_id" not in bare["app.tf"]
    assert "domain_name" not in bare["addons/environments/dev.tfvars"]


def test_a_new_environment_checks_its_zone_before_its_first_apply() -> None:
    runbook = render_answers_full("containers-mysql-redis-5env")[
        "docs/runbooks/create-environment.md"
    ]
    check = runbook.index("### Check the DNS zone of the new environment")
    assert (
        runbook.index("terraform -chdir=bootstrap apply")
        < check
        < runbook.index("\nterraform apply")
    )
    step = runbook[check:].split("\n### ")[0]
    assert 'dig NS "${ENVIRONMENT}".shop.example.com +short' in step
    assert "output -json dns_name_servers" in step
