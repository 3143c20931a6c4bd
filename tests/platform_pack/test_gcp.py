"""The built-in pack with `cloud: gcp`, judged on a representative matrix of answers.

Every compute kind, with and without database and cache, with 1 and 5 environments, each
deployment strategy and each CI system at least once. Each render is checked with real tools:
python-hcl2 (parses), `terraform fmt`, the Google provider schema, the package's own validation
and, in one test marked `checkov`, checkov.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests import terraform_checks as tc
from tests.builders import example_answers, render_answers
from tests.terraform_checks import Cloud, unquote

# project_id is left to its default (<project_name>-<env>) except where an example sets it.
FIVE_ENVIRONMENTS = [
    {"name": "dev", "region": "europe-west1", "cidr": "10.1.0.0/16", "size": "small", "protected": False},
    {"name": "qa", "region": "europe-west1", "cidr": "10.2.0.0/20", "size": "small", "protected": False},
    {"name": "staging", "region": "europe-west4", "cidr": "10.3.0.0/16", "size": "medium", "protected": False},
    {"name": "perf", "region": "europe-west4", "cidr": "10.4.0.0/21", "size": "large", "protected": False},
    {"name": "prod", "region": "europe-west3", "cidr": "10.5.0.0/16", "size": "large", "protected": True, "runner": "prod-network"},
]  # fmt: skip
ONE_ENVIRONMENT = [
    {"name": "prod", "region": "us-east1", "cidr": "10.9.0.0/16", "size": "medium", "protected": True, "runner": "prod-network",
     "project_id": "acme-prod-1234"},
]  # fmt: skip
UNPROTECTED_ENVIRONMENTS = [
    {"name": "dev", "region": "europe-west1", "cidr": "10.1.0.0/16", "size": "small", "protected": False},
    {"name": "staging", "region": "europe-west4", "cidr": "10.3.0.0/16", "size": "medium", "protected": False},
]  # fmt: skip
GITLAB = {"ci": "gitlab-ci", "repository": "acme/platform/shop-infra"}

# id → (example answers file, overrides); None removes an answer.
MATRIX: dict[str, tuple[str, dict[str, Any]]] = {
    "containers-postgres": ("gcp-containers", {"domain": ""}),
    "containers-mysql-redis-5env": (
        "gcp-containers",
        {"database": "mysql", "cache": "redis", "deploy_strategy": "canary",
         "domain": "shop.example.com", "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
    "containers-bare-1env": (
        "gcp-containers",
        {"database": "none", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "domain": "", "alert_email": "", "environments": ONE_ENVIRONMENT},
    ),
    "kubernetes-mysql-redis": ("gcp-kubernetes-canary", {}),
    "kubernetes-bare-1env": (
        "gcp-kubernetes-canary",
        {"database": "none", "cache": "none", "deploy_strategy": "rolling", "domain": "",
         "ci": "github-actions", "repository": "acme/payments",
         "environments": UNPROTECTED_ENVIRONMENTS},
    ),
    "kubernetes-postgres-5env": (
        "gcp-kubernetes-canary",
        {"database": "postgres", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "environments": FIVE_ENVIRONMENTS},
    ),
    "serverless-bare": (
        "gcp-containers",
        {"compute": "serverless", "database": "none", "deploy_strategy": "blue-green", "domain": ""},
    ),
    "serverless-postgres-redis-5env": (
        "gcp-containers",
        {"compute": "serverless", "cache": "redis", "deploy_strategy": "canary",
         "domain": "api.example.com", "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
    "serverless-mysql-1env": (
        "gcp-containers",
        {"compute": "serverless", "database": "mysql", "deploy_strategy": "rolling", "ci": "none",
         "environments": ONE_ENVIRONMENT},
    ),
    "static-site-domain": (
        "gcp-containers",
        {"compute": "static-site", "database": None, "cache": None, "domain": "www.example.com",
         "environments": ONE_ENVIRONMENT},
    ),
    "static-site-5env": (
        "gcp-containers",
        {"compute": "static-site", "database": None, "cache": None, "deploy_strategy": "canary",
         "domain": "", "alert_email": "",
         "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
}  # fmt: skip
CHECKOV_COMBOS = ["containers-mysql-redis-5env", "kubernetes-mysql-redis",
                  "serverless-postgres-redis-5env", "static-site-domain"]  # fmt: skip

# The outputs the CI pipelines and runbooks read (terraform output -raw NAME).
COMMON_OUTPUTS = {"region", "name_prefix", "project_id", "app_url", "notification_channel_id",
                  "dashboard_name", "error_log_filter"}  # fmt: skip
PIPELINE_OUTPUTS = {
    "containers": {"container_repository_url", "cloud_run_service_name"},
    "kubernetes": {"container_repository_url", "gke_cluster_name"},
    "serverless": {"function_name", "function_service_name"},
    "static-site": {"site_bucket_name", "url_map_name"},
}
BOOTSTRAP_OUTPUTS = {"state_bucket", "workload_identity_provider", "ci_service_accounts",
                     "plan_service_accounts"}  # fmt: skip
DEFAULT_LABELS = {"project", "environment", "owner", "managed-by"}


def has(answers: Mapping[str, Any], key: str) -> bool:
    return answers.get("compute") != "static-site" and answers.get(key, "none") != "none"


GCP = Cloud("gcp", provider="google", matrix=MATRIX)
combos = pytest.mark.parametrize("combo", list(MATRIX))
terraform = tc.terraform  # the module-scoped fixture


# --- syntax and format -------------------------------------------------------------------------


@combos
def test_every_hcl_file_parses(combo: str, hcl2_warm: None) -> None:
    assert GCP.docs(combo)


@combos
def test_terraform_fmt_is_clean(combo: str, terraform: str, tmp_path: Path) -> None:
    problems = tc.fmt_problems(terraform, GCP.tree(combo), tmp_path)
    assert not problems, "\n".join(problems)


# --- provider schema ---------------------------------------------------------------------------


@combos
def test_resources_match_the_google_provider_schema(combo: str, hcl2_warm: None) -> None:
    checked, problems = tc.schema_check(GCP.docs(combo), GCP.provider)
    assert checked > 20
    assert not problems, "\n".join(problems)


# --- references, module calls, environments ----------------------------------------------------


@combos
def test_module_calls_match_module_variables(combo: str, hcl2_warm: None) -> None:
    problems = tc.module_call_problems(GCP.modules(combo))
    assert not problems, "\n".join(problems)


@combos
def test_every_environment_has_tfvars_and_a_backend(combo: str, hcl2_warm: None) -> None:
    problems = tc.environment_problems(GCP, combo, region_key="region")
    assert not problems, "\n".join(problems)
    answers = GCP.answers(combo)
    docs = GCP.docs(combo)
    prefixes = set()
    buckets = set()
    for env in answers["environments"]:
        tfvars = docs[f"environments/{env['name']}.tfvars"]
        project_id = env.get("project_id", f"{answers['project_name']}-{env['name']}")
        assert unquote(tfvars["project_id"]) == project_id
        if answers["compute"] != "static-site":
            assert unquote(tfvars["network_cidr"]) == env["cidr"]
        backend = docs[f"environments/{env['name']}.backend.hcl"]
        assert set(backend) - {"__comments__"} == {"bucket", "prefix"}
        prefixes.add(unquote(backend["prefix"]))
        buckets.add(unquote(backend["bucket"]))
    assert len(prefixes) == len(answers["environments"]), "environments share a state prefix"
    bootstrap = docs["bootstrap/terraform.tfvars"]
    assert buckets == {unquote(bootstrap["state_bucket_name"])}
    # The state and CI identities live in a project of their own, no environment's.
    state_project = unquote(bootstrap["state_project_id"])
    assert state_project == answers.get(
        "gcp_state_project_id", f"{answers['project_name'][:22]}-tfstate"
    )
    assert state_project not in {unquote(env["project_id"]) for env in bootstrap["environments"]}


@combos
def test_answers_reach_hcl_as_quoted_literals(combo: str) -> None:
    answers = GCP.answers(combo)
    for env in answers["environments"]:
        text = GCP.tree(combo)[f"environments/{env['name']}.tfvars"]
        assert f'region       = "{env["region"]}"' in text
        assert f'owner        = "{answers["owner"]}"' in text


@combos
def test_every_resource_gets_the_labels(combo: str, hcl2_warm: None) -> None:
    docs = GCP.docs(combo)
    tree = GCP.tree(combo)
    for path in ("main.tf", "bootstrap/providers.tf"):
        assert not tc.unassigned(tree[path], DEFAULT_LABELS), path
    configs = list(tc.blocks(docs, "provider", 1))
    providers = [body for path, (name,), body in configs
                 if name == "google" and not path.startswith(("modules/", "addons/"))]  # fmt: skip
    # bootstrap/budgets.tf adds an alias (the Budgets API's quota project): labelled too.
    unaliased = [body for body in providers if "alias" not in body]
    assert len(unaliased) == 2 and all("default_labels" in body for body in providers)
    # addons/ reads the cluster only: its google provider creates nothing to label.
    assert not [path for path, (type_, _), _ in tc.blocks(docs, "resource", 2)
                if path.startswith("addons/") and type_.startswith("google_")]  # fmt: skip
    assert not [path for path, _, _ in configs if path.startswith("modules/")]
    # The label fields the provider's default labels do not reach are set by the modules.
    schema = tc.provider_schema(GCP.provider)["resources"]
    unlabelled = [
        f"{path}: {type_}.{name}"
        for path, (type_, name), body in tc.blocks(docs, "resource", 2)
        if "user_labels" in (schema.get(type_) or {}) and "user_labels" not in body
        and "user_labels" not in (body.get("settings") or [{}])[0]
    ]  # fmt: skip
    assert not unlabelled, "\n".join(unlabelled)


@combos
def test_root_outputs_the_pipelines_read(combo: str, hcl2_warm: None) -> None:
    answers = GCP.answers(combo)
    outputs = set(GCP.modules(combo)[""]["output"])
    expected = COMMON_OUTPUTS | PIPELINE_OUTPUTS[answers["compute"]]
    if has(answers, "database"):
        expected |= {"database_instance_name", "database_user", "database_name"}
    assert expected <= outputs, f"missing {expected - outputs}"
    assert BOOTSTRAP_OUTPUTS <= set(GCP.modules(combo)["bootstrap"]["output"])


@combos
def test_no_long_lived_credentials(combo: str) -> None:
    for path, text in GCP.tree(combo).items():
        assert "google_service_account_key" not in text and "private_key" not in text, path


def test_ci_identity_follows_the_ci_answer(hcl2_warm: None) -> None:
    problems = tc.ci_answer_problems(GCP, FIVE_ENVIRONMENTS)
    assert not problems, "\n".join(problems)
    gitlab = GCP.docs("static-site-5env")["bootstrap/terraform.tfvars"]
    assert [unquote(env["project_id"]) for env in gitlab["environments"]] == [
        f"shop-{env['name']}" for env in FIVE_ENVIRONMENTS
    ]
    ci = GCP.tree("containers-postgres")["bootstrap/ci.tf"]
    # GitHub: deploy identities trust their environment on the default branch; plan identities
    # the default branch, and pull requests only when the environment is not protected
    # (tests/platform_pack/test_trust_ref.py evaluates them).
    assert '? ["${local.attribute}.deploy/${name}:branch:refs/heads/${var.default_branch}"]' in ci
    assert '["${local.attribute}.plan/branch:refs/heads/${var.default_branch}"]' in ci
    assert 'env.protected ? [] : ["${local.attribute}.plan/pull_request"]' in ci
    # GitLab: environment, its protection and its protected deploy branch (the default branch,
    # or a protected environment's deploy/<env>), in one attribute.
    assert "assertion.environment + ':' + string(assertion.environment_protected)" in ci
    assert "string(assertion.ref_protected)" in ci
    assert (
        '"${local.attribute}.deploy/${name}:${protected}:branch:${local.gitlab_deploy_branches[name]}:true"'
        in ci
    )
    assert '? ["${local.attribute}.plan/branch:${var.default_branch}:true", ' in ci
    # Only this repository's tokens are accepted at all.
    assert "assertion.repository == '${var.repository}'" in ci
    assert "assertion.project_path == '${var.repository}'" in ci
    # The identities live in the state project, not in an environment's.
    assert ci.count("project      = var.state_project_id") == 2


def test_module_selection_follows_the_answers() -> None:
    modules = GCP.module_names
    base = {"secrets", "observability"}
    containers = base | {
        "network",
        "cloud-run-service",
        "container-registry",
        "waf",
        "load-balancer",
    }
    assert modules("containers-postgres") == containers | {"database"}
    assert modules("containers-mysql-redis-5env") == containers | {"database", "cache", "dns"}
    assert modules("containers-bare-1env") == containers
    assert modules("kubernetes-bare-1env") == base | {
        "network",
        "gke-cluster",
        "container-registry",
        "waf",
    }
    assert modules("kubernetes-mysql-redis") == modules("kubernetes-bare-1env") | {
        "database",
        "cache",
        "dns",
    }
    assert modules("serverless-bare") == base | {"network", "function-api", "container-registry"}
    assert modules("serverless-postgres-redis-5env") == modules("serverless-bare") | {
        "database", "cache", "dns", "waf", "load-balancer"
    }  # fmt: skip
    assert modules("static-site-domain") == base | {"static-site", "load-balancer", "dns"}
    assert modules("static-site-5env") == base | {"static-site", "load-balancer"}


def test_protection_and_sizes_follow_the_environment(hcl2_warm: None) -> None:
    docs = GCP.docs("containers-mysql-redis-5env")
    dev, prod = docs["environments/dev.tfvars"], docs["environments/prod.tfvars"]
    assert dev["protected"] is False and prod["protected"] is True
    assert unquote(dev["database_tier"]) == "db-custom-1-3840"
    assert unquote(prod["database_tier"]) == "db-custom-4-15360"
    assert prod["database_backup_retention_days"] > dev["database_backup_retention_days"]
    main = GCP.tree("containers-mysql-redis-5env")["main.tf"]
    for line in ("high_availability        = var.protected", "deletion_protection      = var.protected",
                 "high_availability     = var.protected"):  # fmt: skip
        assert line in main


@pytest.mark.parametrize("combo", ["containers-mysql-redis-5env", "kubernetes-mysql-redis", "serverless-postgres-redis-5env",
                                   "static-site-domain"])  # fmt: skip
def test_module_readmes_document_every_input_and_output(combo: str, hcl2_warm: None) -> None:
    problems = tc.readme_problems(GCP, combo)
    assert not problems, "\n".join(problems)


@combos
def test_the_layout_doc_and_tooling_are_rendered(combo: str) -> None:
    tree = GCP.tree(combo)
    assert {".gitignore", ".tflint.hcl", ".pre-commit-config.yaml", "Makefile", "docs/gcp-layout.md",
            "bootstrap/README.md"} <= set(tree)  # fmt: skip
    assert 'plugin "google"' in tree[".tflint.hcl"]
    assert (
        f"## Deployment strategy: {GCP.answers(combo)['deploy_strategy']}"
        in tree["docs/gcp-layout.md"]
    )


# --- the package's own validation -----------------------------------------------------------


@combos
def test_infrascaffold_validation_finds_nothing(combo: str) -> None:
    findings = tc.validation_problems(GCP, combo, local_bootstrap_state=True)
    assert not findings, "\n".join(findings)


# --- checkov -----------------------------------------------------------------------------------


@pytest.mark.checkov
@pytest.mark.slow
def test_checkov_finds_no_failed_check(tmp_path: Path) -> None:
    problems = tc.checkov_problems(GCP, CHECKOV_COMBOS, tmp_path)
    assert not problems, "\n".join(problems)


def test_extra_tags_of_an_overlay_become_labels(hcl2_warm: None) -> None:
    import dataclasses

    import hcl2

    from infrascaffold.pack.manifest import load_pack

    pack = load_pack("platform")
    context = tuple(
        (name, "{'cost-center': 'cc-1234'}" if name == "extra_tags" else expression)
        for name, expression in pack.context
    )
    tree = render_answers(
        example_answers("gcp-containers"), dataclasses.replace(pack, context=context)
    )
    tfvars = hcl2.loads(tree["environments/prod.tfvars"])
    assert {key: unquote(value) for key, value in tfvars["extra_labels"].items()} == {
        "cost-center": "cc-1234"
    }
    assert "labels = merge(var.extra_labels, {" in tree["main.tf"]


# --- first apply and first pipeline run (issue 17): operational facts of the provider -----------


def test_bootstrap_writes_every_state_object_a_first_plan_reads(hcl2_warm: None) -> None:
    # The GCS backend writes an empty state when it finds none; a read-only plan identity may not.
    tree = GCP.tree("kubernetes-mysql-redis")
    state = tree["bootstrap/state.tf"]
    assert 'state_stacks = [".", "addons"]' in state
    assert 'name            = "${each.key}/default.tfstate"' in state
    assert "version           = 4" in state and "lineage           = random_uuid.state" in state
    # Written once: never rewritten by a later bootstrap apply, never deleted with it.
    assert "ignore_changes = all" in state and 'deletion_policy = "ABANDON"' in state
    assert 'state_stacks = ["."]' in GCP.tree("containers-postgres")["bootstrap/state.tf"]


def test_workload_identity_binding_waits_for_the_cluster() -> None:
    # "Identity Pool does not exist" until the project's first Workload Identity cluster exists.
    module = GCP.tree("kubernetes-mysql-redis")["modules/gke-cluster/main.tf"]
    binding = module.split('resource "google_service_account_iam_member" "app_workload_identity"')[
        1
    ]
    binding = binding.split("\n}\n")[0]
    assert "google_container_cluster.this.workload_identity_config[0].workload_pool" in binding
    assert "depends_on = [google_container_cluster.this]" in binding


def test_error_alert_does_not_wait_for_its_metric_to_be_registered() -> None:
    # provider#11102: a threshold on a new log-based metric is refused for up to 10 minutes.
    observability = GCP.tree("containers-postgres")["modules/observability/main.tf"]
    policy = observability.split('resource "google_monitoring_alert_policy" "app_errors"')[1]
    assert "condition_prometheus_query_language {" in policy
    assert "disable_metric_validation = true" in policy
    assert "condition_threshold" not in policy
    assert "depends_on = [google_logging_metric.app_errors]" in policy
    # PromQL names the metric with underscores only.
    assert 'name        = "${replace(var.name, "-", "_")}_app_errors"' in observability


def test_binary_authorization_has_its_api_and_a_policy_that_denies() -> None:
    tree = GCP.tree("kubernetes-mysql-redis")
    assert '"binaryauthorization.googleapis.com"' in tree["bootstrap/main.tf"]
    policy = tree["app.tf"].split('resource "google_binary_authorization_policy" "this"')[1]
    assert 'evaluation_mode  = "ALWAYS_DENY"' in policy
    assert 'enforcement_mode = "ENFORCED_BLOCK_AND_AUDIT_LOG"' in policy
    assert '"quay.io/argoproj/argo-rollouts:v1.8.2"' in policy
    assert (
        'evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE"'
        in tree["modules/gke-cluster/main.tf"]
    )


def test_cluster_addons_are_a_second_stack_with_exec_credentials(hcl2_warm: None) -> None:
    tree = GCP.tree("kubernetes-mysql-redis")
    answers = GCP.answers("kubernetes-mysql-redis")
    providers = tree["addons/providers.tf"]
    assert 'args        = ["--use_application_default_credentials"]' in providers
    assert "exec = local.exec" in providers and "token" not in providers.replace("no token", "")
    assert 'data "google_container_cluster" "this"' in providers
    for env in answers["environments"]:
        backend = GCP.docs("kubernetes-mysql-redis")[
            f"addons/environments/{env['name']}.backend.hcl"
        ]
        assert unquote(backend["prefix"]) == f"{env['name']}/addons"
        tfvars = GCP.docs("kubernetes-mysql-redis")[f"addons/environments/{env['name']}.tfvars"]
        assert unquote(tfvars["plan_service_account"]).startswith(f"ci-plan-{env['name']}@")
    # The main stack holds no Helm release and no Kubernetes provider.
    assert "helm" not in tree["versions.tf"] and "helm_release" not in tree["app.tf"]
    assert "-target=module.app" not in tree["docs/gcp-layout.md"]
    # Without CI there is no plan identity to give the release records to.
    bare = GCP.docs("kubernetes-postgres-5env")["addons/environments/dev.tfvars"]
    assert unquote(bare["plan_service_account"]) == ""


def test_protected_control_planes_take_no_traffic_from_outside_google_cloud() -> None:
    tree = GCP.tree("kubernetes-mysql-redis")
    assert (
        "allow_external_traffic = var.control_plane_external_access"
        in tree["modules/gke-cluster/main.tf"]
    )
    assert "control_plane_external_access = !var.protected" in tree["app.tf"]


def test_the_state_project_cannot_be_an_environment_project() -> None:
    from infrascaffold.errors import AnswerError

    answers = {**example_answers("gcp-containers"), "gcp_state_project_id": "acme-shop-prod"}
    with pytest.raises(AnswerError) as error:
        render_answers(answers)
    message = str(error.value.format_message())
    assert (
        "gcp_state_project_id" in message
        and "acme-shop-prod is also an environment's project_id" in message
    )
    # The default is derived from the project name and fits a project ID (30 characters).
    long_name = {**example_answers("gcp-containers"), "project_name": "a-very-long-project-name"}
    long_name.pop("gcp_state_project_id")
    tfvars = render_answers(long_name)["bootstrap/terraform.tfvars"]
    assert 'state_project_id  = "a-very-long-project-na-tfstate"' in tfvars


def test_protected_environments_refuse_plain_http_and_silent_alerts_at_plan_time() -> None:
    # Answer-time checks refuse these answers; the stack refuses a hand-edited tfvars too.
    without_domain = GCP.tree("kubernetes-bare-1env")["variables.tf"]
    assert "condition     = !var.protected\n" in without_domain
    assert "needs a domain (HTTPS)" in without_domain
    with_domain = GCP.tree("containers-mysql-redis-5env")["variables.tf"]
    assert "needs a domain (HTTPS)" not in with_domain
    assert 'condition     = !var.protected || var.alert_email != ""' in with_domain


def test_bootstrap_without_ci_interpolates_no_null_pool() -> None:
    # Locals are evaluated even when unused: "${null}" in a string fails the plan.
    ci = GCP.tree("containers-bare-1env")["bootstrap/ci.tf"]
    assert 'pool      = coalesce(one(google_iam_workload_identity_pool.ci[*].name), "none")' in ci


def env_domains(answers: Mapping[str, Any]) -> dict[str, str]:
    """Each environment's domain, as the tfvars give it: the apex for the last environment."""
    names = [env["name"] for env in answers["environments"]]
    domain = answers["domain"]
    return {name: domain if name == names[-1] else f"{name}.{domain}" for name in names}


@combos
def test_bootstrap_creates_each_zone_the_stack_reads_and_the_runbook_delegates_it(
    combo: str,
) -> None:
    """The root stack only reads its zone (data source): bootstrap creates it in the environment's
    project before the first apply, and the runbook delegates it, since the load balancer's
    managed certificate is provisioned only once the domain resolves to it."""
    answers, tree = GCP.answers(combo), GCP.tree(combo)
    rendered = render_answers(answers)
    runbook = rendered["docs/runbooks/bootstrap.md"]
    create = rendered["docs/runbooks/create-environment.md"]
    assert ("### Delegate the new environment's DNS zone" in create) == bool(answers.get("domain"))
    # The bootstrap state moves into the bucket right after the first apply.
    assert 'sed -i \'s/backend "local" {}/backend "gcs" {}/\' bootstrap/backend.tf' in runbook
    assert "terraform -chdir=bootstrap init -migrate-state -backend-config=backend.hcl" in runbook
    assert 'backend "local" {}' in tree["bootstrap/backend.tf"]
    tfvars = tc.parse_hcl(tree["bootstrap/terraform.tfvars"])
    if not answers.get("domain"):
        assert "dns_domains" not in tfvars and "### Delegate the DNS zones" not in runbook
        return
    domains = env_domains(answers)
    assert {unquote(k): unquote(v) for k, v in tfvars["dns_domains"].items()} == domains
    main = tree["bootstrap/main.tf"]
    assert 'resource "google_dns_managed_zone" "environment"' in main
    assert "project     = local.environments[each.key].project_id" in main
    assert 'name        = replace(each.value, ".", "-")' in main
    for env in answers["environments"]:
        env_tfvars = tc.parse_hcl(tree[f"environments/{env['name']}.tfvars"])
        # The zone the root stack looks up is the one bootstrap creates.
        assert unquote(env_tfvars["dns_zone_name"]) == domains[env["name"]].replace(".", "-")
        assert unquote(env_tfvars["domain_name"]) == domains[env["name"]]
        assert f"dig +short NS {domains[env['name']]}\n" in runbook
    assert "terraform -chdir=bootstrap output -json dns_name_servers" in runbook
    assert 'output "dns_name_servers"' in tree["bootstrap/outputs.tf"]
    # Delegation comes before any environment's first apply.
    assert runbook.index("### Delegate the DNS zones") < runbook.index("### Record the outputs")
