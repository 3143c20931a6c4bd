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
MANAGEMENT = "99999999-9999-4999-8999-999999999999"  # the example answers' management subscription

FIVE_ENVIRONMENTS = [
    {"name": "dev", "region": "westeurope", "cidr": "10.1.0.0/16", "size": "small", "protected": False,
     "subscription_id": "11111111-1111-4111-8111-111111111111"},
    {"name": "qa", "region": "westeurope", "cidr": "10.2.0.0/20", "size": "small", "protected": False,
     "subscription_id": "12121212-1212-4121-8121-121212121212"},
    {"name": "staging", "region": "northeurope", "cidr": "172.16.0.0/16", "size": "medium", "protected": False,
     "subscription_id": "22222222-2222-4222-8222-222222222222"},
    {"name": "perf", "region": "northeurope", "cidr": "10.4.0.0/24", "size": "large", "protected": False,
     "subscription_id": "23232323-2323-4232-8232-232323232323"},
    {"name": "prod", "region": "swedencentral", "cidr": "192.168.0.0/16", "size": "large", "protected": True, "runner": "prod-network",
     "subscription_id": "33333333-3333-4333-8333-333333333333"},
]  # fmt: skip
ONE_ENVIRONMENT = [
    {"name": "prod", "region": "eastus2", "cidr": "10.9.0.0/16", "size": "medium", "protected": True, "runner": "prod-network",
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
BOOTSTRAP_OUTPUTS = {"state_resource_group", "state_storage_account", "state_containers",
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
            # Write-only arguments and ephemeral resources (the MySQL password) need 1.11.
            minimum = ">= 1.11" if path == "modules/database/versions.tf" else ">= 1.6"
            assert unquote(terraform_block["required_version"]) == minimum, path
            (providers,) = terraform_block["required_providers"]
            assert unquote(providers["azurerm"]["source"]) == "hashicorp/azurerm", path
            # The root: 4.9 manages storage accounts through Resource Manager alone
            # (data_plane_available); the modules accept any 4.x.
            pin = "~> 4.9" if path == "versions.tf" else "~> 4.0"
            assert unquote(providers["azurerm"]["version"]) == pin, path
            if "azapi" in providers:  # the cache's Entra ID access policy assignment
                assert unquote(providers["azapi"]["source"]) == "Azure/azapi", path
                assert unquote(providers["azapi"]["version"]) == "~> 2.4", path


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
        # The state of every environment is in the management subscription, in a container
        # of its own.
        assert unquote(backend["subscription_id"]) == MANAGEMENT
        assert unquote(backend["container_name"]) == f"tfstate-{env['name']}"
        keys.add(unquote(backend["key"]))
    assert keys == {"terraform.tfstate"}


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
    # The subjects of the CI contract: the environment on GitHub for deploy identities, the
    # default branch (and pull requests for unprotected environments) for plan identities; the
    # protected default branch on GitLab, or a protected environment's own deploy branch; the
    # audience Entra ID expects.
    assert '"repo:${var.repository}:environment:${name}"' in ci
    assert '"repo:${var.repository}:ref:refs/heads/${var.default_branch}"' in ci
    assert '"repo:${var.repository}:pull_request"' in ci
    assert "local.github && !env.protected" in ci
    assert 'gitlab_subject = "project_path:${var.repository}:ref_type:branch:ref:"' in ci
    assert '"${local.gitlab_subject}${var.default_branch}"' in ci
    assert 'env.protected ? "${var.gitlab_deploy_branch_prefix}${name}" : var.default_branch' in ci
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
    kubernetes = AZURE.tree("kubernetes-mysql-redis")["addons/main.tf"]
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


def test_subscriptions_are_required_unique_and_apart_from_management() -> None:
    """No all-zero default: a missing, repeated or management subscription is refused."""
    from infrascaffold.errors import InfrascaffoldError

    base = example_answers("azure-containers")
    no_subscription = {**base, "environments": [
        {key: value for key, value in env.items() if key != "subscription_id"}
        for env in base["environments"]]}  # fmt: skip
    shared = {**base, "environments": [
        {**env, "subscription_id": base["environments"][0]["subscription_id"]}
        for env in base["environments"]]}  # fmt: skip
    management = {**base, "azure_management_subscription_id":
                  base["environments"][-1]["subscription_id"]}  # fmt: skip
    zeros = {**base, "azure_management_subscription_id": PLACEHOLDER}
    missing_management = {k: v for k, v in base.items() if k != "azure_management_subscription_id"}
    for bad, needle in ((no_subscription, "subscription_id"), (shared, "already used"),
                        (management, "management subscription"), (zeros, "all-zero"),
                        (missing_management, "azure_management_subscription_id")):  # fmt: skip
        with pytest.raises(InfrascaffoldError) as caught:
            render_answers(bad)
        assert needle in str(caught.value), caught.value
    rendered = render_answers(base)
    assert not [path for path, text in rendered.items()
                if path.endswith((".tfvars", ".hcl")) and PLACEHOLDER in text]  # fmt: skip


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


# --- first apply and first push (issue 17) --------------------------------------------------


def _pipelines(combo: str, answers: dict[str, Any] | None = None) -> str:
    tree = render_answers(answers or AZURE.answers(combo))
    return "\n".join(
        text for path, text in tree.items() if path.startswith((".github/", ".gitlab"))
    )


def test_image_import_signs_in_to_the_private_source_registry() -> None:
    github = _pipelines("containers-postgres")
    assert "REGISTRY_PASSWORD: ${{ github.token }}" in github
    assert '--username "$registry_username" --password "$registry_password"' in github
    gitlab = _pipelines("containers-mysql-redis-5env")
    assert "registry_username=$CI_REGISTRY_USER" in gitlab
    assert "registry_password=$CI_REGISTRY_PASSWORD" in gitlab


def test_container_apps_blue_green_pins_blue_and_tests_green_on_its_label() -> None:
    script = _pipelines("containers-bare-1env", {**AZURE.answers("containers-bare-1env"),
                                                  "ci": "github-actions",
                                                  "repository": "acme/shop-infra"})  # fmt: skip
    # Blue is the revision serving traffic, pinned before the update creates green.
    pin = script.index('--revision-weight "$blue=100" latest=0')
    update = script.index('--image "$image" \\\n', pin)
    assert script.index("max_by([?revisionName && weight > \\`0\\`], &weight).revisionName") < pin
    assert pin < update
    # Green is named explicitly and tested on its own label URL before any traffic moves.
    assert 'green="$app--$suffix"' in script
    label = script.index('--label green --revision "$green"')
    first_shift = script.index('--revision-weight "$green=$percent"')
    assert label < script.index('smoke_test "$green_url"') < first_shift
    assert 'green_url="https://$app---green.${fqdn#*.}"' in script
    assert '[ "$health" != "Healthy" ]' in script
    # Any failure puts all the traffic back on blue.
    assert '--revision-weight "$blue=100" "$green=0"' in script
    assert "latestRevisionName" not in script


def test_revision_suffix_is_new_on_every_run() -> None:
    script = _pipelines("containers-postgres")
    assert 'suffix="c$(printf \'%s\' "$GIT_SHA" | cut -c1-8)-$(date +%s)"' in script
    assert script.count('--revision-suffix "$suffix"') == 2


def test_alert_gate_fails_closed_without_a_cli_extension() -> None:
    script = _pipelines("containers-postgres")
    assert "az graph" not in script
    assert 'az rest --method get --url "$alerts_url"' in script
    assert "if ! before=$(firing_alerts); then\n" in script
    assert "if ! firing=$(firing_alerts); then\n" in script
    assert "2> /dev/null | sed" not in script


def test_cluster_add_ons_are_a_second_stack_with_exec_auth(hcl2_warm: None) -> None:
    docs = AZURE.docs("kubernetes-mysql-redis")
    assert "helm_release" not in AZURE.tree("kubernetes-mysql-redis")["app.tf"]
    assert 'provider "helm"' not in AZURE.tree("kubernetes-mysql-redis")["providers.tf"]
    providers = docs["addons/providers.tf"]
    (cluster,) = [body for (t, _), body in labelled(providers["data"], 2)
                  if t == "azurerm_kubernetes_cluster"]  # fmt: skip
    assert cluster["name"] == cluster["resource_group_name"] == "${var.cluster_name}"
    (helm,) = [body for (name,), body in labelled(providers["provider"], 1) if name == "helm"]
    exec_ = helm["kubernetes"]["exec"]
    assert unquote(exec_["command"]) == "kubelogin"
    assert [unquote(a) for a in exec_["args"]][:3] == [
        "get-token",
        "--login",
        "${var.kubelogin_login}",
    ]
    (login,) = [body for (name,), body in labelled(docs["addons/variables.tf"]["variable"], 1)
                if name == "kubelogin_login"]  # fmt: skip
    assert unquote(login["default"]) == "azurecli"
    # GitLab jobs have no Azure CLI: kubelogin exchanges the job's ID token file itself.
    gitlab = _pipelines("kubernetes-mysql-redis")
    assert "TF_VAR_kubelogin_login: workloadidentity" in gitlab
    assert "AZURE_FEDERATED_TOKEN_FILE=$ARM_OIDC_TOKEN_FILE_PATH" in gitlab
    for env in AZURE.answers("kubernetes-mysql-redis")["environments"]:
        backend = docs[f"addons/environments/{env['name']}.backend.hcl"]
        assert unquote(backend["key"]) == "addons.tfstate"
        assert unquote(backend["container_name"]) == f"tfstate-{env['name']}"
        tfvars = docs[f"addons/environments/{env['name']}.tfvars"]
        assert unquote(tfvars["subscription_id"]) == env["subscription_id"]
        assert unquote(tfvars["cluster_name"]) == f"payments-{env['name']}"
    assert "target=module.app" not in AZURE.tree("kubernetes-mysql-redis")["docs/azure-layout.md"]


def test_aks_runs_kubelet_as_the_bootstrap_identity(hcl2_warm: None) -> None:
    aks = AZURE.tree("kubernetes-mysql-redis")["modules/aks-cluster/main.tf"]
    assert "user_assigned_identity_id = data.azurerm_user_assigned_identity.kubelet.id" in aks
    assert 'resource "azurerm_user_assigned_identity"' not in aks
    module = AZURE.tree("kubernetes-mysql-redis")["bootstrap/modules/environment/main.tf"]
    assert 'role_definition_name = "Managed Identity Operator"' in module


def test_plan_jobs_without_an_environment_find_their_plan_identity() -> None:
    github = _pipelines("containers-postgres")
    assert ("vars.AZURE_CLIENT_ID || fromJSON(vars.AZURE_PLAN_CLIENT_IDS)[env.TF_ENV]"
            in github)  # fmt: skip
    gitlab = _pipelines("containers-mysql-redis-5env")
    assert 'AZURE_CLIENT_ID=$(printenv "AZURE_PLAN_CLIENT_ID_$suffix" || true)' in gitlab
    assert "tr 'a-z-' 'A-Z_'" in gitlab


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["--set", "azure_management_subscription_id=33333333-3333-4333-8333-333333333333"],
         "error: azure_management_subscription_id: 33333333-3333-4333-8333-333333333333 is an "
         "environment's subscription"),
        (["--set", "environments.1.subscription_id=11111111-1111-4111-8111-111111111111"],
         "error: environments[1].subscription_id: '11111111-1111-4111-8111-111111111111' is "
         "already used by environments[0]"),
        (["--set", f"environments.0.subscription_id={PLACEHOLDER}"],
         "error: environments[0].subscription_id: 00000000-0000-0000-0000-000000000000 is the "
         "all-zero placeholder"),
    ],
)  # fmt: skip
def test_the_cli_refuses_a_bad_subscription_in_one_line(
    tmp_path: Path, overrides: list[str], message: str
) -> None:
    from click.testing import CliRunner

    from infrascaffold.cli import cli

    answers = str(ROOT / "examples/answers/azure-containers.yml")
    result = CliRunner().invoke(
        cli, ["new", str(tmp_path / "out"), "--answers", answers, "--no-input", *overrides]
    )
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert not (tmp_path / "out").exists()


@combos
def test_bootstrap_creates_each_environments_zone_and_the_runbook_delegates_it(
    combo: str, hcl2_warm: None
) -> None:
    """One public zone per environment, for its own domain, in its resource group (environments
    may live in different subscriptions, and only a delegated zone resolves): Front Door
    validates the custom domain and issues its certificate once the zone answers publicly."""
    answers, tree = AZURE.answers(combo), AZURE.tree(combo)
    rendered = render_answers(answers)
    runbook = rendered["docs/runbooks/bootstrap.md"]
    create = rendered["docs/runbooks/create-environment.md"]
    assert ("### Delegate the new environment's DNS zone" in create) == bool(answers.get("domain"))
    assert "terraform -chdir=bootstrap init -migrate-state -backend-config=backend.hcl" in runbook
    module = tree["bootstrap/modules/environment/main.tf"]
    assert 'resource "azurerm_dns_zone" "this"' in module
    assert "scope                = azurerm_dns_zone.this[0].id" in module
    bootstrap = tree["bootstrap/environments.tf"]
    names = [env["name"] for env in answers["environments"]]
    domain = answers.get("domain") or ""
    if not domain:
        assert 'dns_zone_name       = ""' in bootstrap
        assert "### Delegate the DNS zones" not in runbook
        return
    for name in names:
        own = domain if name == names[-1] else f"{name}.{domain}"
        assert f'dns_zone_name       = "{own}"' in bootstrap
        tfvars = tc.parse_hcl(tree[f"environments/{name}.tfvars"])
        assert unquote(tfvars["dns_zone_name"]) == unquote(tfvars["domain_name"]) == own
        assert f"dig +short NS {own}\n" in runbook
    assert "terraform -chdir=bootstrap output -json dns_name_servers" in runbook
    assert runbook.index("### Delegate the DNS zones") < runbook.index("### Record the outputs")
