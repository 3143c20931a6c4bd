"""The CI side of the security model (issues 16 and 17), over every render of the matrix.

Every cloud × CI system × compute kind × deployment strategy is rendered once; the tests read the
parsed pipelines: actions pinned by commit SHA, no plan file leaving a job, plans of protected
environments only on the default branch, applies and deploys in their environment, one queue per
environment for plans and applies, the lock file carried to the apply, each environment's runner,
pinned checksums of downloaded binaries, zizmor's verdict, and the answer-time checks.
"""

from __future__ import annotations

import copy
import functools
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

Combo = tuple[str, str, str, str]
Files = dict[str, str]

CLOUDS = ("aws", "gcp", "azure")
CIS = ("github-actions", "gitlab-ci")
COMPUTES = ("containers", "kubernetes", "serverless", "static-site")
STRATEGIES = ("rolling", "blue-green", "canary")
COMBOS: list[Combo] = list(product(CLOUDS, CIS, COMPUTES, STRATEGIES))
WORKFLOWS = ".github/workflows/"
GITLAB = ".gitlab-ci.yml"
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"^\s*-?\s*uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
PLAN_FILE = re.compile(r"(?i)(^|/)[\w.-]*tfplan\b|\.tfplan\b")


# -- rendering -------------------------------------------------------------------------------------


def answers(cloud: str, ci: str, compute: str, strategy: str) -> dict[str, Any]:
    """The cloud's example answers with this CI, compute and strategy; a protected Kubernetes
    environment gets a self-hosted runner (its cluster endpoint is private)."""
    given = copy.deepcopy(example_answers(f"{cloud}-containers"))
    given |= {"ci": ci, "compute": compute, "deploy_strategy": strategy}
    if compute == "static-site":
        given.pop("database", None)
        given.pop("cache", None)
    for env in given["environments"]:
        if env.get("protected") and compute == "kubernetes":
            env["runner"] = f"{env['name']}-network"
    return given


@functools.cache
def platform() -> tuple[Pack, Any]:
    pack = load_pack("platform")
    return pack, make_environment(pack.search_roots)


def render(given: dict[str, Any]) -> Files:
    pack, env = platform()
    layered = apply_overrides(pack, copy.deepcopy(given), [])
    resolved, problems = resolve_answers(pack, env, layered)
    raise_problems(problems)
    raise_problems(check_answers(pack, env, resolved))
    return dict(render_answers(pack, env, resolved)[0])


@functools.cache
def files_of(combo: Combo) -> Files:
    return render(answers(*combo))


@functools.cache
def docs_of(combo: Combo) -> dict[str, Any]:
    return {
        path: yaml.safe_load(text)
        for path, text in files_of(combo).items()
        if path.startswith(WORKFLOWS) or path == GITLAB
    }


def environments(combo: Combo) -> list[dict[str, Any]]:
    return list(answers(*combo)["environments"])


def github_combos() -> list[Combo]:
    return [c for c in COMBOS if c[1] == "github-actions"]


def gitlab_combos() -> list[Combo]:
    return [c for c in COMBOS if c[1] == "gitlab-ci"]


def ids(combos: list[Combo]) -> list[str]:
    return ["-".join(c) for c in combos]


def reusable_job(combo: Combo, workflow: str) -> dict[str, Any]:
    [job] = docs_of(combo)[WORKFLOWS + workflow]["jobs"].values()
    return dict(job)


def callers(combo: Combo) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(workflow, job id, job) of every job that calls a reusable workflow of this repository."""
    for path, doc in docs_of(combo).items():
        if path.startswith(WORKFLOWS):
            for name, job in doc["jobs"].items():
                if job.get("uses", "").startswith("./"):
                    yield path, name, job


def gitlab_jobs(combo: Combo) -> dict[str, dict[str, Any]]:
    """The jobs of the render's .gitlab-ci.yml with `extends` resolved (mappings merged)."""
    doc = docs_of(combo)[GITLAB]

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


def runs_on_merge_requests(job: dict[str, Any]) -> bool:
    return any(
        "merge_request_event" in rule.get("if", "") and "==" in rule.get("if", "")
        for rule in job.get("rules", [])
        if rule.get("when") != "never"
    )


# -- supply chain --------------------------------------------------------------------------------------


@pytest.mark.parametrize("combo", github_combos(), ids=ids(github_combos()))
def test_every_action_is_pinned_to_a_commit_sha(combo: Combo) -> None:
    uses = 0
    for path, text in files_of(combo).items():
        if path.startswith(WORKFLOWS):
            for line in text.splitlines():
                if re.match(r"^\s*-?\s*uses: ", line) and "uses: ./" not in line:
                    uses += 1
                    assert SHA_PIN.match(line), f"{path}: {line.strip()}"
    assert uses > 5


def test_dependabot_and_renovate_keep_the_pins_current() -> None:
    github = yaml.safe_load(
        files_of(("gcp", "github-actions", "kubernetes", "canary"))[".github/dependabot.yml"]
    )
    ecosystems = {u["package-ecosystem"]: u for u in github["updates"]}
    assert set(ecosystems) == {"github-actions", "terraform", "pip"}  # pip: the update job's pin
    assert {"/", "/addons", "/bootstrap"} <= set(ecosystems["terraform"]["directories"])
    gitlab = files_of(("aws", "gitlab-ci", "containers", "rolling"))
    assert ".github/dependabot.yml" not in gitlab
    # Where Renovate reads its configuration, and so at the repository root with .gitlab-ci.yml.
    assert '"depNameTemplate": "hashicorp/terraform"' in gitlab[".gitlab/renovate.json"]
    assert "renovate.json" not in gitlab


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_downloaded_binaries_are_checked_against_a_pinned_sha256(combo: Combo) -> None:
    for path, text in files_of(combo).items():
        if not (path.startswith(WORKFLOWS) or path == GITLAB):
            continue
        for match in re.finditer(r'curl -fsSLo "(\$tools/[\w-]+)"', text):
            target = match.group(1)
            # the digest is one shell word (`| sh`), quoted or bare, before the quoted target
            digest, quoted = r"[0-9a-f]{64}", re.escape(target)
            check = re.compile(
                rf'echo (?:"{digest}  {quoted}"|{digest}"  {quoted}") \| sha256sum -c -'
            )
            assert check.search(text, match.end()), f"{'-'.join(combo)} {path}: {target}"


def zizmor() -> str:
    local = BIN / "zizmor"
    found = str(local) if local.exists() else shutil.which("zizmor")
    if found is None:
        pytest.skip("zizmor is not installed (pip install zizmor)")
    return found


@pytest.mark.slow
def test_zizmor_finds_nothing_high_or_medium(tmp_path: Path) -> None:
    seen: set[str] = set()
    folders = []
    for combo in github_combos():
        github = {p: t for p, t in files_of(combo).items() if p.startswith(".github/")}
        key = "\0".join(sorted(github.values()))
        if key not in seen:  # each distinct set of workflows once
            seen.add(key)
            folders.append(write_tree_to(tmp_path / "-".join(combo), github))
    result = subprocess.run(
        [
            zizmor(),
            "--offline",
            "--min-severity",
            "medium",
            "--format",
            "plain",
            *map(str, folders),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


# -- plans and applies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_no_plan_file_is_uploaded(combo: Combo) -> None:
    if combo[1] == "github-actions":
        for path, doc in docs_of(combo).items():
            if not path.startswith(WORKFLOWS):
                continue
            for name, job in doc["jobs"].items():
                for step in job.get("steps", []):
                    if step.get("uses", "").startswith("actions/upload-artifact@"):
                        assert not PLAN_FILE.search(step["with"]["path"]), f"{path} {name}"
        plan = reusable_job(combo, "_terraform-plan.yml")
        [upload] = [s for s in plan["steps"] if "upload-artifact" in s.get("uses", "")]
        # Pull requests keep nothing; the default branch keeps the lock file only.
        assert upload["if"] == "github.event_name != 'pull_request'"
        assert upload["with"]["path"].endswith("/.terraform.lock.hcl")
        run = "\n".join(s.get("run", "") for s in plan["steps"])
        assert 'rm -f "$RUNNER_TEMP/tfplan"' in run
    else:
        for name, job in gitlab_jobs(combo).items():
            paths = job.get("artifacts", {}).get("paths", [])
            assert not [p for p in paths if PLAN_FILE.search(p)], name
            if runs_on_merge_requests(job):
                assert all(p.endswith(".terraform.lock.hcl") for p in paths), name


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_applies_deploys_and_rollbacks_run_in_their_environment(combo: Combo) -> None:
    if combo[1] == "github-actions":
        assert reusable_job(combo, "_terraform-apply.yml")["environment"] == (
            "${{ inputs.environment }}"
        )
        assert reusable_job(combo, "_rollback.yml")["environment"] == "${{ inputs.environment }}"
        assert reusable_job(combo, "_deploy.yml")["environment"]["name"] == (
            "${{ inputs.environment }}"
        )
        # Plans and drift: no environment, so their OIDC subject is the PR or the branch.
        assert "environment" not in reusable_job(combo, "_terraform-plan.yml")
        assert "environment" not in reusable_job(combo, "_terraform-drift.yml")
    else:
        checked = 0
        for name, job in gitlab_jobs(combo).items():
            stage = name.split(":")[0]
            if stage in ("apply", "deploy", "rollback"):
                assert job["environment"]["name"] == job["variables"]["TF_ENV"], name
                checked += 1
            elif stage in ("plan", "drift"):
                assert "environment" not in job, name
        assert checked >= 3 * len(environments(combo))


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_protected_environments_are_never_planned_for_a_pull_request(combo: Combo) -> None:
    protected = {e["name"] for e in environments(combo) if e.get("protected")}
    assert protected
    if combo[1] == "github-actions":
        terraform = docs_of(combo)[WORKFLOWS + "terraform.yml"]
        assert "pull_request" in terraform[True]  # YAML 1.1 reads the key `on` as true
        for name, job in terraform["jobs"].items():
            if name.startswith("plan-") and job["with"]["environment"] in protected:
                assert "github.event_name != 'pull_request'" in job["if"], name
                assert "github.ref == 'refs/heads/main'" in job["if"], name
            elif name.startswith("plan-"):
                assert "if" not in job or "github.event_name == 'pull_request'" in job["if"], name
    else:
        for name, job in gitlab_jobs(combo).items():
            if name.startswith("plan:"):
                on_mr = runs_on_merge_requests(job)
                assert on_mr != (job["variables"]["TF_ENV"] in protected), name


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_applies_plan_again_and_apply_only_the_reviewed_changes(combo: Combo) -> None:
    if combo[1] == "github-actions":
        plan = reusable_job(combo, "_terraform-plan.yml")
        apply = reusable_job(combo, "_terraform-apply.yml")
        [upload] = [s for s in plan["steps"] if "upload-artifact" in s.get("uses", "")]
        [download] = [s for s in apply["steps"] if "download-artifact" in s.get("uses", "")]
        assert download["with"]["name"] == upload["with"]["name"]
        script = "\n".join(s.get("run", "") for s in apply["steps"])
        for callers_job in (j for _, n, j in callers(combo) if n.startswith("apply-")):
            plan_job = "plan-" + callers_job["name"].removeprefix("apply (").rstrip(")")
            plan_job = plan_job.replace(", ", "-")
            assert callers_job["with"]["digest"] == f"${{{{ needs['{plan_job}'].outputs.digest }}}}"
            assert plan_job in callers_job["needs"]
        digest_check = 'if [ "$digest" != "$REVIEWED_DIGEST" ]; then'
    else:
        jobs = gitlab_jobs(combo)
        for name, job in jobs.items():
            if name.startswith("apply:"):
                # The plan job's artifacts: its lock file and PLAN_DIGEST (dotenv).
                assert job["needs"][0] == "plan:" + name.removeprefix("apply:"), name
        plan = jobs["plan:" + environments(combo)[0]["name"]]
        assert plan["artifacts"]["paths"] == ["$TF_ROOT/$TF_STACK/.terraform.lock.hcl"]
        assert plan["artifacts"]["reports"]["dotenv"] == "plan.env"
        script = "\n".join(jobs["apply:" + environments(combo)[0]["name"]]["script"])
        digest_check = 'if [ "$digest" != "$PLAN_DIGEST" ]; then'
    assert "terraform init -lockfile=readonly" in script
    assert digest_check in script
    assert script.index(digest_check) < script.index("terraform apply ")


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_plans_and_applies_of_an_environment_queue_in_one_group(combo: Combo) -> None:
    if combo[1] == "github-actions":
        plan = reusable_job(combo, "_terraform-plan.yml")["concurrency"]
        apply = reusable_job(combo, "_terraform-apply.yml")["concurrency"]
        assert apply == {
            "group": "terraform-${{ inputs.environment }}",
            "cancel-in-progress": False,
        }
        # Off pull requests, the plan joins the apply's group.
        assert plan["group"].endswith("|| format('terraform-{0}', inputs.environment) }}")
        assert plan["cancel-in-progress"] is False
    else:
        for name, job in gitlab_jobs(combo).items():
            if name.startswith(("plan:", "apply:")):
                assert job["resource_group"] == f"terraform-{job['variables']['TF_ENV']}", name


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_every_environment_job_runs_on_its_runner(combo: Combo) -> None:
    runner = {e["name"]: e.get("runner") for e in environments(combo)}
    if combo[1] == "github-actions":
        called = 0
        for path, name, job in callers(combo):
            if name == "build":
                continue
            env = job["with"]["environment"]
            assert job["with"]["runner"] == (runner[env] or "ubuntu-latest"), f"{path} {name}"
            called += 1
        assert called >= 5 * len(runner)
        for path, doc in docs_of(combo).items():
            if path.startswith(WORKFLOWS + "_"):
                [job] = doc["jobs"].values()
                assert job["runs-on"] == "${{ inputs.runner }}", path
    else:
        for name, job in gitlab_jobs(combo).items():
            if "TF_ENV" in job.get("variables", {}):
                expected = runner[job["variables"]["TF_ENV"]]
                assert job.get("tags") == ([expected] if expected else None), name


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_every_root_stack_is_planned_and_applied_in_order(combo: Combo) -> None:
    # Every cloud's cluster add-ons are a second root stack.
    stacks = [".", "addons"] if combo[2] == "kubernetes" else ["."]
    if combo[1] == "github-actions":
        applies = [
            (j["with"]["environment"], j["with"]["stack"])
            for _, n, j in callers(combo)
            if n.startswith("apply-")
        ]
    else:
        applies = [
            (j["variables"]["TF_ENV"], j["variables"]["TF_STACK"])
            for n, j in gitlab_jobs(combo).items()
            if n.startswith("apply:")
        ]
    assert applies == [(e["name"], s) for e in environments(combo) for s in stacks]


# -- the model, written down ------------------------------------------------------------------------


@pytest.mark.parametrize("combo", COMBOS, ids=ids(COMBOS))
def test_security_md_names_every_environment_and_its_gates(combo: Combo) -> None:
    text = files_of(combo)["docs/SECURITY.md"]
    for heading in ("## Identities", "## Which job gets which identity", "## Plans and state"):
        assert heading in text
    for env in environments(combo):
        assert f"deploy, {env['name']}" in text
        assert f"plan, {env['name']}" in text
        if env.get("runner"):
            assert f"`{env['runner']}`" in text


# -- answers ---------------------------------------------------------------------------------------


def problems_of(given: dict[str, Any]) -> list[tuple[str, str]]:
    pack, env = platform()
    layered = apply_overrides(pack, copy.deepcopy(given), [])
    resolved, problems = resolve_answers(pack, env, layered)
    return problems + check_answers(pack, env, resolved)


def test_repository_has_no_guessed_default() -> None:
    given = answers("aws", "github-actions", "containers", "rolling")
    del given["repository"]
    assert ("repository", "is required and has no default") in problems_of(given)
    assert not [p for p in problems_of(given | {"ci": "none"}) if p[0] == "repository"]


@pytest.mark.parametrize("missing", ["domain", "alert_email"])
def test_protected_environments_need_a_domain_and_an_alert_email(missing: str) -> None:
    given = answers("gcp", "gitlab-ci", "containers", "rolling") | {missing: ""}
    [problem] = problems_of(given)
    index = next(i for i, e in enumerate(given["environments"]) if e.get("protected"))
    name = given["environments"][index]["name"]
    assert problem[0] == f"environments[{index}].protected"
    assert problem[1].startswith(f"{name} is protected: set {missing}")
    unprotected = [dict(e, protected=False) for e in given["environments"]]
    assert problems_of(given | {"environments": unprotected}) == []


def test_a_protected_kubernetes_environment_needs_a_runner() -> None:
    given = answers("azure", "github-actions", "kubernetes", "canary")
    for env in given["environments"]:
        env.pop("runner", None)
    [(where, message)] = problems_of(given)
    assert where.endswith(".runner") and "self-hosted runner" in message
    assert problems_of(given | {"ci": "none"}) == []


def test_the_cli_refuses_missing_answers_with_one_line_each(tmp_path: Path) -> None:
    given = answers("aws", "github-actions", "containers", "rolling")
    del given["repository"]
    given["alert_email"] = ""
    answers_file = tmp_path / "answers.yml"
    answers_file.write_text(yaml.safe_dump(given), encoding="utf-8")
    result = subprocess.run(
        [str(BIN / "infrascaffold"), "new", str(tmp_path / "out"), "--answers", str(answers_file)]
        + ["--no-input"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "repository: is required and has no default" in result.stderr
    assert "prod is protected: set alert_email" in result.stderr
    assert not (tmp_path / "out").exists()


# -- what Terraform prints and what the digest compares (needs terraform; no provider download) ---


PLAN_CONFIG = """
variable "secret" {
  type      = string
  sensitive = true
}
variable "name" {
  type = string
}
resource "terraform_data" "app" {
  input = { password = var.secret, name = var.name }
}
"""


@pytest.fixture(scope="module")
def terraform_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not installed")
    root = tmp_path_factory.mktemp("plan")
    (root / "main.tf").write_text(PLAN_CONFIG, encoding="utf-8")
    subprocess.run([terraform, "init", "-input=false"], cwd=root, check=True, capture_output=True)
    return terraform, root


def plan_digest(terraform: str, root: Path, name: str, secret: str) -> tuple[str, str]:
    """(text of `terraform show -no-color`, the pipelines' plan_digest) of a plan of `root`."""
    plan = root / f"{name}-{secret}.tfplan"
    subprocess.run(
        [terraform, "plan", "-input=false", f"-out={plan}", f"-var=name={name}"]
        + [f"-var=secret={secret}"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    text = subprocess.run(
        [terraform, "show", "-no-color", str(plan)], cwd=root, check=True, capture_output=True
    ).stdout.decode()
    combo: Combo = ("aws", "github-actions", "containers", "rolling")
    function = files_of(combo)[WORKFLOWS + "_terraform-apply.yml"]
    script = re.search(r"(plan_digest\(\) \{.*?\n\s*\})", function, re.DOTALL)
    assert script
    body = re.sub(r"(?m)^ {10}", "", script.group(1))
    digest = subprocess.run(
        ["bash", "-c", f'{body}\nplan_digest "$1"', "-", str(plan)],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode()
    assert re.fullmatch(r"[0-9a-f]{64}\n", digest), digest
    return text, digest


def test_the_plan_text_masks_secrets_and_the_digest_tells_changes(
    terraform_root: tuple[str, Path],
) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    terraform, root = terraform_root
    text, digest = plan_digest(terraform, root, "visible", "hunter2-long-secret")
    assert "hunter2" not in text and "(sensitive value)" in text and '"visible"' in text
    # The same change set twice: the same digest; another value (even a masked one): another.
    assert plan_digest(terraform, root, "visible", "hunter2-long-secret")[1] == digest
    assert plan_digest(terraform, root, "renamed", "hunter2-long-secret")[1] != digest
    assert plan_digest(terraform, root, "visible", "another-secret")[1] != digest


def test_dependabot_and_renovate_configs_match_their_schemas(tmp_path: Path) -> None:
    check = BIN / "check-jsonschema"
    if not check.exists():
        pytest.skip("check-jsonschema is not installed")
    github = files_of(("gcp", "github-actions", "kubernetes", "rolling"))
    gitlab = files_of(("azure", "gitlab-ci", "kubernetes", "rolling"))
    for schema, text in (
        ("vendor.dependabot", github[".github/dependabot.yml"]),
        ("vendor.renovate", gitlab[".gitlab/renovate.json"]),
    ):
        path = tmp_path / ("dependabot.yml" if "dependabot" in schema else "renovate.json")
        path.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [str(check), "--builtin-schema", schema, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
