"""The built-in pack with `cloud: gcp`, judged on a representative matrix of answers.

Every compute kind, with and without database and cache, with 1 and 5 environments, each
deployment strategy and each CI system at least once. Each render is checked with real tools:
python-hcl2 (parses), `terraform fmt`, the Google provider schema, the package's own validation
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
from pathlib import Path
from typing import Any

import pytest

from tests.builders import ROOT, example_answers, render_answers, write_tree_to

SHARED_SCHEMAS = Path("/work/shared/provider-schemas/google.json.gz")
PACKAGED_SCHEMAS = ROOT / "infrascaffold" / "schemas" / "google.json.gz"

# project_id is left to its default (<project_name>-<env>) except where an example sets it.
FIVE_ENVIRONMENTS = [
    {"name": "dev", "region": "europe-west1", "cidr": "10.1.0.0/16", "size": "small", "protected": False},
    {"name": "qa", "region": "europe-west1", "cidr": "10.2.0.0/20", "size": "small", "protected": False},
    {"name": "staging", "region": "europe-west4", "cidr": "10.3.0.0/16", "size": "medium", "protected": False},
    {"name": "perf", "region": "europe-west4", "cidr": "10.4.0.0/21", "size": "large", "protected": False},
    {"name": "prod", "region": "europe-west3", "cidr": "10.5.0.0/16", "size": "large", "protected": True},
]  # fmt: skip
ONE_ENVIRONMENT = [
    {"name": "prod", "region": "us-east1", "cidr": "10.9.0.0/16", "size": "medium", "protected": True,
     "project_id": "acme-prod-1234"},
]  # fmt: skip
GITLAB = {"ci": "gitlab-ci", "repository": "acme/platform/shop-infra"}

# id → (example answers file, overrides)
MATRIX: dict[str, tuple[str, dict[str, Any]]] = {
    "containers-postgres": ("gcp-containers", {}),
    "containers-mysql-redis-5env": (
        "gcp-containers",
        {"database": "mysql", "cache": "redis", "deploy_strategy": "canary",
         "domain": "shop.example.com", "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
    "containers-bare-1env": (
        "gcp-containers",
        {"database": "none", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "alert_email": "", "environments": ONE_ENVIRONMENT},
    ),
    "kubernetes-mysql-redis": ("gcp-kubernetes-canary", {}),
    "kubernetes-bare-1env": (
        "gcp-kubernetes-canary",
        {"database": "none", "cache": "none", "deploy_strategy": "rolling", "domain": "",
         "ci": "github-actions", "repository": "acme/payments", "environments": ONE_ENVIRONMENT},
    ),
    "kubernetes-postgres-5env": (
        "gcp-kubernetes-canary",
        {"database": "postgres", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "environments": FIVE_ENVIRONMENTS},
    ),
    "serverless-bare": (
        "gcp-containers",
        {"compute": "serverless", "database": "none", "deploy_strategy": "blue-green"},
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
        {"compute": "static-site", "domain": "www.example.com", "environments": ONE_ENVIRONMENT},
    ),
    "static-site-5env": (
        "gcp-containers",
        {"compute": "static-site", "deploy_strategy": "canary", "alert_email": "",
         "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
}  # fmt: skip
CHECKOV_COMBOS = ["containers-mysql-redis-5env", "kubernetes-mysql-redis",
                  "serverless-postgres-redis-5env", "static-site-domain"]  # fmt: skip

# The files of the GCP part of the pack: the root stack, environments, modules, bootstrap and
# repository tooling. The rest of a render (CI, README, docs) is judged by its own tests.
GCP_PATH = re.compile(
    r"^([^/]+\.tf|environments/.*|modules/.*|bootstrap/.*|docs/gcp-layout\.md"
    r"|\.gitignore|\.tflint\.hcl|\.pre-commit-config\.yaml|Makefile)$"
)
HCL_SUFFIXES = (".tf", ".tfvars", ".hcl")
META_ARGS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "dynamic"}
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


@cache
def answers_of(combo: str) -> dict[str, Any]:
    example, overrides = MATRIX[combo]
    answers = {**example_answers(example), **overrides}
    if answers["compute"] == "static-site":
        answers.pop("database", None)
        answers.pop("cache", None)
    return answers


@cache
def gcp_tree(combo: str) -> Mapping[str, str]:
    """The GCP files of the render of `combo`."""
    tree = render_answers(answers_of(combo))
    return {path: text for path, text in tree.items() if GCP_PATH.match(path)}


@cache
def hcl_docs(combo: str) -> dict[str, dict[str, Any]]:
    import hcl2

    return {
        path: hcl2.loads(text)
        for path, text in gcp_tree(combo).items()
        if path.endswith(HCL_SUFFIXES)
    }


def unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


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
    write_tree_to(tmp_path, gcp_tree(combo))
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
        pytest.skip("no Google provider schema available")
    with gzip.open(source) as stream:
        loaded: dict[str, Any] = json.load(stream)
    return loaded


def schema_problems(
    body: dict[str, Any], schema: dict[str, Any], where: str, top: bool
) -> Iterator[str]:
    """Unknown arguments and missing required ones; meta-arguments only exist at the top."""
    given = set()
    for key, value in body.items():
        if key.startswith("__") or (top and key in META_ARGS):
            continue
        if key == "dynamic":
            given |= {name for (name,), _ in labelled(value, 1)}
            yield from dynamic_problems(value, schema, where)
            continue
        given.add(key)
        if key not in schema:
            yield f"{where}: unknown argument {key!r}"
            continue
        nested = schema[key].get("block")
        if nested and is_blocks(value):
            for block in value:
                yield from schema_problems(block, nested, f"{where}.{key}", False)
    for key, spec in schema.items():
        if not spec.get("optional", True) and key not in given and key != "id":
            yield f"{where}: required argument {key!r} missing"


def dynamic_problems(value: Any, schema: dict[str, Any], where: str) -> Iterator[str]:
    """The problems of `dynamic` blocks: each names a nested block, its content is that block."""
    for (name,), dynamic in labelled(value, 1):
        if name not in schema:
            yield f"{where}: dynamic block {name!r} is not an argument"
            continue
        for content in dynamic.get("content") or []:
            nested = schema[name].get("block") or {}
            yield from schema_problems(content, nested, f"{where}.{name}", False)


def is_blocks(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, dict) and v.get("__is_block__") for v in value
    )


@combos
def test_resources_match_the_google_provider_schema(combo: str, hcl2_warm: None) -> None:
    schema = provider_schema()
    problems = []
    checked = 0
    for path, doc in hcl_docs(combo).items():
        for kind, table in (("resource", "resources"), ("data", "data_sources")):
            for (type_, name), body in labelled(doc.get(kind), 2):
                if not type_.startswith("google_"):
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


# --- references, module calls, environments ----------------------------------------------------


@combos
def test_module_calls_match_module_variables(combo: str, hcl2_warm: None) -> None:
    modules = module_dirs(combo)
    problems = []
    for folder, entry in modules.items():
        for name, call in entry["module"].items():
            source = unquote(call["source"])
            target = posixpath.normpath(posixpath.join(folder, source))
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
def test_every_environment_has_tfvars_and_a_backend(combo: str, hcl2_warm: None) -> None:
    answers = answers_of(combo)
    docs = hcl_docs(combo)
    variables = module_dirs(combo)[""]["variable"]
    required = {name for name, spec in variables.items() if "default" not in spec}
    prefixes = set()
    buckets = set()
    for env in answers["environments"]:
        tfvars = docs[f"environments/{env['name']}.tfvars"]
        assigned = {k for k in tfvars if not k.startswith("__")}
        assert assigned <= set(variables), f"{env['name']}: unknown {assigned - set(variables)}"
        assert required <= assigned, f"{env['name']}: missing {required - assigned}"
        assert unquote(tfvars["environment"]) == env["name"]
        assert unquote(tfvars["region"]) == env["region"]
        assert tfvars["protected"] is env["protected"]
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
    assert unquote(bootstrap["state_project_id"]) == unquote(
        docs[f"environments/{answers['environments'][-1]['name']}.tfvars"]["project_id"]
    )


@combos
def test_answers_reach_hcl_as_quoted_literals(combo: str) -> None:
    answers = answers_of(combo)
    for env in answers["environments"]:
        text = gcp_tree(combo)[f"environments/{env['name']}.tfvars"]
        assert f'region       = "{env["region"]}"' in text
        assert f'owner        = "{answers["owner"]}"' in text


@combos
def test_every_resource_gets_the_labels(combo: str, hcl2_warm: None) -> None:
    docs = hcl_docs(combo)
    tree = gcp_tree(combo)
    for path in ("main.tf", "bootstrap/providers.tf"):
        assert all(
            re.search(rf"^\s+{re.escape(label)}\s+=", tree[path], re.M) for label in DEFAULT_LABELS
        ), path
    providers = [
        body for path, doc in docs.items() for (name,), body in labelled(doc.get("provider"), 1)
        if name == "google" and not path.startswith("modules/")
    ]  # fmt: skip
    assert len(providers) == 2 and all("default_labels" in body for body in providers)
    assert not any(doc.get("provider") for path, doc in docs.items() if path.startswith("modules/"))
    # The label fields the provider's default labels do not reach are set by the modules.
    schema = provider_schema()["resources"]
    unlabelled = [
        f"{path}: {type_}.{name}"
        for path, type_, name, body in resources(combo)
        if "user_labels" in (schema.get(type_) or {}) and "user_labels" not in body
        and "user_labels" not in (body.get("settings") or [{}])[0]
    ]  # fmt: skip
    assert not unlabelled, "\n".join(unlabelled)


@combos
def test_root_outputs_the_pipelines_read(combo: str, hcl2_warm: None) -> None:
    answers = answers_of(combo)
    outputs = set(module_dirs(combo)[""]["output"])
    expected = COMMON_OUTPUTS | PIPELINE_OUTPUTS[answers["compute"]]
    if has(answers, "database"):
        expected |= {"database_instance_name", "database_secret_id"}
    assert expected <= outputs, f"missing {expected - outputs}"
    assert BOOTSTRAP_OUTPUTS <= set(module_dirs(combo)["bootstrap"]["output"])


@combos
def test_no_long_lived_credentials(combo: str) -> None:
    for path, text in gcp_tree(combo).items():
        assert "google_service_account_key" not in text and "private_key" not in text, path


def test_ci_identity_follows_the_ci_answer(hcl2_warm: None) -> None:
    github = hcl_docs("containers-postgres")["bootstrap/terraform.tfvars"]
    gitlab = hcl_docs("static-site-5env")["bootstrap/terraform.tfvars"]
    none = hcl_docs("containers-bare-1env")["bootstrap/terraform.tfvars"]
    assert unquote(github["ci_provider"]) == "github-actions"
    assert unquote(github["repository"]) == "acme/shop-infra"
    assert unquote(gitlab["ci_provider"]) == "gitlab-ci"
    assert unquote(gitlab["repository"]) == "acme/platform/shop-infra"
    assert unquote(none["ci_provider"]) == "none" and "repository" not in none
    assert [unquote(env["name"]) for env in gitlab["environments"]] == [
        env["name"] for env in FIVE_ENVIRONMENTS
    ]
    assert [unquote(env["project_id"]) for env in gitlab["environments"]] == [
        f"shop-{env['name']}" for env in FIVE_ENVIRONMENTS
    ]
    ci = gcp_tree("containers-postgres")["bootstrap/ci.tf"]
    # GitHub: the environment is in the subject, deploy and plan identities trust their own.
    assert '/subject/repo:${var.repository}:environment:${name}"' in ci
    assert '/subject/repo:${var.repository}:environment:${name}-plan"' in ci
    # GitLab: the protected default branch deploying to the environment; plans by environment.
    assert '/attribute.deployment/branch:${var.default_branch}:${name}"' in ci
    assert '/attribute.environment/${name}-plan"' in ci
    # Only this repository's tokens are accepted at all.
    assert "assertion.repository == '${var.repository}'" in ci
    assert "assertion.project_path == '${var.repository}'" in ci


def test_module_selection_follows_the_answers() -> None:
    def modules(combo: str) -> set[str]:
        return {path.split("/")[1] for path in gcp_tree(combo) if path.startswith("modules/")}

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
    docs = hcl_docs("containers-mysql-redis-5env")
    dev, prod = docs["environments/dev.tfvars"], docs["environments/prod.tfvars"]
    assert dev["protected"] is False and prod["protected"] is True
    assert unquote(dev["database_tier"]) == "db-custom-1-3840"
    assert unquote(prod["database_tier"]) == "db-custom-4-15360"
    assert prod["database_backup_retention_days"] > dev["database_backup_retention_days"]
    main = gcp_tree("containers-mysql-redis-5env")["main.tf"]
    for line in ("high_availability        = var.protected", "deletion_protection      = var.protected",
                 "high_availability     = var.protected"):  # fmt: skip
        assert line in main


@pytest.mark.parametrize("combo", ["containers-mysql-redis-5env", "kubernetes-mysql-redis", "serverless-postgres-redis-5env",
                                   "static-site-domain"])  # fmt: skip
def test_module_readmes_document_every_input_and_output(combo: str, hcl2_warm: None) -> None:
    tree = gcp_tree(combo)
    for folder, entry in module_dirs(combo).items():
        if not folder.startswith("modules/"):
            continue
        readme = tree[f"{folder}/README.md"]
        documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, re.M))
        assert documented == set(entry["variable"]) | set(entry["output"]), folder


@combos
def test_the_layout_doc_and_tooling_are_rendered(combo: str) -> None:
    tree = gcp_tree(combo)
    assert {".gitignore", ".tflint.hcl", ".pre-commit-config.yaml", "Makefile", "docs/gcp-layout.md",
            "bootstrap/README.md"} <= set(tree)  # fmt: skip
    assert 'plugin "google"' in tree[".tflint.hcl"]
    assert (
        f"## Deployment strategy: {answers_of(combo)['deploy_strategy']}"
        in tree["docs/gcp-layout.md"]
    )


# --- the package's own validation -----------------------------------------------------------


@combos
def test_infrascaffold_validation_finds_nothing(combo: str) -> None:
    validate = pytest.importorskip("infrascaffold.validate")
    if not PACKAGED_SCHEMAS.exists():
        pytest.skip("the package ships no Google schema")
    findings = [
        finding
        for finding in validate.validate_tree(dict(gcp_tree(combo)))
        # bootstrap/ starts on local state by design: it creates the bucket its state moves to.
        if not (finding.check == "backend" and finding.path.startswith("bootstrap/"))
    ]
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
        write_tree_to(tmp_path / combo, gcp_tree(combo))
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
    assert reports, result.stderr[-2000:]
    assert not parse_errors, parse_errors
    assert not failed, "\n".join(failed)


def test_extra_tags_of_an_overlay_become_labels(hcl2_warm: None) -> None:
    import dataclasses

    import hcl2

    from infrascaffold.pack import load_pack

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
