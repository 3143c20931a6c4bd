"""The built-in pack with `cloud: azure`, judged on a representative matrix of answers.

Every compute kind, with and without database and cache, with 1 and 5 environments, each
deployment strategy and each CI system at least once. Each render is checked with real tools:
python-hcl2 (parses), `terraform fmt`, the azurerm provider schema, the package's own validation
and, in one test marked `checkov`, checkov.
"""

from __future__ import annotations

import gzip
import json
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from tests.builders import ROOT, example_answers, render_answers, write_tree_to

SHARED_SCHEMAS = Path("/work/shared/provider-schemas/azurerm.json.gz")
PACKAGED_SCHEMAS = ROOT / "infrascaffold" / "schemas" / "azurerm.json.gz"
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

# id → (example answers file, overrides)
MATRIX: dict[str, tuple[str, dict[str, Any]]] = {
    "containers-postgres": ("azure-containers", {}),
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

# The files of the Azure part of the pack: the root stack, environments, modules, bootstrap and
# repository tooling. The rest of a render (CI, README, docs) is judged by its own tests.
AZURE_PATH = re.compile(
    r"^([^/]+\.tf|environments/.*|modules/.*|bootstrap/.*|docs/azure-layout\.md"
    r"|\.gitignore|\.tflint\.hcl|\.pre-commit-config\.yaml|Makefile)$"
)
HCL_SUFFIXES = (".tf", ".tfvars", ".hcl")
META_ARGS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "dynamic"}
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


@cache
def answers_of(combo: str) -> dict[str, Any]:
    example, overrides = MATRIX[combo]
    answers = {**example_answers(example), **overrides}
    return {key: value for key, value in answers.items() if value is not None}


@cache
def azure_tree(combo: str) -> Mapping[str, str]:
    """The Azure files of the render of `combo`."""
    tree = render_answers(answers_of(combo))
    return {path: text for path, text in tree.items() if AZURE_PATH.match(path)}


@cache
def hcl_docs(combo: str) -> dict[str, dict[str, Any]]:
    import hcl2

    return {
        path: hcl2.loads(text)
        for path, text in azure_tree(combo).items()
        if path.endswith(HCL_SUFFIXES)
    }


def unquote(label: Any) -> Any:
    if isinstance(label, str) and len(label) >= 2 and label[0] == label[-1] == '"':
        return label[1:-1]
    return label


def labelled(
    blocks: list[dict[str, Any]] | None, depth: int
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(labels, body) of blocks such as `resource "t" "n"` (depth 2) or `variable "v"` (depth 1)."""
    for item in blocks or []:
        for first, inner in item.items():
            if first.startswith("__"):
                continue
            if depth == 1:
                yield (unquote(first),), inner
                continue
            for second, body in inner.items():
                if not second.startswith("__"):
                    yield (unquote(first), unquote(second)), body


@cache
def module_dirs(combo: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Folder → {"variable": {name: body}, "output": {...}, "module": {...}} of each module."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for path, doc in hcl_docs(combo).items():
        if not path.endswith(".tf"):
            continue
        folder = path.rpartition("/")[0]
        entry = found.setdefault(folder, {"variable": {}, "output": {}, "module": {}})
        for kind in entry:
            for (name,), body in labelled(doc.get(kind), 1):
                entry[kind][name] = body
    return found


def resources(combo: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(path, type, name, body) of every resource of the render."""
    for path, doc in hcl_docs(combo).items():
        for (type_, name), body in labelled(doc.get("resource"), 2):
            yield path, type_, name, body


combos = pytest.mark.parametrize("combo", list(MATRIX))


# --- syntax and format -------------------------------------------------------------------------


@combos
def test_every_hcl_file_parses(combo: str, hcl2_warm: None) -> None:
    assert hcl_docs(combo)


@pytest.fixture(scope="module")
def terraform() -> str:
    found = shutil.which("terraform")
    if not found:
        pytest.skip("terraform is not installed")
    return found


@combos
def test_terraform_fmt_is_clean(combo: str, terraform: str, tmp_path: Path) -> None:
    write_tree_to(tmp_path, azure_tree(combo))
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-list=true", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull},
        check=False,
    )
    assert result.returncode == 0, f"not in canonical format:\n{result.stdout}{result.stderr}"


# --- provider schema ---------------------------------------------------------------------------


@cache
def provider_schema() -> dict[str, Any]:
    source = SHARED_SCHEMAS if SHARED_SCHEMAS.exists() else PACKAGED_SCHEMAS
    if not source.exists():
        pytest.skip("no azurerm provider schema available")
    with gzip.open(source) as stream:
        loaded: dict[str, Any] = json.load(stream)
    return loaded


def is_block_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and item.get("__is_block__") for item in value
    )


def dynamic_problems(value: Any, schema: dict[str, Any], where: str) -> Iterator[tuple[str, str]]:
    """(argument name, problem) of `dynamic` blocks; an empty problem marks a valid name."""
    for (name,), dynamic in labelled(value, 1):
        if name not in schema:
            yield name, f"{where}: dynamic block {name!r} is not an argument"
            continue
        yield name, ""
        nested = schema[name].get("block") or {}
        for content in dynamic.get("content") or []:
            for problem in schema_problems(content, nested, f"{where}.{name}", top=False):
                yield name, problem


def schema_problems(
    body: dict[str, Any], schema: dict[str, Any], where: str, top: bool
) -> Iterator[str]:
    """Unknown arguments and missing required ones; meta-arguments only exist at the top."""
    given = set()
    for key, value in body.items():
        if key.startswith("__") or (top and key in META_ARGS - {"dynamic"}):
            continue
        if key == "dynamic":
            for name, problem in dynamic_problems(value, schema, where):
                given.add(name)
                if problem:
                    yield problem
            continue
        given.add(key)
        if key not in schema:
            yield f"{where}: unknown argument {key!r}"
        elif schema[key].get("block") and is_block_list(value):
            for block in value:
                yield from schema_problems(block, schema[key]["block"], f"{where}.{key}", top=False)
    yield from missing_required(schema, given, where)


def missing_required(schema: dict[str, Any], given: set[str], where: str) -> Iterator[str]:
    for key, spec in schema.items():
        if not spec.get("optional", True) and key not in given and key != "id":
            yield f"{where}: required argument {key!r} missing"


@combos
def test_resources_match_the_azurerm_provider_schema(combo: str, hcl2_warm: None) -> None:
    schema = provider_schema()
    problems = []
    checked = 0
    for path, doc in hcl_docs(combo).items():
        for kind, table in (("resource", "resources"), ("data", "data_sources")):
            for (type_, name), body in labelled(doc.get(kind), 2):
                if not type_.startswith("azurerm_"):
                    continue
                checked += 1
                if type_ not in schema[table]:
                    problems.append(f"{path}: {kind} type {type_} does not exist")
                    continue
                arguments = schema[table][type_]
                if arguments is not None:
                    problems += [
                        f"{path}: {p}"
                        for p in schema_problems(body, arguments, f"{type_}.{name}", True)
                    ]
    assert checked > 20
    assert not problems, "\n".join(problems)


def test_versions_pin_terraform_and_azurerm(hcl2_warm: None) -> None:
    for combo in ("containers-postgres", "kubernetes-mysql-redis"):
        for path, doc in hcl_docs(combo).items():
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
    modules = module_dirs(combo)
    problems = []
    for folder, entry in modules.items():
        for name, call in entry["module"].items():
            source = unquote(call["source"])
            target = posixpath.normpath(str(PurePosixPath(folder or ".") / source))
            assert target in modules, f"{folder or '.'}: module {name} has no source {source}"
            variables = modules[target]["variable"]
            passed = {k for k in call if not k.startswith("__")} - {
                "source",
                "providers",
                "depends_on",
                "count",
                "for_each",
            }
            problems += [f"module {name}: {k!r} is not a variable" for k in passed - set(variables)]
            problems += [
                f"module {name}: required variable {k!r} not passed"
                for k, spec in variables.items()
                if "default" not in spec and k not in passed
            ]
    assert not problems, "\n".join(problems)


@combos
def test_every_variable_and_output_is_typed_and_described(combo: str, hcl2_warm: None) -> None:
    problems = []
    for folder, entry in module_dirs(combo).items():
        for name, body in entry["variable"].items():
            problems += [f"{folder}: variable {name} has no {k}" for k in ("type", "description")
                         if k not in body]  # fmt: skip
        for name, body in entry["output"].items():
            if "description" not in body:
                problems.append(f"{folder}: output {name} has no description")
    assert not problems, "\n".join(problems)


@combos
def test_every_environment_has_tfvars_and_a_backend(combo: str, hcl2_warm: None) -> None:
    docs = hcl_docs(combo)
    variables = module_dirs(combo)[""]["variable"]
    required = {name for name, spec in variables.items() if "default" not in spec}
    environments = answers_of(combo)["environments"]
    keys = set()
    for env in environments:
        tfvars = docs[f"environments/{env['name']}.tfvars"]
        assigned = {k for k in tfvars if not k.startswith("__")}
        assert assigned <= set(variables), f"{env['name']}: unknown {assigned - set(variables)}"
        assert required <= assigned, f"{env['name']}: missing {required - assigned}"
        assert unquote(tfvars["environment"]) == env["name"]
        assert unquote(tfvars["location"]) == env["region"]
        assert unquote(tfvars["subscription_id"]) == env["subscription_id"]
        assert tfvars["protected"] is env["protected"]
        backend = docs[f"environments/{env['name']}.backend.hcl"]
        assert backend["use_azuread_auth"] is True
        # The state of every environment is in the first environment's subscription.
        assert unquote(backend["subscription_id"]) == environments[0]["subscription_id"]
        keys.add(unquote(backend["key"]))
    assert keys == {f"{env['name']}/terraform.tfstate" for env in environments}


@combos
def test_answers_reach_hcl_as_quoted_literals(combo: str) -> None:
    answers = answers_of(combo)
    for env in answers["environments"]:
        text = azure_tree(combo)[f"environments/{env['name']}.tfvars"]
        assert f'location        = "{env["region"]}"' in text
        assert f'owner           = "{answers["owner"]}"' in text
        if answers["compute"] != "static-site":
            assert f'vnet_cidr         = "{env["cidr"]}"' in text


@combos
def test_every_taggable_resource_is_tagged(combo: str, hcl2_warm: None) -> None:
    schema = provider_schema()["resources"]
    untagged = [
        f"{path}: {type_}.{name}"
        for path, type_, name, body in resources(combo)
        if type_.startswith("azurerm_")
        and "tags" in (schema.get(type_) or {})
        and "tags" not in body
    ]
    assert not untagged, "\n".join(untagged)
    for root in ("main.tf", "bootstrap/main.tf"):
        text = azure_tree(combo)[root]
        missing = [tag for tag in DEFAULT_TAGS if not re.search(rf"^\s+{tag}\s+=", text, re.M)]
        assert not missing, f"{root}: no tag {missing}"


@combos
def test_root_outputs_the_pipelines_read(combo: str, hcl2_warm: None) -> None:
    answers = answers_of(combo)
    outputs = set(module_dirs(combo)[""]["output"])
    expected = COMMON_OUTPUTS | set(PIPELINE_OUTPUTS[answers["compute"]])
    if answers["compute"] != "static-site":
        expected.add("key_vault_name")
    if answers.get("database", "none") != "none" and answers["compute"] != "static-site":
        expected.add("database_server_name")
    assert expected <= outputs, f"missing {expected - outputs}"
    assert BOOTSTRAP_OUTPUTS <= set(module_dirs(combo)["bootstrap"]["output"])


@combos
def test_no_long_lived_credentials(combo: str) -> None:
    for path, text in azure_tree(combo).items():
        for forbidden in ("client_secret", "azuread_application_password", "admin_enabled = true",
                          "shared_access_key_enabled = true"):  # fmt: skip
            assert forbidden not in re.sub(r"\s+", " ", text), f"{path}: {forbidden}"


def test_ci_identity_follows_the_ci_answer(hcl2_warm: None) -> None:
    github = hcl_docs("containers-postgres")["bootstrap/terraform.tfvars"]
    gitlab = hcl_docs("static-site-5env")["bootstrap/terraform.tfvars"]
    none = hcl_docs("containers-bare-1env")["bootstrap/terraform.tfvars"]
    assert unquote(github["ci_provider"]) == "github-actions"
    assert unquote(github["repository"]) == "acme/shop-infra"
    assert unquote(gitlab["ci_provider"]) == "gitlab-ci"
    assert unquote(gitlab["repository"]) == "acme/platform/shop-infra"
    assert unquote(none["ci_provider"]) == "none" and "repository" not in none
    names = [unquote(env["name"]) for env in gitlab["environments"]]
    assert names == [env["name"] for env in FIVE_ENVIRONMENTS]
    subscriptions = [unquote(env["subscription_id"]) for env in gitlab["environments"]]
    assert subscriptions == [env["subscription_id"] for env in FIVE_ENVIRONMENTS]
    ci = azure_tree("containers-postgres")["bootstrap/ci.tf"]
    # The subjects the brief names: one environment on GitHub (plan identities: <env>-plan), the
    # protected default branch on GitLab; the audience Entra ID expects.
    assert '"repo:${var.repository}:environment:${name}"' in ci
    assert '"repo:${var.repository}:environment:${name}-plan"' in ci
    assert '"project_path:${var.repository}:ref_type:branch:ref:${var.default_branch}"' in ci
    assert 'audience = "api://AzureADTokenExchange"' in re.sub(r"\s+", " ", ci)


def test_state_account_is_locked_down(hcl2_warm: None) -> None:
    (account,) = [
        body for path, type_, _, body in resources("containers-postgres")
        if path == "bootstrap/main.tf" and type_ == "azurerm_storage_account"
    ]  # fmt: skip
    assert unquote(account["min_tls_version"]) == "TLS1_2"
    assert account["allow_nested_items_to_be_public"] is False
    assert account["shared_access_key_enabled"] is False
    (blob,) = account["blob_properties"]
    assert blob["versioning_enabled"] is True
    assert blob["delete_retention_policy"][0]["days"] >= 7


def test_module_selection_follows_the_answers() -> None:
    def modules(combo: str) -> set[str]:
        return {path.split("/")[1] for path in azure_tree(combo) if path.startswith("modules/")}

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
    tree = azure_tree(combo)
    for folder, entry in module_dirs(combo).items():
        if not folder.startswith("modules/"):
            continue
        readme = tree[f"{folder}/README.md"]
        documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, re.M))
        assert documented == set(entry["variable"]) | set(entry["output"]), folder


# --- what protected environments and strategies change -----------------------------------------


def test_protection_comes_from_the_protected_answer(hcl2_warm: None) -> None:
    main = hcl_docs("containers-postgres")["main.tf"]
    (database,) = [body for (name,), body in labelled(main["module"], 1) if name == "database"]
    for argument in ("high_availability", "geo_redundant_backup", "delete_lock"):
        assert database[argument] == "${var.protected}", argument
    (vault,) = [body for (name,), body in labelled(main["module"], 1) if name == "key_vault"]
    assert vault["purge_protection"] == "${var.protected}"
    app = hcl_docs("kubernetes-mysql-redis")["app.tf"]
    (cluster,) = [body for (name,), body in labelled(app["module"], 1) if name == "app"]
    assert cluster["private_cluster"] == "${var.protected}"


def test_strategies_pick_their_mechanism() -> None:
    # AKS: Argo Rollouts (as the other packs) only for blue-green and canary.
    kubernetes = azure_tree("kubernetes-mysql-redis")["app.tf"]
    assert 'resource "helm_release" "argo_rollouts"' in kubernetes
    assert 'count = var.deployment_strategy == "rolling" ? 0 : 1' in kubernetes
    container_app = azure_tree("containers-postgres")["modules/container-app/main.tf"]
    assert 'var.deployment_strategy == "rolling" ? "Single" : "Multiple"' in container_app
    # Functions: Elastic Premium with a staging slot for blue-green and canary, Flex Consumption
    # (no slots) for rolling; the database module holds its engine's resources only.
    premium, flex = azure_tree("serverless-bare"), azure_tree("serverless-mysql-1env")
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
        tfvars = azure_tree(combo)[
            f"environments/{answers_of(combo)['environments'][0]['name']}.tfvars"
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
    validate = pytest.importorskip("infrascaffold.validate")
    if not PACKAGED_SCHEMAS.exists():
        pytest.skip("the package ships no azurerm schema")
    findings = validate.validate_tree(dict(azure_tree(combo)))
    assert not findings, "\n".join(map(str, findings))


# --- checkov -----------------------------------------------------------------------------------


def checkov_executable() -> str | None:
    configured = os.environ.get("INFRASCAFFOLD_CHECKOV")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT / ".venv-checkov" / "bin" / "checkov")
    return next((str(path) for path in candidates if path.is_file()), None)


@pytest.mark.checkov
@pytest.mark.slow
def test_checkov_finds_no_failed_check(tmp_path: Path) -> None:
    checkov = checkov_executable()
    if checkov is None:
        pytest.skip("checkov is not installed (make .venv-checkov/bin/checkov)")
    for combo in CHECKOV_COMBOS:
        write_tree_to(tmp_path / combo, azure_tree(combo))
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE",
           "CKV_PARSE_ERROR_FAIL": "true"}  # fmt: skip
    result = subprocess.run(
        [checkov, "-d", str(tmp_path), "--framework", "terraform", "--quiet", "--compact",
         "-o", "json", "--skip-download"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    reports = json.loads(result.stdout or "[]")
    reports = reports if isinstance(reports, list) else [reports]
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']})"
        for report in reports
        for check in report.get("results", {}).get("failed_checks", [])
    ]
    parse_errors = [
        error for report in reports for error in report.get("results", {}).get("parsing_errors", [])
    ]
    skipped = [
        check for report in reports for check in report.get("results", {}).get("skipped_checks", [])
    ]
    assert reports, result.stderr[-2000:]
    assert not parse_errors, parse_errors
    assert not failed, "\n".join(failed)
    # Every accepted finding is skipped inline with a reason.
    assert all(check.get("suppress_comment") for check in skipped)
