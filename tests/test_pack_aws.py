"""The built-in pack with `cloud: aws`, judged on a representative matrix of answers.

Every compute kind, with and without database and cache, with 1 and 5 environments, each
deployment strategy and each CI system at least once. Each render is checked with real tools:
python-hcl2 (parses), `terraform fmt`, the AWS provider schema, the package's own validation and,
in one test marked `checkov`, checkov.
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

from tests.builders import ROOT, example_answers, render_answers, write_tree_to

SHARED_SCHEMAS = Path("/work/shared/provider-schemas/aws.json.gz")
PACKAGED_SCHEMAS = ROOT / "infrascaffold" / "schemas" / "aws.json.gz"

FIVE_ENVIRONMENTS = [
    {"name": "dev", "region": "eu-west-1", "cidr": "10.1.0.0/16", "size": "small", "protected": False},
    {"name": "qa", "region": "eu-west-1", "cidr": "10.2.0.0/20", "size": "small", "protected": False},
    {"name": "staging", "region": "eu-west-2", "cidr": "10.3.0.0/16", "size": "medium", "protected": False},
    {"name": "perf", "region": "eu-west-2", "cidr": "10.4.0.0/24", "size": "large", "protected": False},
    {"name": "prod", "region": "eu-central-1", "cidr": "10.5.0.0/16", "size": "large", "protected": True},
]  # fmt: skip
ONE_ENVIRONMENT = [
    {"name": "prod", "region": "us-west-1", "cidr": "10.9.0.0/16", "size": "medium", "protected": True},
]  # fmt: skip
GITLAB = {"ci": "gitlab-ci", "repository": "acme/platform/shop-infra"}

# id → (example answers file, overrides)
MATRIX: dict[str, tuple[str, dict[str, Any]]] = {
    "containers-postgres": ("aws-containers", {}),
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
        {"database": "none", "cache": "none", "deploy_strategy": "rolling", "domain": "",
         "ci": "github-actions", "repository": "acme/payments", "environments": ONE_ENVIRONMENT},
    ),
    "kubernetes-postgres-5env": (
        "aws-kubernetes-canary",
        {"database": "postgres", "cache": "none", "deploy_strategy": "blue-green", "ci": "none",
         "environments": FIVE_ENVIRONMENTS},
    ),
    "serverless-bare": ("aws-serverless-bluegreen", {}),
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
        {"domain": "", "deploy_strategy": "canary", "environments": FIVE_ENVIRONMENTS, **GITLAB},
    ),
}  # fmt: skip
CHECKOV_COMBOS = ["containers-mysql-redis-5env", "kubernetes-mysql-redis",
                  "serverless-postgres-redis-5env", "static-site-domain"]  # fmt: skip

# The files of the AWS part of the pack: the root stack, environments, modules, bootstrap and
# repository tooling. The rest of a render (CI, README, docs) is judged by its own tests.
AWS_PATH = re.compile(
    r"^([^/]+\.tf|environments/.*|modules/.*|bootstrap/.*|docs/aws-layout\.md"
    r"|\.gitignore|\.tflint\.hcl|\.pre-commit-config\.yaml|Makefile)$"
)
HCL_SUFFIXES = (".tf", ".tfvars", ".hcl")
META_ARGS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "dynamic"}
PIPELINE_OUTPUTS = {
    "containers": ["container_repository_url", "ecs_cluster_name", "ecs_service_name",
                   "ecs_task_family", "ecs_container_name"],
    "kubernetes": ["container_repository_url", "eks_cluster_name"],
    "serverless": ["lambda_function_name", "lambda_alias_name"],
    "static-site": ["site_bucket_name", "cloudfront_distribution_id"],
}  # fmt: skip
DEFAULT_TAGS = {"project", "environment", "owner", "managed-by"}


@cache
def answers_of(combo: str) -> dict[str, Any]:
    example, overrides = MATRIX[combo]
    return {**example_answers(example), **overrides}


@cache
def aws_tree(combo: str) -> Mapping[str, str]:
    """The AWS files of the render of `combo`."""
    tree = render_answers(answers_of(combo))
    return {path: text for path, text in tree.items() if AWS_PATH.match(path)}


@cache
def hcl_docs(combo: str) -> dict[str, dict[str, Any]]:
    import hcl2

    return {
        path: hcl2.loads(text)
        for path, text in aws_tree(combo).items()
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
    write_tree_to(tmp_path, aws_tree(combo))
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
        pytest.skip("no AWS provider schema available")
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
def test_resources_match_the_aws_provider_schema(combo: str, hcl2_warm: None) -> None:
    schema = provider_schema()
    problems = []
    checked = 0
    for path, doc in hcl_docs(combo).items():
        for kind, table in (("resource", "resources"), ("data", "data_sources")):
            for (type_, name), body in labelled(doc.get(kind), 2):
                if not type_.startswith("aws_"):
                    continue
                checked += 1
                if type_ not in schema[table]:
                    problems.append(f"{path}: {kind} type {type_} does not exist")
                    continue
                # Entries the schema extraction left empty (null) only prove the type exists.
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
def test_every_environment_has_tfvars_and_a_backend(combo: str, hcl2_warm: None) -> None:
    tree = aws_tree(combo)
    docs = hcl_docs(combo)
    variables = module_dirs(combo)[""]["variable"]
    required = {name for name, spec in variables.items() if "default" not in spec}
    keys = set()
    for env in answers_of(combo)["environments"]:
        tfvars = docs[f"environments/{env['name']}.tfvars"]
        assigned = {k for k in tfvars if not k.startswith("__")}
        assert assigned <= set(variables), f"{env['name']}: unknown {assigned - set(variables)}"
        assert required <= assigned, f"{env['name']}: missing {required - assigned}"
        assert unquote(tfvars["environment"]) == env["name"]
        assert unquote(tfvars["region"]) == env["region"]
        assert tfvars["protected"] is env["protected"]
        backend = docs[f"environments/{env['name']}.backend.hcl"]
        assert backend["use_lockfile"] is True and backend["encrypt"] is True
        keys.add(unquote(backend["key"]))
        assert f"environments/{env['name']}.tfvars" in tree
    assert len(keys) == len(answers_of(combo)["environments"]), "environments share a state key"


@combos
def test_answers_reach_hcl_as_quoted_literals(combo: str) -> None:
    answers = answers_of(combo)
    for env in answers["environments"]:
        text = aws_tree(combo)[f"environments/{env['name']}.tfvars"]
        assert f'region       = "{env["region"]}"' in text
        assert f'owner        = "{answers["owner"]}"' in text


@combos
def test_every_resource_gets_the_default_tags(combo: str, hcl2_warm: None) -> None:
    docs = hcl_docs(combo)
    for root in ("main.tf", "bootstrap/providers.tf"):
        text = aws_tree(combo)[root]
        missing = [tag for tag in DEFAULT_TAGS if not re.search(rf"^\s+{tag}\s+=", text, re.M)]
        assert not missing, f"{root}: no default tag {missing}"
    providers = [
        body for path, doc in docs.items() for (name,), body in labelled(doc.get("provider"), 1)
        if name == "aws" and not path.startswith("modules/")
    ]  # fmt: skip
    assert providers and all("default_tags" in body for body in providers)
    assert not any(doc.get("provider") for path, doc in docs.items() if path.startswith("modules/"))


@combos
def test_root_outputs_the_pipelines_read(combo: str, hcl2_warm: None) -> None:
    answers = answers_of(combo)
    outputs = set(module_dirs(combo)[""]["output"])
    expected = {"region", "name_prefix", "app_url", "alarm_topic_arn", "dashboard_name"}
    expected |= set(PIPELINE_OUTPUTS[answers["compute"]])
    if answers.get("database", "none") != "none" and answers["compute"] != "static-site":
        expected.add("database_secret_arn")
    assert expected <= outputs, f"missing {expected - outputs}"
    bootstrap_outputs = set(module_dirs(combo)["bootstrap"]["output"])
    assert {"state_bucket", "state_kms_key_arn", "ci_role_arns"} <= bootstrap_outputs


@combos
def test_no_long_lived_credentials(combo: str) -> None:
    for path, text in aws_tree(combo).items():
        assert "aws_iam_access_key" not in text and "aws_iam_user" not in text, path


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
    ci = aws_tree("containers-postgres")["bootstrap/ci.tf"]
    assert '"repo:${var.repository}:environment:${name}"' in ci
    assert '"project_path:${var.repository}:ref_type:branch:ref:${var.default_branch}"' in ci


def test_module_selection_follows_the_answers() -> None:
    def modules(combo: str) -> set[str]:
        return {path.split("/")[1] for path in aws_tree(combo) if path.startswith("modules/")}

    base = {"secrets", "observability"}
    assert modules("containers-postgres") == base | {
        "network",
        "ecs-service",
        "waf",
        "log-bucket",
        "database",
    }
    assert modules("containers-mysql-redis-5env") == modules("containers-postgres") | {
        "cache",
        "dns",
    }
    assert modules("kubernetes-bare-1env") == base | {"network", "eks-cluster", "waf"}
    assert modules("serverless-bare") == base | {"network", "lambda-api"}
    assert modules("static-site-domain") == base | {"static-site", "log-bucket", "dns"}
    assert modules("static-site-5env") == base | {"static-site", "log-bucket"}


@pytest.mark.parametrize(
    "combo", ["containers-postgres", "static-site-domain", "kubernetes-mysql-redis"]
)
def test_module_readmes_document_every_input_and_output(combo: str, hcl2_warm: None) -> None:
    tree = aws_tree(combo)
    for folder, entry in module_dirs(combo).items():
        if not folder.startswith("modules/"):
            continue
        readme = tree[f"{folder}/README.md"]
        documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, re.M))
        assert documented == set(entry["variable"]) | set(entry["output"]), folder


# --- the package's own validation -----------------------------------------------------------


@combos
def test_infrascaffold_validation_finds_nothing(combo: str) -> None:
    validate = pytest.importorskip("infrascaffold.validate")
    if not PACKAGED_SCHEMAS.exists():
        pytest.skip("the package ships no AWS schema")
    findings = [
        finding
        for finding in validate.validate_tree(dict(aws_tree(combo)))
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
        write_tree_to(tmp_path / combo, aws_tree(combo))
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
