"""Checks shared by the tests of the built-in pack's clouds (tests/test_pack_<cloud>.py).

A `Cloud` renders and parses each combo of its answer matrix once. The checks return problems
(strings) for the test to assert on, so that pytest shows them all.
"""

from __future__ import annotations

import gzip
import json
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.builders import ROOT, example_answers, render_answers, write_tree_to

Doc = dict[str, Any]
Matrix = Mapping[str, tuple[str, Mapping[str, Any]]]

SHARED_SCHEMAS = Path("/work/shared/provider-schemas")
PACKAGED_SCHEMAS = ROOT / "infrascaffold" / "schemas"
HCL_SUFFIXES = (".tf", ".tfvars", ".hcl")
# A resource's meta-arguments, skipped at its top level only; `dynamic` blocks are checked.
META_ARGS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner"}
MODULE_META_ARGS = {"source", "providers", "depends_on", "count", "for_each"}
MODULE_KINDS = ("variable", "output", "module")
# The bootstrap's CI answers of the combos every cloud's matrix uses to vary the CI answer.
CI_ANSWERS = {
    "containers-postgres": {"ci_provider": "github-actions", "repository": "acme/shop-infra"},
    "static-site-5env": {"ci_provider": "gitlab-ci", "repository": "acme/platform/shop-infra"},
    "containers-bare-1env": {"ci_provider": "none"},
}
# The files of a cloud's part of the pack: the root stack, environments, modules, bootstrap and
# repository tooling. The rest of a render (CI, README, docs) is judged by its own tests.
CLOUD_FILES = (r"^([^/]+\.tf|environments/.*|modules/.*|bootstrap/.*|addons/.*|docs/{cloud}-layout\.md"
               r"|\.gitignore|\.tflint\.hcl|\.pre-commit-config\.yaml|Makefile)$")  # fmt: skip
CHECKOV_ENV = {"BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE",
               "CKV_PARSE_ERROR_FAIL": "true"}  # fmt: skip


def unquote(label: Any) -> Any:
    """`label` without the double quotes python-hcl2 keeps around strings; other values as is."""
    if isinstance(label, str) and len(label) >= 2 and label[0] == label[-1] == '"':
        return label[1:-1]
    return label


def labelled(blocks: list[Doc] | None, depth: int) -> Iterator[tuple[tuple[str, ...], Any]]:
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


def blocks(docs: Mapping[str, Doc], kind: str, depth: int) -> Iterator[tuple[str, Any, Any]]:
    """(path, labels, body) of the blocks `kind` of every file, as `labelled`."""
    for path, doc in docs.items():
        for labels, body in labelled(doc.get(kind), depth):
            yield path, labels, body


@cache
def parse_hcl(text: str) -> Doc:
    """python-hcl2's document of `text`, parsed once for all renders: never change it."""
    import hcl2

    loaded: Doc = hcl2.loads(text)
    return loaded


def unassigned(text: str, keys: Iterable[str]) -> list[str]:
    """The `keys` no indented `key = ...` line of `text` assigns (tags, labels)."""
    return sorted(key for key in keys if not re.search(rf"^\s+{re.escape(key)}\s+=", text, re.M))


def production_ready(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as the pack accepts them: a protected environment needs a domain and an alert
    e-mail (a combo without them has no protected environment), and a protected Kubernetes one a
    self-hosted runner in its network."""
    production = bool(answers.get("domain") and answers.get("alert_email"))
    kubernetes = answers.get("compute") == "kubernetes" and answers.get("ci", "none") != "none"
    environments = []
    for env in answers.get("environments", []):
        env = {**env, "protected": bool(env.get("protected")) and production}
        if env["protected"] and kubernetes and not env.get("runner"):
            env["runner"] = f"{env['name']}-network"
        environments.append(env)
    return {**answers, "environments": environments} if environments else answers


class Cloud:
    """One cloud's part of the pack; `answers`, `tree`, `docs`, `modules` cache each combo's."""

    def __init__(self, name: str, provider: str, matrix: Matrix) -> None:
        self.name, self.provider, self.matrix = name, provider, matrix
        self.path = re.compile(CLOUD_FILES.format(cloud=re.escape(name)))
        self.answers = cache(self._answers)
        self.tree = cache(self._tree)
        self.docs = cache(self._docs)
        self.modules = cache(self._modules)

    def _answers(self, combo: str) -> dict[str, Any]:
        """The example's answers with the combo's overrides; an override of None removes one."""
        example, overrides = self.matrix[combo]
        answers = {**example_answers(example), **overrides}
        answers = {key: value for key, value in answers.items() if value is not None}
        return production_ready(answers)

    def _tree(self, combo: str) -> Mapping[str, str]:
        tree = render_answers(self.answers(combo))
        return {path: text for path, text in tree.items() if self.path.match(path)}

    def _docs(self, combo: str) -> dict[str, Doc]:
        items = self.tree(combo).items()
        return {path: parse_hcl(text) for path, text in items if path.endswith(HCL_SUFFIXES)}

    def _modules(self, combo: str) -> dict[str, dict[str, Doc]]:
        """Folder → {"variable": {name: body}, "output": {...}, "module": {...}} of each module."""
        found: dict[str, dict[str, Doc]] = {}
        for path, doc in self.docs(combo).items():
            if path.endswith(".tf"):
                entry = found.setdefault(path.rpartition("/")[0], {k: {} for k in MODULE_KINDS})
                for kind, table in entry.items():
                    table.update((name, body) for (name,), body in labelled(doc.get(kind), 1))
        return found

    def module_names(self, combo: str) -> set[str]:
        """The folders under modules/ of the render of `combo`."""
        return {path.split("/")[1] for path in self.tree(combo) if path.startswith("modules/")}


@pytest.fixture(scope="module")
def terraform() -> str:
    """The terraform executable; skips the tests that need it when it is not installed."""
    return shutil.which("terraform") or pytest.skip("terraform is not installed")


def fmt_problems(terraform: str, tree: Mapping[str, str], root: Path) -> list[str]:
    """What `terraform fmt -check` says of `tree` (written under `root`) unless it is canonical."""
    write_tree_to(root, tree)
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-list=true", str(root)], capture_output=True,
        text=True, env={**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull},
        check=False,
    )  # fmt: skip
    output = f"not in canonical format:\n{result.stdout}{result.stderr}"
    return [output] if result.returncode else []


@cache
def provider_schema(provider: str) -> Doc:
    """The schema of `provider` (aws, google, azurerm): the shared copy, else the packaged one."""
    source = SHARED_SCHEMAS / f"{provider}.json.gz"
    if not source.exists():
        source = PACKAGED_SCHEMAS / f"{provider}.json.gz"
    if not source.exists():
        pytest.skip(f"no {provider} provider schema available")
    with gzip.open(source) as stream:
        loaded: Doc = json.load(stream)
    return loaded


def schema_check(docs: Mapping[str, Doc], provider: str) -> tuple[int, list[str]]:
    """How many resources and data sources of `provider` `docs` hold, and their schema problems."""
    schema = provider_schema(provider)
    checked, problems = 0, []
    for kind, table in (("resource", "resources"), ("data", "data_sources")):
        for path, (type_, name), body in blocks(docs, kind, 2):
            if not type_.startswith(f"{provider}_"):
                continue
            checked += 1
            if type_ not in schema[table]:
                problems.append(f"{path}: {kind} type {type_} does not exist")
            # Entries the schema extraction left empty (null) only prove the type exists.
            elif (arguments := schema[table][type_]) is not None:
                found = schema_problems(body, arguments, f"{type_}.{name}", top=True)
                problems += [f"{path}: {problem}" for problem in found]
    return checked, problems


def is_block_list(value: Any) -> bool:
    """Whether python-hcl2 parsed `value` from blocks (not from an object attribute)."""
    return isinstance(value, list) and all(
        isinstance(v, dict) and v.get("__is_block__") for v in value
    )


def schema_problems(body: Doc, schema: Doc, where: str, top: bool) -> Iterator[str]:
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
        elif schema[key].get("block") and is_block_list(value):
            for block in value:
                yield from schema_problems(block, schema[key]["block"], f"{where}.{key}", False)
    yield from missing_required(schema, given, where)


def dynamic_problems(value: Any, schema: Doc, where: str) -> Iterator[str]:
    """The problems of `dynamic` blocks: each names a nested block, its content is that block."""
    for (name,), dynamic in labelled(value, 1):
        if name not in schema:
            yield f"{where}: dynamic block {name!r} is not an argument"
            continue
        nested = schema[name].get("block") or {}
        for content in dynamic.get("content") or []:
            yield from schema_problems(content, nested, f"{where}.{name}", False)


def missing_required(schema: Doc, given: set[str], where: str) -> Iterator[str]:
    """The required arguments of `schema` (but `id`) not in `given`."""
    for key, spec in schema.items():
        if not spec.get("optional", True) and key not in given and key != "id":
            yield f"{where}: required argument {key!r} missing"


def module_call_problems(modules: Mapping[str, Mapping[str, Doc]]) -> list[str]:
    """Module calls with no module at their source, unknown variables or required ones missing."""
    problems = []
    for folder, entry in modules.items():
        for name, call in entry["module"].items():
            source = unquote(call["source"])
            target = posixpath.normpath(posixpath.join(folder, source))
            if target not in modules:
                problems.append(f"{folder or '.'}: module {name} has no source {source}")
                continue
            variables = modules[target]["variable"]
            passed = {key for key in call if not key.startswith("__")} - MODULE_META_ARGS
            problems += [f"module {name}: {k!r} is not a variable" for k in passed - set(variables)]
            required = {k for k, spec in variables.items() if "default" not in spec}
            problems += [
                f"module {name}: required variable {k!r} not passed" for k in required - passed
            ]
    return problems


def environment_problems(cloud: Cloud, combo: str, region_key: str) -> list[str]:
    """Each environment's tfvars: root variables only, all required ones, and its answers."""
    variables = cloud.modules(combo)[""]["variable"]
    required = {name for name, spec in variables.items() if "default" not in spec}
    problems = []
    for env in cloud.answers(combo)["environments"]:
        tfvars = cloud.docs(combo)[f"environments/{env['name']}.tfvars"]
        assigned = {key for key in tfvars if not key.startswith("__")}
        unknown, missing = assigned - set(variables), required - assigned
        if unknown or missing:
            problems.append(f"{env['name']}: unknown {sorted(unknown)}, missing {sorted(missing)}")
        actual = (unquote(tfvars["environment"]), unquote(tfvars[region_key]), tfvars["protected"])
        if actual[:2] != (env["name"], env["region"]) or actual[2] is not env["protected"]:
            problems.append(f"{env['name']}: environment, {region_key}, protected are {actual}")
    return problems


def ci_answer_problems(cloud: Cloud, environments: list[Doc]) -> list[str]:
    """The bootstrap's CI answers (`CI_ANSWERS`); the environments of the GitLab combo's."""
    problems = []
    for combo, expected in CI_ANSWERS.items():
        tfvars = cloud.docs(combo)["bootstrap/terraform.tfvars"]
        actual = {
            key: unquote(tfvars[key]) for key in ("ci_provider", "repository") if key in tfvars
        }
        if actual != expected:
            problems.append(f"{combo}: bootstrap CI answers {actual}, not {expected}")
    gitlab = cloud.docs("static-site-5env")["bootstrap/terraform.tfvars"]
    names = [unquote(env["name"]) for env in gitlab["environments"]]
    if names != [env["name"] for env in environments]:
        problems.append(f"static-site-5env: bootstrap environments {names}")
    return problems


def readme_problems(cloud: Cloud, combo: str) -> list[str]:
    """Modules whose README's tables do not name exactly their variables and outputs."""
    tree, problems = cloud.tree(combo), []
    for folder, entry in cloud.modules(combo).items():
        if folder.startswith("modules/"):
            readme = tree[f"{folder}/README.md"]
            documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, re.M))
            declared = set(entry["variable"]) | set(entry["output"])
            if documented != declared:
                problems.append(f"{folder}: README {sorted(documented ^ declared)} differ")
    return problems


def validation_problems(cloud: Cloud, combo: str, local_bootstrap_state: bool) -> list[str]:
    """The package's findings on the render; `local_bootstrap_state` accepts bootstrap/'s."""
    validate = pytest.importorskip("infrascaffold.validate")
    if not (PACKAGED_SCHEMAS / f"{cloud.provider}.json.gz").exists():
        pytest.skip(f"the package ships no {cloud.provider} schema")
    findings = validate.validate_tree(dict(cloud.tree(combo)))
    # bootstrap/ may start on local state: it creates the storage its state moves to.
    local = [f for f in findings if f.check == "backend" and f.path.startswith("bootstrap/")]
    return [str(f) for f in findings if not (local_bootstrap_state and f in local)]


def checkov_executable() -> str | None:
    """$INFRASCAFFOLD_CHECKOV, else .venv-checkov/bin/checkov, if the file exists."""
    configured = os.environ.get("INFRASCAFFOLD_CHECKOV")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT / ".venv-checkov" / "bin" / "checkov")
    return next((str(path) for path in candidates if path.is_file()), None)


def checkov_problems(cloud: Cloud, combos: Iterable[str], root: Path) -> list[str]:
    """Checkov's problems with the renders of `combos`; skips the test if it is not installed."""
    checkov = checkov_executable()
    if checkov is None:
        pytest.skip("checkov is not installed (make .venv-checkov/bin/checkov)")
    for combo in combos:
        write_tree_to(root / combo, cloud.tree(combo))
    result = subprocess.run(
        [checkov, "-d", str(root), "--framework", "terraform", "--quiet", "--compact",
         "-o", "json", "--skip-download"],
        capture_output=True, text=True, env={**os.environ, **CHECKOV_ENV}, check=False,
    )  # fmt: skip
    reports = json.loads(result.stdout or "[]")
    reports = reports if isinstance(reports, list) else [reports]
    if not reports:
        return [f"checkov wrote no report:\n{result.stderr[-2000:]}"]
    return report_problems([report.get("results", {}) for report in reports])


def report_problems(results: list[Doc]) -> list[str]:
    """Parse errors, failed checks and checks skipped inline with no reason, of checkov results."""
    parse_errors = [f"parse error: {e}" for r in results for e in r.get("parsing_errors", [])]
    failed = [f"{c['check_id']} {c['resource']} ({c['file_path']})"
              for r in results for c in r.get("failed_checks", [])]  # fmt: skip
    unexplained = [f"{c['check_id']} {c['resource']} ({c['file_path']}): skipped with no reason"
                   for r in results for c in r.get("skipped_checks", [])
                   if not c.get("suppress_comment")]  # fmt: skip
    return parse_errors + failed + unexplained
