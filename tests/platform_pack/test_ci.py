"""The platform pack's CI/CD pipelines, judged by the tools their CI systems and reviewers use.

Every CI × compute × deployment strategy on AWS is rendered once; the external tools then judge
all the renders in one call each: check-jsonschema, actionlint, shellcheck (every `run:` and
`script:` block), yamllint and, marked `checkov`, checkov. The rest reads the parsed pipelines:
gates, order and protection of the environments, permissions, pinned versions, keyless auth.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from itertools import product
from pathlib import Path
from typing import Any

import pytest
import yaml

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, raise_problems, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.model import Pack
from infrascaffold.render.pipeline import render_answers
from infrascaffold.templating.environment import make_environment
from tests.builders import ROOT, example_answers, write_tree_to

Combo = tuple[str, str, str]
Files = dict[str, str]

CIS = ("github-actions", "gitlab-ci")
COMPUTES = ("containers", "kubernetes", "serverless", "static-site")
STRATEGIES = ("rolling", "blue-green", "canary")
COMBOS: list[Combo] = list(product(CIS, COMPUTES, STRATEGIES))
CI_PATHS = (".github/", ".gitlab-ci.yml", ".gitlab/")
WORKFLOWS = ".github/workflows/"
GITLAB = ".gitlab-ci.yml"
BIN = Path(sys.executable).parent
CHECKOV = Path(os.environ.get("INFRASCAFFOLD_CHECKOV", ROOT / ".venv-checkov" / "bin" / "checkov"))
YAMLLINT_CONFIG = (
    "{extends: default, rules: {truthy: {check-keys: false}, document-start: disable, "
    "line-length: {max: 200}, comments: {min-spaces-from-content: 1}}}"
)
SECRET_PATTERNS = (
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)(password|secret|token)\s*[=:]\s*[\"'](?![$])[^\"'\s]{6,}[\"']"),
    re.compile(r"(?i)aws[-_](secret[-_])?access[-_]key"),
)
# Every action the workflows use, pinned to the commit of a release (git rev-parse TAG^{commit} in
# a clone of the action's repository), its version in the comment Dependabot updates.
PINNED_ACTIONS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/download-artifact": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "actions/github-script": ("ed597411d8f924073f98dfc5c65a23a2325f34cd", "v8.0.0"),
    "actions/setup-node": ("820762786026740c76f36085b0efc47a31fe5020", "v7.0.0"),
    "hashicorp/setup-terraform": ("dfe3c3f87815947d99a8997f908cb6525fc44e9e", "v4.0.1"),
    "aws-actions/configure-aws-credentials": ("e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"),
    "terraform-linters/setup-tflint": ("6e1e0642c0289bd619021bf6b34e3c08ed1e005a", "v6.3.0"),
    # There is no v4 tag (major) of cosign-installer: v4.1.2 is its latest release.
    "sigstore/cosign-installer": ("6f9f17788090df1f26f669e9d70d6ae9567deba6", "v4.1.2"),
    "anchore/sbom-action": ("e22c389904149dbc22b58101806040fa8d37a610", "v0.24.0"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/create-github-app-token": ("1b10c78c7865c340bc4f6099eb2f838309f1e8c3", "v3.1.1"),
}
ONE_ENVIRONMENT = [
    {
        "name": "live",
        "region": "us-east-1",
        "cidr": "10.60.0.0/16",
        "protected": True,
        "runner": "live-net",
        "account_id": "777777777777",
    },
]
SIX_ENVIRONMENTS = [
    {
        "name": name,
        "region": region,
        "cidr": f"10.{i}.0.0/16",
        "protected": protected,
        "account_id": f"{i + 1}" * 12,
    }
    | ({"runner": f"{name}-net"} if protected else {})
    for i, (name, region, protected) in enumerate(
        [
            ("dev", "eu-west-1", False),
            ("test", "eu-west-1", False),
            ("qa", "eu-central-1", True),
            ("staging", "eu-central-1", False),
            ("preprod", "us-east-1", True),
            ("prod", "us-east-1", True),
        ]
    )
]


# -- rendering -------------------------------------------------------------------------------------


def answers(
    ci: str, compute: str, strategy: str, environments: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The example AWS answers with this CI, compute and strategy (and environments)."""
    given = {
        **example_answers("aws-containers"),
        "ci": ci,
        "compute": compute,
        "deploy_strategy": strategy,
    }
    if compute == "static-site":
        given.pop("database", None)
        given.pop("cache", None)
    if environments is not None:
        given["environments"] = environments
    # A protected Kubernetes environment's cluster endpoint is private: a runner in its network.
    given["environments"] = [
        {"runner": f"{e['name']}-net"} | e if e.get("protected") and compute == "kubernetes" else e
        for e in given["environments"]
    ]
    return given


@functools.cache
def platform() -> tuple[Pack, Any]:
    """The built-in pack and one Jinja environment for every render (it keeps compiled templates)."""
    pack = load_pack("platform")
    return pack, make_environment(pack.search_roots)


def render_ci(*args: Any) -> Files:
    """The CI files of a render of the built-in pack, as tests.builders.render_answers renders."""
    pack, env = platform()
    layered = apply_overrides(pack, copy.deepcopy(answers(*args)), [])
    resolved, problems = resolve_answers(pack, env, layered)
    raise_problems(problems)
    raise_problems(check_answers(pack, env, resolved))
    tree = render_answers(pack, env, resolved)[0]
    return {path: text for path, text in tree.items() if path.startswith(CI_PATHS)}


@functools.cache
def files_of(combo: Combo) -> Files:
    return render_ci(*combo)


@functools.cache
def docs_of(combo: Combo) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return {
        path: yaml.load(text, Loader=loader)
        for path, text in files_of(combo).items()
        if path.endswith((".yml", ".yaml"))  # not the pinned requirements.txt of the update job
    }


def documents() -> Iterator[tuple[str, str, Any]]:
    """(where, path, document) of every file of every render."""
    for combo in COMBOS:
        for path, doc in docs_of(combo).items():
            yield "-".join(combo), path, doc


def github_jobs() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for where, path, doc in documents():
        if path.startswith(WORKFLOWS):
            for name, job in doc["jobs"].items():
                yield f"{where}/{path}", name, job


def gitlab_jobs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The jobs of a .gitlab-ci.yml with `extends` resolved (mappings merged, the rest replaced)."""

    def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
        out = dict(base)
        for key, value in over.items():
            both = isinstance(value, dict) and isinstance(base.get(key), dict)
            out[key] = merge(base[key], value) if both else value
        return out

    def resolve(job: dict[str, Any]) -> dict[str, Any]:
        parents = job.get("extends", [])
        merged: dict[str, Any] = {}
        for parent in [parents] if isinstance(parents, str) else parents:
            merged = merge(merged, resolve(doc[parent]))
        return merge(merged, {k: v for k, v in job.items() if k != "extends"})

    keywords = {"variables", "stages", "workflow", "default", "include"}
    return {
        name: resolve(job)
        for name, job in doc.items()
        if not name.startswith(".") and name not in keywords
    }


def all_gitlab_jobs() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for where, path, doc in documents():
        if path == GITLAB:
            for name, job in gitlab_jobs(doc).items():
                yield where, name, job


# -- external tools ----------------------------------------------------------------------------------


def tool(name: str) -> str:
    """A tool of this virtualenv, or else of PATH; skips the test when it is absent."""
    local = BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)


def files_named(root: Path, pattern: str) -> list[str]:
    return sorted(str(p) for p in root.glob(pattern))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every render in a folder of its own, each a git repository: there actionlint also checks
    the calls of reusable workflows (`uses: ./.github/workflows/...`) against their inputs."""
    root = tmp_path_factory.mktemp("ci")
    for combo in COMBOS:
        folder = write_tree_to(root / "-".join(combo), files_of(combo))
        if shutil.which("git"):
            run(["git", "init", "-q", str(folder)])
    return root


@pytest.fixture(scope="module")
def distinct(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each distinct file of the renders once (most are alike in many renders), for the tools
    that judge one file at a time."""
    root = tmp_path_factory.mktemp("distinct")
    seen: set[str] = set()
    for combo in COMBOS:
        new = {path: text for path, text in files_of(combo).items() if text not in seen}
        seen.update(new.values())
        write_tree_to(root / "-".join(combo), new)
    return root


# -- what is rendered --------------------------------------------------------------------------------


def test_github_actions_renders_workflows_only() -> None:
    names = {path.removeprefix(WORKFLOWS) for path in files_of(COMBOS[0])}
    assert names == {
        ".github/dependabot.yml",
        ".github/infrascaffold/requirements.txt",
        "infrascaffold-update.yml",
        "terraform.yml",
        "_terraform-plan.yml",
        "_terraform-apply.yml",
        "terraform-drift.yml",
        "_terraform-drift.yml",
        "deploy.yml",
        "_deploy.yml",
        "rollback-dev.yml",
        "rollback-staging.yml",
        "rollback-prod.yml",
        "_rollback.yml",
        "dora-metrics.yml",
    }


def test_gitlab_ci_renders_one_file() -> None:
    # One file: the schema check and checkov read .gitlab-ci.yml, not the files it would include.
    # (and the update job's pinned requirements and Renovate's configuration, which no pipeline
    # includes)
    assert list(files_of(("gitlab-ci", "kubernetes", "canary"))) == [
        GITLAB,
        ".gitlab/infrascaffold/requirements.txt",
        ".gitlab/renovate.json",
    ]


def test_no_ci_renders_no_pipeline() -> None:
    assert render_ci("none", "containers", "rolling") == {}


@pytest.mark.parametrize("combo", COMBOS, ids="-".join)
def test_every_file_is_a_yaml_mapping(combo: Combo) -> None:
    for path, doc in docs_of(combo).items():
        assert isinstance(doc, dict), path


# -- the tools' verdicts -------------------------------------------------------------------------------


def test_github_workflows_match_their_schema(distinct: Path) -> None:
    files = files_named(distinct, "*/.github/workflows/*.yml")
    cmd = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    result = run([*cmd, *files])
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_ci_matches_its_schema(distinct: Path) -> None:
    files = files_named(distinct, "*/.gitlab-ci.yml")
    cmd = [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci"]
    result = run([*cmd, "--data-transform", "gitlab-ci", *files])
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_nothing(rendered: Path) -> None:
    files = files_named(rendered, "*/.github/workflows/*.yml")
    result = run([tool("actionlint"), "-shellcheck", tool("shellcheck"), *files])
    assert result.returncode == 0, result.stdout + result.stderr


def test_yamllint_finds_nothing(distinct: Path) -> None:
    result = run([tool("yamllint"), "-f", "parsable", "-d", YAMLLINT_CONFIG, str(distinct)])
    assert result.returncode == 0, result.stdout + result.stderr


def shell_scripts() -> Iterator[tuple[str, str, str]]:
    """(where, shell, script) of every `run:` step and every GitLab job's script."""
    for where, path, doc in documents():
        if path.startswith(WORKFLOWS):
            for name, job in doc["jobs"].items():
                for i, step in enumerate(job.get("steps", [])):
                    if "run" in step:
                        # An expression is one word to the shell, as actionlint has it.
                        script = re.sub(r"\$\{\{.*?\}\}", "expression", step["run"])
                        yield f"{where}/{path} {name} step {i}", "bash", script
        else:
            for name, job in doc.items():
                for key in ("before_script", "script", "after_script"):
                    if isinstance(job, dict) and key in job:
                        # The runner runs a job's lines in one shell (sh on Alpine), errexit on.
                        script = "set -e\n" + "\n".join(job[key])
                        yield f"{where}/{path} {name} {key}", "sh", script


def test_every_shell_script_passes_shellcheck(tmp_path: Path) -> None:
    where: dict[str, str] = {}
    for label, shell, script in shell_scripts():
        text = f"#!/bin/{shell}\n{script}\n"
        path = tmp_path / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.sh"
        if str(path) not in where:  # each distinct script once
            path.write_text(text, encoding="utf-8")
            where[str(path)] = label
    assert len(where) > 50
    result = run([tool("shellcheck"), "-S", "warning", "-f", "json", *where])
    findings = [
        f"{where[f['file']]} line {f['line'] - 1}: SC{f['code']} {f['message']}"
        for f in json.loads(result.stdout or "[]")
    ]
    assert findings == []


def test_no_secret_literal() -> None:
    for combo in COMBOS:
        for path, text in files_of(combo).items():
            for pattern in SECRET_PATTERNS:
                assert not pattern.search(text), f"{combo} {path}: {pattern.pattern}"


@pytest.mark.checkov
def test_checkov_passes(distinct: Path) -> None:
    if not CHECKOV.exists():
        pytest.skip(f"checkov is not installed at {CHECKOV}")
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CKV_SKIP_PACKAGE_UPDATE_CHECK="TRUE")
    cmd = [str(CHECKOV), "-d", str(distinct), "--framework", "github_actions,gitlab_ci"]
    result = run([*cmd, "--quiet", "--compact", "-o", "json", "--skip-download"], env=env)
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert {r["check_type"] for r in reports} == {"github_actions", "gitlab_ci"}
    failed = [
        f"{c['file_path']}: {c['check_id']} {c['check_name']}"
        for report in reports
        for c in report["results"]["failed_checks"]
    ]
    assert failed == []
    assert sum(r["summary"]["passed"] for r in reports) > 500


# -- jobs: timeouts, permissions, versions, authentication --------------------------------------------


def test_every_job_has_a_timeout() -> None:
    for where, name, job in github_jobs():
        # A job calling a reusable workflow takes no timeout: the jobs it calls have theirs.
        assert "uses" in job or 0 < job["timeout-minutes"] <= 60, f"{where} {name}"
    for where, name, job in all_gitlab_jobs():
        assert "timeout" in job, f"{where} {name}"


def test_github_permissions_are_least_privilege() -> None:
    for where, path, doc in documents():
        if path.startswith(WORKFLOWS):
            assert doc["permissions"] == {}, f"{where} {path}"
    for where, name, job in github_jobs():
        permissions = job["permissions"]
        if where.endswith("infrascaffold-update.yml") and name == "propose":
            assert permissions == {}, where  # it writes with the GitHub App's token only
            continue
        writes = {scope for scope, level in permissions.items() if level == "write"}
        assert permissions["contents"] == "read", f"{where} {name}"
        assert set(permissions.values()) <= {"read", "write"}, f"{where} {name}"
        assert writes <= {"id-token", "packages", "issues"}, f"{where} {name}"
        assert "packages" not in writes or name == "build", f"{where} {name}"
        assert "issues" not in writes or "drift" in name, f"{where} {name}"


def test_actions_are_pinned_to_a_release_commit() -> None:
    for combo in COMBOS:
        files = files_of(combo)
        for path, doc in docs_of(combo).items():
            for name, job in doc.get("jobs", {}).items():
                steps = job.get("steps", [])
                for call in (
                    [job["uses"]] if "uses" in job else [s["uses"] for s in steps if "uses" in s]
                ):
                    if call.startswith("./"):
                        assert call.removeprefix("./") in files, f"{combo} {path} {name}"
                    else:
                        action, _, sha = call.partition("@")
                        pinned, version = PINNED_ACTIONS[action]
                        assert sha == pinned, f"{combo} {path}: {call}"
                        # The version comment Dependabot reads and updates with the SHA.
                        assert f"uses: {call} # {version}\n" in files[path], f"{combo} {path}"


def test_gitlab_images_are_pinned() -> None:
    for where, name, job in all_gitlab_jobs():
        image = job["image"]["name"] if isinstance(job["image"], dict) else job["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag not in ("", "latest"), f"{where} {name}: {image}"


def test_authentication_is_keyless() -> None:
    roles = 0
    for where, name, job in github_jobs():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("aws-actions/configure-aws-credentials"):
                roles += 1
                assert set(step["with"]) == {"role-to-assume", "aws-region", "role-session-name"}
                assert job["permissions"]["id-token"] == "write", f"{where} {name}"
                if name in ("plan", "drift"):
                    # No GitHub environment: the plan role comes from repository variables.
                    assert "environment" not in job, f"{where} {name}"
                    assert step["with"]["role-to-assume"] == "${{ env.AWS_ROLE_ARN }}"
                    assert job["env"]["AWS_ROLE_ARN"] == (
                        "${{ vars[format('AWS_ROLE_ARN_PLAN_{0}', inputs.variable_suffix)] }}"
                    )
                else:
                    # The OIDC subject names the job's environment, which holds AWS_ROLE_ARN.
                    assert step["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
                    assert job["environment"], f"{where} {name}"
    assert roles > 0
    for _, path, doc in documents():
        if path == GITLAB:
            # Self-managed GitLab works: bootstrap's gitlab_url is the issuer and the audience.
            assert doc[".cloud-auth"]["id_tokens"] == {"AWS_ID_TOKEN": {"aud": "$CI_SERVER_URL"}}
    for where, name, job in all_gitlab_jobs():
        if "id_tokens" in job and "AWS_ID_TOKEN" in job["id_tokens"]:
            if name.startswith(("plan:", "drift:")):
                suffix = job["variables"]["TF_ENV"].upper().replace("-", "_")
                assert "environment" not in job, f"{where} {name}"
                assert job["variables"]["AWS_ROLE_ARN"] == f"$AWS_ROLE_ARN_PLAN_{suffix}"
            else:
                # AWS_ROLE_ARN is a CI/CD variable scoped to the job's environment.
                assert job["environment"]["name"], f"{where} {name}"


# -- what the pipelines do ---------------------------------------------------------------------------


def test_applies_replan_and_apply_only_the_reviewed_changes() -> None:
    docs = docs_of(("github-actions", "containers", "rolling"))
    plan = docs[WORKFLOWS + "_terraform-plan.yml"]["jobs"]["plan"]
    apply = docs[WORKFLOWS + "_terraform-apply.yml"]["jobs"]["apply"]
    plan_run = "\n".join(s.get("run", "") for s in plan["steps"])
    apply_run = "\n".join(s.get("run", "") for s in apply["steps"])
    # The plan job hands over the digest of its changes and its lock file, never the plan.
    assert plan["outputs"] == {"digest": "${{ steps.plan.outputs.digest }}"}
    assert 'rm -f "$RUNNER_TEMP/tfplan"' in plan_run
    [upload] = [s for s in plan["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert upload["with"]["path"].endswith("/.terraform.lock.hcl")
    assert upload["if"] == "github.event_name != 'pull_request'"
    [download] = [s for s in apply["steps"] if s.get("uses", "").startswith("actions/download")]
    assert download["with"]["name"] == upload["with"]["name"]
    # The apply inits with that lock file, plans again, refuses another change set, applies.
    assert "terraform init -lockfile=readonly" in apply_run
    assert 'if [ "$digest" != "$REVIEWED_DIGEST" ]; then' in apply_run
    assert apply["env"]["REVIEWED_DIGEST"] == "${{ inputs.digest }}"
    assert apply["steps"][-1]["run"] == 'terraform apply "$RUNNER_TEMP/tfplan"'
    jobs = gitlab_jobs(docs_of(("gitlab-ci", "containers", "rolling"))[GITLAB])
    assert jobs["apply:prod"]["needs"][0] == "plan:prod"
    assert jobs["plan:prod"]["artifacts"]["reports"] == {
        "dotenv": "plan.env",
        "terraform": "plan.json",
    }
    assert jobs["plan:prod"]["artifacts"]["paths"] == ["$TF_ROOT/$TF_STACK/.terraform.lock.hcl"]
    script = "\n".join(jobs["apply:prod"]["script"])
    assert "terraform init -lockfile=readonly" in script
    assert 'if [ "$digest" != "$PLAN_DIGEST" ]; then' in script
    assert script.rstrip().endswith('terraform apply "$plan"')


def test_drift_detection_runs_nightly_and_reports() -> None:
    docs = docs_of(("github-actions", "serverless", "canary"))
    triggers = docs[WORKFLOWS + "terraform-drift.yml"][True]  # YAML 1.1 reads the key `on` as true
    assert triggers == {"schedule": [{"cron": "17 3 * * *"}], "workflow_dispatch": None}
    drift = docs[WORKFLOWS + "_terraform-drift.yml"]["jobs"]["drift"]
    assert "-detailed-exitcode" in drift["steps"][4]["run"]
    assert drift["steps"][5]["uses"].startswith("actions/github-script@")
    assert drift["steps"][6]["run"].rstrip().endswith("exit 1")
    jobs = gitlab_jobs(docs_of(("gitlab-ci", "serverless", "canary"))[GITLAB])
    for name, job in jobs.items():
        on_schedule = [
            r for r in job["rules"] if r["if"].startswith('$CI_PIPELINE_SOURCE == "schedule"')
        ]
        if name == "dora-metrics":  # scheduled pipelines also report the DORA keys
            assert job["rules"] == [
                {"if": '$CI_PIPELINE_SOURCE == "schedule" && $INFRASCAFFOLD_UPDATE != "true"'}
            ]
        elif name.startswith("drift:"):
            # every schedule but the pack update's (INFRASCAFFOLD_UPDATE=true, see test_fleet)
            assert job["rules"] == [
                {"if": '$CI_PIPELINE_SOURCE == "schedule" && $INFRASCAFFOLD_UPDATE != "true"'}
            ]
            assert "-detailed-exitcode" in job["script"][-1]
        elif name.startswith("infrascaffold-"):
            assert job["rules"] == [
                {"if": '$CI_PIPELINE_SOURCE == "schedule" && $INFRASCAFFOLD_UPDATE == "true"'}
            ]
        else:
            # Not in scheduled pipelines: excluded by a rule, or by their only rule's condition.
            assert all(r.get("when") == "never" for r in on_schedule), name
            assert on_schedule or '$CI_PIPELINE_SOURCE != "schedule"' in job["rules"][0]["if"]


@pytest.mark.parametrize(
    ("compute", "strategy", "signature"),
    [
        ("containers", "rolling", "aws ecs update-service"),
        ("containers", "canary", "aws ecs wait services-stable"),
        ("kubernetes", "rolling", 'rollout undo "deployment/$K8S_WORKLOAD"'),
        ("kubernetes", "blue-green", "Switched back to blue"),
        ("kubernetes", "canary", 'rollouts abort "$K8S_WORKLOAD"'),
        ("serverless", "rolling", "steps='25 50 75 100'"),
        ("serverless", "blue-green", "steps=100"),
        ("serverless", "canary", "steps='10 100'"),
        ("static-site", "blue-green", 'switch_origin "$blue"'),
    ],
)
def test_each_strategy_deploys_its_way(compute: str, strategy: str, signature: str) -> None:
    github = docs_of(("github-actions", compute, strategy))[WORKFLOWS + "_deploy.yml"]
    assert signature in github["jobs"]["deploy"]["steps"][-1]["run"]
    gitlab = gitlab_jobs(docs_of(("gitlab-ci", compute, strategy))[GITLAB])
    assert signature in gitlab["deploy:prod"]["script"][-1]


# -- environments: names, order and protection come from the answers ---------------------------------


@pytest.fixture(params=[ONE_ENVIRONMENT, SIX_ENVIRONMENTS], ids=["1-env", "6-envs"])
def environments(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return list(request.param)


def job_text(text: str, job: str) -> str:
    """The text of one job of a rendered workflow, to read its comments."""
    match = re.search(
        rf"^  (?:{re.escape(job)}|\"{re.escape(job)}\"):\n(.*?)(?=^\n|\Z)", text, re.M | re.S
    )
    assert match, job
    return match.group(1)


def test_github_environments_follow_the_answers(environments: list[dict[str, Any]]) -> None:
    files = render_ci("github-actions", "serverless", "canary", environments)
    names = [env["name"] for env in environments]
    terraform = yaml.safe_load(files[WORKFLOWS + "terraform.yml"])["jobs"]
    deploy = yaml.safe_load(files[WORKFLOWS + "deploy.yml"])["jobs"]
    assert [j for j in terraform if j.startswith("apply-")] == [f"apply-{n}" for n in names]
    assert [j for j in deploy if j.startswith("deploy-")] == [f"deploy-{n}" for n in names]
    rollbacks = sorted(p for p in files if p.startswith(WORKFLOWS + "rollback-"))
    assert rollbacks == sorted(f"{WORKFLOWS}rollback-{n}.yml" for n in names)
    for i, env in enumerate(environments):
        name, before = env["name"], names[:i][-1:]
        runner = env.get("runner") or "ubuntu-latest"
        given = {"environment": name, "region": env["region"], "runner": runner}
        suffix = name.upper().replace("-", "_")
        assert terraform[f"plan-{name}"]["with"] == {
            **given,
            "stack": ".",
            "variable_suffix": suffix,
        }
        assert terraform[f"apply-{name}"]["with"] == {
            **given,
            "stack": ".",
            "digest": f"${{{{ needs['plan-{name}'].outputs.digest }}}}",
        }
        assert deploy[f"deploy-{name}"]["with"]["environment"] == name
        assert deploy[f"deploy-{name}"]["with"]["runner"] == runner
        assert terraform[f"apply-{name}"]["needs"] == [
            f"plan-{name}",
            *(f"apply-{n}" for n in before),
        ]
        # Protected environments are never planned for a pull request.
        on_pr = "if" not in terraform[f"plan-{name}"]
        assert on_pr != env["protected"], name
        assert deploy[f"deploy-{name}"]["needs"] == ["build", *(f"deploy-{n}" for n in before)]
        for workflow, job in (("terraform.yml", f"apply-{name}"), ("deploy.yml", f"deploy-{name}")):
            gated = "# Protected" in job_text(files[WORKFLOWS + workflow], job)
            assert gated == env["protected"], f"{workflow} {job}"
        rollback = yaml.safe_load(files[f"{WORKFLOWS}rollback-{name}.yml"])
        assert rollback["jobs"]["rollback"]["with"] == given
    # Plans and drift run in no environment (subject: the pull request or main); applies, deploys
    # and rollbacks in <env> (reviewers if protected), one at a time per environment.
    reusable = {
        p.removeprefix(WORKFLOWS): next(iter(yaml.safe_load(t)["jobs"].values()))
        for p, t in files.items()
        if p.startswith(WORKFLOWS + "_")
    }
    assert "environment" not in reusable["_terraform-plan.yml"]
    assert "environment" not in reusable["_terraform-drift.yml"]
    assert reusable["_terraform-apply.yml"]["environment"] == "${{ inputs.environment }}"
    assert reusable["_rollback.yml"]["environment"] == "${{ inputs.environment }}"
    assert reusable["_deploy.yml"]["environment"]["name"] == "${{ inputs.environment }}"
    for job in reusable.values():
        assert job["runs-on"] == "${{ inputs.runner }}"
    for workflow, group in (
        ("_terraform-apply.yml", "terraform-${{ inputs.environment }}"),
        ("_deploy.yml", "deploy-${{ inputs.environment }}"),
        ("_rollback.yml", "deploy-${{ inputs.environment }}"),
        (
            "_terraform-plan.yml",
            "${{ github.event_name == 'pull_request' && format('plan-{0}-{1}', inputs.environment,"
            " github.run_id) || format('terraform-{0}', inputs.environment) }}",
        ),
    ):
        assert reusable[workflow]["concurrency"] == {
            "group": group,
            "cancel-in-progress": False,
        }


def test_gitlab_environments_follow_the_answers(environments: list[dict[str, Any]]) -> None:
    # Kubernetes: each environment's root stack, then its addons stack.
    files = render_ci("gitlab-ci", "kubernetes", "blue-green", environments)
    jobs = gitlab_jobs(yaml.safe_load(files[GITLAB]))
    names = [env["name"] for env in environments]
    for stage in ("plan", "apply", "drift"):
        assert [j for j in jobs if j.startswith(f"{stage}:")] == [
            job for n in names for job in (f"{stage}:{n}", f"{stage}:{n}:addons")
        ]
    for stage in ("deploy", "rollback"):
        assert [j for j in jobs if j.startswith(f"{stage}:")] == [f"{stage}:{n}" for n in names]
    for i, env in enumerate(environments):
        # A protected environment applies and deploys in the pipelines of its own deploy branch
        # (deploy/<env>), the others in the default branch's, after the unprotected one before.
        unprotected_before = [e["name"] for e in environments[:i] if not e["protected"]]
        name, before = env["name"], [] if env["protected"] else unprotected_before[-1:]
        plan, apply, deploy = jobs[f"plan:{name}"], jobs[f"apply:{name}"], jobs[f"deploy:{name}"]
        rollback, drift = jobs[f"rollback:{name}"], jobs[f"drift:{name}"]
        for job in (plan, apply, deploy, rollback, drift):
            assert job["variables"]["TF_ENV"] == name
            assert job["variables"]["CLOUD_REGION"] == env["region"]
            assert job.get("tags") == ([env["runner"]] if env.get("runner") else None), name
        assert "environment" not in plan and "environment" not in drift
        assert apply["environment"] == rollback["environment"] == {"name": name}
        assert deploy["environment"]["name"] == name
        after = [{"job": f"apply:{n}:addons", "artifacts": False} for n in before]
        assert apply["needs"] == [f"plan:{name}", *after]
        after = [{"job": f"deploy:{n}", "artifacts": False} for n in before]
        assert deploy["needs"] == ["build", *after]
        for job in (plan, apply):
            assert job["resource_group"] == f"terraform-{name}"
        assert deploy["resource_group"] == rollback["resource_group"] == f"deploy-{name}"
        branch = f'"deploy/{name}"' if env["protected"] else "$CI_DEFAULT_BRANCH"
        for job in (apply, deploy, rollback):
            [rule] = job["rules"]
            assert rule["if"].endswith(f"&& $CI_COMMIT_BRANCH == {branch}"), f"{name} {rule}"
        for job in (apply, deploy):
            [rule] = job["rules"]
            assert (rule.get("when") == "manual") == env["protected"], f"{name} {rule}"
        assert rollback["rules"][0]["when"] == "manual"
        on_mr = any("merge_request_event" in rule.get("if", "") for rule in plan["rules"])
        assert on_mr != env["protected"], name


# -- CI files at the root of an application repository (infra_dir) -------------------------------

AT_ROOT_COMBOS: list[Combo] = [
    (ci, compute, strategy)
    for ci in CIS
    for compute, strategy in (
        ("kubernetes", "canary"),
        ("serverless", "blue-green"),
        ("static-site", "rolling"),
    )
]


def render_at_root(combo: Combo) -> Files:
    """A render whose CI files sit at the repository root, DEST being its `infra/` folder."""
    pack, env = platform()
    layered = apply_overrides(pack, copy.deepcopy(answers(*combo)), [])
    resolved, problems = resolve_answers(pack, env, layered)
    raise_problems(problems)
    return render_answers(pack, env, resolved, infra_dir="infra")[0]


def check_github_at_root(tree: Files) -> None:
    for path, text in tree.items():
        if not path.startswith(WORKFLOWS):
            continue
        doc = yaml.safe_load(text)
        if "TF_ROOT" in doc.get("env", {}):
            assert doc["env"]["TF_ROOT"] == "${{ vars.TF_ROOT || 'infra' }}", path
        triggers = [t for t in doc[True].values() if isinstance(t, dict)]
        for pattern in [p for trigger in triggers for p in trigger.get("paths", [])]:
            assert pattern.startswith(("infra/", ".github/", "app/")), (path, pattern)
    bot = yaml.safe_load(tree[".github/dependabot.yml"])
    folders = [f for u in bot["updates"] for f in u.get("directories", [u.get("directory")])]
    assert [f for f in folders if not f.startswith("/infra")] == ["/", "/.github/infrascaffold"]


def check_gitlab_at_root(tree: Files) -> None:
    pipeline = yaml.safe_load(tree[GITLAB])
    assert pipeline["variables"]["TF_ROOT"] == "infra"
    changes = pipeline[".terraform-changes"]["rules"][1]["changes"]
    assert changes == ["infra/**/*.tf", "infra/**/*.tfvars", "infra/**/*.hcl", GITLAB]
    assert "python3 infra/scripts/dora_metrics.py" in tree[GITLAB]


def test_ci_files_at_the_root_point_at_the_infra_folder(tmp_path: Path) -> None:
    """Every job that reads the infrastructure works in infra/ (TF_ROOT), every path filter and
    Dependabot directory names infra/ (the application's app/ and the CI files' own paths
    aside), and the tools still find nothing."""
    workflows, pipelines = [], []
    for combo in AT_ROOT_COMBOS:
        tree = render_at_root(combo)
        ci_files = {path: text for path, text in tree.items() if path.startswith(CI_PATHS)}
        repo = write_tree_to(tmp_path / "-".join(combo), ci_files)
        run(["git", "init", "-q", str(repo)])
        if combo[0] == "github-actions":
            check_github_at_root(tree)
            workflows += files_named(repo, ".github/workflows/*.yml")
        else:
            check_gitlab_at_root(tree)
            pipelines.append(str(repo / GITLAB))
    lint = run([tool("actionlint"), "-shellcheck", tool("shellcheck"), *workflows])
    assert lint.returncode == 0, lint.stdout + lint.stderr
    github = run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows]
    )
    assert github.returncode == 0, github.stdout + github.stderr
    cmd = [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", "--data-transform"]
    gitlab = run([*cmd, "gitlab-ci", *pipelines])
    assert gitlab.returncode == 0, gitlab.stdout + gitlab.stderr
