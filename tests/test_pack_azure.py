"""The built-in pack with `cloud: azure`, judged on a representative matrix of answers.

Every compute kind, with and without database and cache, with 1 and 5 environments, each
deployment strategy and each CI system at least once. Each render is checked with real tools:
python-hcl2 (parses), `terraform fmt`, the azurerm provider schema, the package's own validation
and, in one test marked `checkov`, checkov.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import terraform_checks as tc
from tests.builders import ROOT, example_answers, render_answers
from tests.terraform_checks import Cloud, labelled, unquote

PLACEHOLDER = "00000000-0000-0000-0000-000000000000"

FIVE_ENVIRONMENTS = [
    {"name": "dev", "region": "westeurope", "cidr": "10.1.0.0/16", "size": "small", "protected": False,
     "subscription_id": "11111111-1111-4111-8111-111111111111"},
    {"name": "qa", "region": "westeurope", "cidr": "10.2.0.0/20", "size": "small", "protected": False,
     "subscription_id": "11111111-1111-4111-8111-111111111111"},
    {"name": "staging", "region": "northeurope", "cidr": "172.16.0.0/16", "size": "medium", "protected": False,
     "subscription_id": "22222222-2222-4222-8222-222222222222"},
    {"name": "perf", "region": "northeurope", "cidr": "10.4.0.0/24", "size": "large", "protected": False,
     "subscription_id": "22222222-2222-4222-8222-222222222222"},
    {"name": "prod", "region": "swedencentral", "cidr": "192.168.0.0/16", "size": "large", "protected": True,
     "subscription_id": "33333333-3333-4333-8333-333333333333"},
]  # fmt: skip
ONE_ENVIRONMENT = [
    {"name": "prod", "region": "eastus2", "cidr": "10.9.0.0/16", "size": "medium", "protected": True,
     "subscription_id": "44444444-4444-4444-8444-444444444444"},
]  # fmt: skip
GITLAB = {"ci": "gitlab-ci", "repository": "acme/platform/shop-infra"}

# id → (example answers file, overrides); None removes an answer.
MATRIX: dict[str, tuple[str, dict[str, Any]]] = {
    "containers-postgres": ("azure-containers", {"domain": ""}),
    "containers-mysql-redis-5env": (
        "azure-containers",
        {"database": "mysql", "cache": "redis", "deploy_strategy": "canary",
         "domain": "shop.example.com", "alert_email": "ops@example.com",
         "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
    "containers-bare-1env": (
        "azure-containers",
        {"database": "none", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "environments": ONE_ENVIRONMENT},
    ),
    "kubernetes-mysql-redis": ("azure-kubernetes-canary", {}),
    "kubernetes-bare-1env": (
        "azure-kubernetes-canary",
        {"database": "none", "cache": "none", "deploy_strategy": "rolling", "domain": "",
         "ci": "github-actions", "repository": "acme/payments", "environments": ONE_ENVIRONMENT},
    ),
    "kubernetes-postgres-5env": (
        "azure-kubernetes-canary",
        {"database": "postgres", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "environments": FIVE_ENVIRONMENTS},
    ),
    "serverless-bare": (
        "azure-containers",
        {"compute": "serverless", "database": "none", "deploy_strategy": "blue-green"},
    ),
    "serverless-postgres-redis-5env": (
        "azure-containers",
        {"compute": "serverless", "database": "postgres", "cache": "redis",
         "deploy_strategy": "canary", "domain": "api.example.com",
         "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
    "serverless-mysql-1env": (
        "azure-containers",
        {"compute": "serverless", "database": "mysql", "deploy_strategy": "rolling", "ci": "none",
         "environments": ONE_ENVIRONMENT},
    ),
    "static-site-domain": (
        "azure-containers",
        {"compute": "static-site", "database": None, "cache": None, "domain": "www.example.com",
         "environments": ONE_ENVIRONMENT},
    ),
    "static-site-5env": (
        "azure-containers",
        {"compute": "static-site", "database": None, "cache": None, "deploy_strategy": "canary",
         "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
}  # fmt: skip
CHECKOV_COMBOS = ["containers-mysql-redis-5env", "kubernetes-mysql-redis",
                  "serverless-postgres-redis-5env", "static-site-domain"]  # fmt: skip

# The names the CI pipelines and runbooks read with `terraform output -raw`.
PIPELINE_OUTPUTS = {
    "containers": ["container_registry_login_server", "container_app_name"],
    "kubernetes": ["container_registry_login_server", "aks_cluster_name"],
    "serverless": ["function_app_name", "frontdoor_profile_name", "frontdoor_endpoint_name"],
    "static-site": ["storage_account_name", "frontdoor_profile_name", "frontdoor_endpoint_name"],
}  # fmt: skip
COMMON_OUTPUTS = {"region", "name_prefix", "resource_group_name", "app_url", "action_group_id"}
BOOTSTRAP_OUTPUTS = {"state_resource_group", "state_storage_account", "state_container",
                     "tenant_id", "ci_client_ids", "plan_client_ids"}  # fmt: skip
DEFAULT_TAGS = {"project", "environment", "owner", "managed-by"}


AZURE = Cloud("azure", provider="azurerm", matrix=MATRIX)
combos = pytest.mark.parametrize("combo", list(MATRIX))
terraform = tc.terraform  # the module-scoped fixture


# --- syntax and format -------------------------------------------------------------------------


@combos
def test_every_hcl_file_parses(combo: str, hcl2_warm: None) -> None:
    assert AZURE.docs(combo)


@combos
def test_terraform_fmt_is_clean(combo: str, terraform: str, tmp_path: Path) -> None:
    problems = tc.fmt_problems(terraform, AZURE.tree(combo), tmp_path)
    assert not problems, "\n".join(problems)


# --- provider schema ---------------------------------------------------------------------------


@combos
def test_resources_match_the_azurerm_provider_schema(combo: str, hcl2_warm: None) -> None:
    checked, problems = tc.schema_check(AZURE.docs(combo), AZURE.provider)
    assert checked > 20
    assert not problems, "\n".join(problems)


def test_versions_pin_terraform_and_azurerm(hcl2_warm: None) -> None:
    for combo in ("containers-postgres", "kubernetes-mysql-redis"):
        for path, doc in AZURE.docs(combo).items():
            if not path.endswith("versions.tf"):
                continue
            (terraform_block,) = doc["terraform"]
            assert unquote(terraform_block["required_version"]) == ">= 1.6", path
            (providers,) = terraform_block["required_providers"]
            assert unquote(providers["azurerm"]["source"]) == "hashicorp/azurerm", path
            assert unquote(providers["azurerm"]["version"]) == "~> 4.0", path


# --- references, module calls, environments ----------------------------------------------------


@combos
def test_module_calls_match_module_variables(combo: str, hcl2_warm: None) -> None:
    problems = tc.module_call_problems(AZURE.modules(combo))
    assert not problems, "\n".join(problems)


@combos
def test_every_variable_and_output_is_typed_and_described(combo: str, hcl2_warm: None) -> None:
    problems = []
    for folder, entry in AZURE.modules(combo).items():
        for name, body in entry["variable"].items():
            problems += [f"{folder}: variable {name} has no {k}" for k in ("type", "description")
                         if k not in body]  # fmt: skip
        for name, body in entry["output"].items():
            if "description" not in body:
                problems.append(f"{folder}: output {name} has no description")
    assert not problems, "\n".join(problems)


@combos
def test_every_environment_has_tfvars_and_a_backend(combo: str, hcl2_warm: None) -> None:
    problems = tc.environment_problems(AZURE, combo, region_key="location")
    assert not problems, "\n".join(problems)
    docs = AZURE.docs(combo)
    environments = AZURE.answers(combo)["environments"]
    keys = set()
    for env in environments:
        tfvars = docs[f"environments/{env['name']}.tfvars"]
        assert unquote(tfvars["subscription_id"]) == env["subscription_id"]
        backend = docs[f"environments/{env['name']}.backend.hcl"]
        assert backend["use_azuread_auth"] is True
        # The state of every environment is in the first environment's subscription.
        assert unquote(backend["subscription_id"]) == environments[0]["subscription_id"]
        keys.add(unquote(backend["key"]))
    assert keys == {f"{env['name']}/terraform.tfstate" for env in environments}


@combos
def test_answers_reach_hcl_as_quoted_literals(combo: str) -> None:
    answers = AZURE.answers(combo)
    for env in answers["environments"]:
        text = AZURE.tree(combo)[f"environments/{env['name']}.tfvars"]
        assert f'location        = "{env["region"]}"' in text
        assert f'owner           = "{answers["owner"]}"' in text
        if answers["compute"] != "static-site":
            assert f'vnet_cidr         = "{env["cidr"]}"' in text


@combos
def test_every_taggable_resource_is_tagged(combo: str, hcl2_warm: None) -> None:
    schema = tc.provider_schema(AZURE.provider)["resources"]
    untagged = [
        f"{path}: {type_}.{name}"
        for path, (type_, name), body in tc.blocks(AZURE.docs(combo), "resource", 2)
        if type_.startswith("azurerm_")
        and "tags" in (schema.get(type_) or {})
        and "tags" not in body
    ]
    assert not untagged, "\n".join(untagged)
    for root in ("main.tf", "bootstrap/main.tf"):
        missing = tc.unassigned(AZURE.tree(combo)[root], DEFAULT_TAGS)
        assert not missing, f"{root}: no tag {missing}"


@combos
def test_root_outputs_the_pipelines_read(combo: str, hcl2_warm: None) -> None:
    answers = AZURE.answers(combo)
    outputs = set(AZURE.modules(combo)[""]["output"])
    expected = COMMON_OUTPUTS | set(PIPELINE_OUTPUTS[answers["compute"]])
    if answers["compute"] != "static-site":
        expected.add("key_vault_name")
    if answers.get("database", "none") != "none" and answers["compute"] != "static-site":
        expected.add("database_server_name")
    assert expected <= outputs, f"missing {expected - outputs}"
    assert BOOTSTRAP_OUTPUTS <= set(AZURE.modules(combo)["bootstrap"]["output"])


@combos
def test_no_long_lived_credentials(combo: str) -> None:
    for path, text in AZURE.tree(combo).items():
        for forbidden in ("client_secret", "azuread_application_password", "admin_enabled = true",
                          "shared_access_key_enabled = true"):  # fmt: skip
            assert forbidden not in re.sub(r"\s+", " ", text), f"{path}: {forbidden}"


def test_ci_identity_follows_the_ci_answer(hcl2_warm: None) -> None:
    problems = tc.ci_answer_problems(AZURE, FIVE_ENVIRONMENTS)
    assert not problems, "\n".join(problems)
    gitlab = AZURE.docs("static-site-5env")["bootstrap/terraform.tfvars"]
    subscriptions = [unquote(env["subscription_id"]) for env in gitlab["environments"]]
    assert subscriptions == [env["subscription_id"] for env in FIVE_ENVIRONMENTS]
    ci = AZURE.tree("containers-postgres")["bootstrap/ci.tf"]
    # The subjects the brief names: one environment on GitHub (plan identities: <env>-plan), the
    # protected default branch on GitLab; the audience Entra ID expects.
    assert '"repo:${var.repository}:environment:${name}"' in ci
    assert '"repo:${var.repository}:environment:${name}-plan"' in ci
    assert '"project_path:${var.repository}:ref_type:branch:ref:${var.default_branch}"' in ci
    assert 'audience = "api://AzureADTokenExchange"' in re.sub(r"\s+", " ", ci)


def test_state_account_is_locked_down(hcl2_warm: None) -> None:
    (account,) = [
        body for path, (type_, _), body in tc.blocks(AZURE.docs("containers-postgres"), "resource", 2)
        if path == "bootstrap/main.tf" and type_ == "azurerm_storage_account"
    ]  # fmt: skip
    assert unquote(account["min_tls_version"]) == "TLS1_2"
    assert account["allow_nested_items_to_be_public"] is False
    assert account["shared_access_key_enabled"] is False
    (blob,) = account["blob_properties"]
    assert blob["versioning_enabled"] is True
    assert blob["delete_retention_policy"][0]["days"] >= 7


def test_module_selection_follows_the_answers() -> None:
    modules = AZURE.module_names
    base = {"observability", "network", "key-vault"}
    assert modules("containers-postgres") == base | {
        "container-registry",
        "container-app",
        "database",
    }
    assert modules("containers-mysql-redis-5env") == modules("containers-postgres") | {
        "cache",
        "frontdoor",
    }
    assert modules("kubernetes-bare-1env") == base | {"container-registry", "aks-cluster"}
    assert modules("serverless-bare") == base | {"function-app", "frontdoor"}
    assert modules("static-site-domain") == {"observability", "static-site", "frontdoor"}


@pytest.mark.parametrize(
    "combo", ["containers-mysql-redis-5env", "static-site-domain", "kubernetes-mysql-redis",
              "serverless-postgres-redis-5env"],
)  # fmt: skip
def test_module_readmes_document_every_input_and_output(combo: str, hcl2_warm: None) -> None:
    problems = tc.readme_problems(AZURE, combo)
    assert not problems, "\n".join(problems)


# --- what protected environments and strategies change -----------------------------------------


def test_protection_comes_from_the_protected_answer(hcl2_warm: None) -> None:
    main = AZURE.docs("containers-postgres")["main.tf"]
    (database,) = [body for (name,), body in labelled(main["module"], 1) if name == "database"]
    for argument in ("high_availability", "geo_redundant_backup", "delete_lock"):
        assert database[argument] == "${var.protected}", argument
    (vault,) = [body for (name,), body in labelled(main["module"], 1) if name == "key_vault"]
    assert vault["purge_protection"] == "${var.protected}"
    app = AZURE.docs("kubernetes-mysql-redis")["app.tf"]
    (cluster,) = [body for (name,), body in labelled(app["module"], 1) if name == "app"]
    assert cluster["private_cluster"] == "${var.protected}"


def test_strategies_pick_their_mechanism() -> None:
    # AKS: Argo Rollouts (as the other packs) only for blue-green and canary.
    kubernetes = AZURE.tree("kubernetes-mysql-redis")["app.tf"]
    assert 'resource "helm_release" "argo_rollouts"' in kubernetes
    assert 'count = var.deployment_strategy == "rolling" ? 0 : 1' in kubernetes
    container_app = AZURE.tree("containers-postgres")["modules/container-app/main.tf"]
    assert 'var.deployment_strategy == "rolling" ? "Single" : "Multiple"' in container_app
    # Functions: Elastic Premium with a staging slot for blue-green and canary, Flex Consumption
    # (no slots) for rolling; the database module holds its engine's resources only.
    premium, flex = AZURE.tree("serverless-bare"), AZURE.tree("serverless-mysql-1env")
    assert (
        'resource "azurerm_linux_function_app_slot" "staging"'
        in premium["modules/function-app/premium.tf"]
    )
    assert "modules/function-app/flex.tf" not in premium
    assert (
        'resource "azurerm_function_app_flex_consumption" "this"'
        in flex["modules/function-app/flex.tf"]
    )
    assert "modules/function-app/premium.tf" not in flex
    assert "modules/database/mysql.tf" in flex and "modules/database/postgres.tf" not in flex
    for combo, strategy in (
        ("serverless-bare", "blue-green"),
        ("serverless-mysql-1env", "rolling"),
    ):
        tfvars = AZURE.tree(combo)[
            f"environments/{AZURE.answers(combo)['environments'][0]['name']}.tfvars"
        ]
        assert f'deployment_strategy = "{strategy}"' in tfvars


def test_sizes_table_has_the_same_keys_in_every_column() -> None:
    sizes = yaml.safe_load((ROOT / "templates/platform/data/sizes.yaml").read_text())["azure"]
    assert set(sizes) == {"small", "medium", "large"}
    assert set(sizes["small"]) == set(sizes["medium"]) == set(sizes["large"])


def test_placeholder_subscription_is_explained_and_refused(hcl2_warm: None) -> None:
    answers = {**example_answers("azure-containers")}
    answers["environments"] = [
        {key: value for key, value in env.items() if key != "subscription_id"}
        for env in answers["environments"]
    ]
    tree = render_answers(answers)
    assert f'subscription_id = "{PLACEHOLDER}"' in tree["environments/dev.tfvars"]
    layout = tree["docs/azure-layout.md"]
    assert "placeholder subscription" in layout and "dev, staging, prod" in layout
    variables = tree["variables.tf"]
    assert f'var.subscription_id != "{PLACEHOLDER}"' in variables
    assert (
        "placeholder"
        not in render_answers(example_answers("azure-containers"))["docs/azure-layout.md"]
    )


# --- the package's own validation -----------------------------------------------------------


@combos
def test_infrascaffold_validation_finds_nothing(combo: str) -> None:
    findings = tc.validation_problems(AZURE, combo, local_bootstrap_state=False)
    assert not findings, "\n".join(findings)


# --- checkov -----------------------------------------------------------------------------------


@pytest.mark.checkov
@pytest.mark.slow
def test_checkov_finds_no_failed_check(tmp_path: Path) -> None:
    problems = tc.checkov_problems(AZURE, CHECKOV_COMBOS, tmp_path)
    assert not problems, "\n".join(problems)
