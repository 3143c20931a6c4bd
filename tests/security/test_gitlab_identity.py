"""GitLab deploy identities (issue 16): each is reachable only from the ref its jobs run on.

AWS IAM and Entra ID see only the `sub` of a GitLab ID token, which names the branch, never the
environment; so a protected environment is applied, deployed and rolled back only on its own
protected branch (pack.yaml `gitlab_deploy_branch_prefix`), the one subject its deploy identity
trusts. For each cloud with `ci: gitlab-ci`, these tests read the render: the trust of the
bootstrap (its `locals` evaluated by `terraform console` against the rendered tfvars), the rules
of `.gitlab-ci.yml`, and the runbook commands that protect and promote to those branches.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builders import example_answers, render_answers, write_tree_to
from tests.platform_pack.test_ci import gitlab_jobs, run, tool
from tests.terraform_checks import labelled, parse_hcl, unquote

REPOSITORY = "acme/platform/shop-infra"
PREFIX = "deploy/"
SUBJECT = f"project_path:{REPOSITORY}:ref_type:branch:ref:"
COMBOS = {
    "aws-containers": "aws-containers",
    "aws-kubernetes": "aws-kubernetes-canary",
    "azure-containers": "azure-containers",
    "azure-kubernetes": "azure-kubernetes-canary",
    "gcp-containers": "gcp-containers",
    "gcp-kubernetes": "gcp-kubernetes-canary",
    "azure-single": "azure-containers",
}
combos = pytest.mark.parametrize("combo", list(COMBOS))
BRANCH_TERM = re.compile(r'\$CI_COMMIT_BRANCH == (?:"([^"]+)"|(\$CI_DEFAULT_BRANCH))')


def answers(combo: str) -> dict[str, Any]:
    """The example with GitLab CI; every environment but the first protected, so that two
    protected environments follow each other (the second promotes from the first's branch)."""
    given = example_answers(COMBOS[combo])
    given.update(ci="gitlab-ci", repository=REPOSITORY)
    kubernetes = given["compute"] == "kubernetes"
    envs = []
    for index, env in enumerate(given["environments"]):
        protected = index > 0
        runner = {"runner": f"{env['name']}-net"} if protected and kubernetes else {}
        envs.append({**env, "protected": protected, **runner})
    # -single: one environment, protected (it is deployed from its branch, promoted from main).
    given["environments"] = [envs[-1]] if combo.endswith("-single") else envs
    return given


@cache
def render(combo: str) -> dict[str, str]:
    return dict(render_answers(answers(combo)))


def environments(combo: str) -> list[dict[str, Any]]:
    return list(answers(combo)["environments"])


# --- the pipeline: on which branches each job of an environment can run --------------------------


def rule_branches(rule: dict[str, Any]) -> set[str]:
    """The branches a rule's `if:` admits; AssertionError when it admits any ref."""
    admitted = set()
    for alternative in rule["if"].split("||"):
        found = BRANCH_TERM.findall(alternative)
        assert found, f"{rule['if']!r} admits a pipeline of any branch"
        admitted |= {"main" if default else name for name, default in found}
    return admitted


def job_branches(job: dict[str, Any]) -> set[str]:
    """Every branch on whose pipelines the job can run (merge requests: `merge_request_event`)."""
    admitted: set[str] = set()
    for rule in job["rules"]:
        if rule.get("when") == "never":
            continue
        expression = rule["if"]
        if "merge_request_event" in expression:
            admitted.add("merge_request_event")
            expression = expression.replace('$CI_PIPELINE_SOURCE == "merge_request_event" ||', "")
        admitted |= rule_branches({"if": expression.replace("(", "").replace(")", "")})
    return admitted


@cache
def pipeline(combo: str) -> dict[str, Any]:
    return dict(yaml.safe_load(render(combo)[".gitlab-ci.yml"]))


def deploy_jobs(combo: str, env: str) -> dict[str, dict[str, Any]]:
    """The jobs that run in GitLab environment `env` (apply per stack, deploy, rollback)."""
    jobs = gitlab_jobs(pipeline(combo))
    found = {
        name: job for name, job in jobs.items() if (job.get("environment") or {}).get("name") == env
    }
    assert {name.split(":")[0] for name in found} == {"apply", "deploy", "rollback"}, found
    return found


def deploy_refs(combo: str, env: str) -> set[str]:
    refs: set[str] = set()
    for name, job in deploy_jobs(combo, env).items():
        for rule in job["rules"]:
            assert "||" not in rule["if"], f"{name}: {rule['if']}"
        refs |= job_branches(job)
    return refs


# --- the bootstrap: what each deploy identity trusts, evaluated by terraform --------------------


def local_source(text: str, names: list[str]) -> str:
    """The `name = expression` text of each named local of the file's `locals` blocks."""
    chunks: dict[str, list[str]] = {}
    current = None
    inside = False
    for line in text.splitlines():
        if line.startswith("locals {"):
            inside = True
            continue
        if inside and line == "}":
            inside, current = False, None
            continue
        match = re.match(r"^  ([a-z_]+)\s*=", line) if inside else None
        if match:
            current = match.group(1)
            chunks[current] = []
        if inside and current:
            chunks[current].append(line)
    missing = [name for name in names if name not in chunks]
    assert not missing, missing
    return "\n".join("\n".join(chunks[name]) for name in names)


def console(tmp: Path, files: dict[str, str], expression: str) -> Any:
    """The value of `expression` in a folder holding `files` (no provider: no init needed)."""
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    shutil.rmtree(tmp, ignore_errors=True)
    write_tree_to(tmp, files)
    result = subprocess.run(
        ["terraform", "console", "-var-file=terraform.tfvars"],
        input=f"jsonencode({expression})\n",
        capture_output=True,
        text=True,
        cwd=tmp,
        env={
            "TF_CLI_CONFIG_FILE": "/dev/null",
            "CHECKPOINT_DISABLE": "1",
            "PATH": os.environ.get("PATH", ""),
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(json.loads(result.stdout))


def root_files(combo: str, ci_locals: list[str], extra: str = "") -> dict[str, str]:
    files = render(combo)
    main_locals = local_source(files["bootstrap/main.tf"], ["environments"])
    body = local_source(files["bootstrap/ci.tf"], ci_locals)
    return {
        "variables.tf": files["bootstrap/variables.tf"],
        "terraform.tfvars": files["bootstrap/terraform.tfvars"],
        "locals.tf": f"locals {{\n{main_locals}\n{body}\n{extra}}}\n",
    }


def aws_trust(combo: str, tmp: Path) -> dict[str, dict[str, list[str]]]:
    """environment => {"plan": subjects, "deploy": subjects, "aud": [audience]} of its account."""
    files = render(combo)
    root = parse_hcl(files["bootstrap/variables.tf"])
    tfvars = parse_hcl(files["bootstrap/terraform.tfvars"])
    defaults = {
        name: unquote(body.get("default"))
        for labels, body in labelled(root.get("variable"), 1)
        for name in labels
    }
    variables = {**defaults, **{key: unquote(value) for key, value in tfvars.items()}}
    module = files["bootstrap/modules/environment-account/main.tf"]
    names = ["github", "oidc_audience", "gitlab_deploy_branch", "gitlab_subject", "github_ids",
             "github_prefixes", "github_plan_subjects", "gitlab_plan_subjects", "plan_subjects",
             "deploy_subjects"]  # fmt: skip
    inputs = ["environment", "protected", "ci_provider", "repository", "default_branch",
              "gitlab_url", "gitlab_deploy_prefix", "github_owner_id", "github_repository_id"]  # fmt: skip
    trust = {}
    for labels, body in labelled(parse_hcl(files["bootstrap/ci.tf"]).get("module"), 1):
        given = {}
        for name in inputs:
            value = body[name]
            reference = re.fullmatch(r"\$\{var\.([a-z_]+)\}", str(value))
            given[name] = variables[reference.group(1)] if reference else unquote(value)
        scratch = {
            "variables.tf": "".join(f'variable "{name}" {{}}\n' for name in inputs),
            "terraform.tfvars": "".join(f"{k} = {json.dumps(v)}\n" for k, v in given.items()),
            "locals.tf": "locals {\n" + local_source(module, names) + "\n}\n",
        }
        got = console(
            tmp / labels[0],
            scratch,
            "[local.plan_subjects, local.deploy_subjects, local.oidc_audience]",
        )
        trust[given["environment"]] = {"plan": got[0], "deploy": got[1], "aud": [got[2]]}
    return trust


def azure_trust(combo: str, tmp: Path) -> dict[str, dict[str, list[str]]]:
    names = ["ci_enabled", "github", "ci_environments", "gitlab_subject",
             "gitlab_deploy_branches", "deploy_subjects", "plan_subjects"]  # fmt: skip
    deploy, plan = console(
        tmp, root_files(combo, names), "[local.deploy_subjects, local.plan_subjects]"
    )
    trust: dict[str, dict[str, list[str]]] = {
        env: {"plan": [], "deploy": [s]} for env, s in deploy.items()
    }
    for credential in plan.values():
        trust[credential["environment"]]["plan"].append(credential["subject"])
    return trust


def gcp_trust(combo: str, tmp: Path) -> dict[str, dict[str, list[str]]]:
    names = ["ci_enabled", "github", "ci_environments", "attribute",
             "gitlab_deploy_branches", "deploy_principals", "plan_principals"]  # fmt: skip
    files = root_files(combo, names, '  pool = "POOL"\n')
    deploy, plan = console(tmp, files, "[local.deploy_principals, local.plan_principals]")
    return {env: {"deploy": deploy[env], "plan": plan[env]} for env in deploy}


def trust_of(combo: str, tmp: Path) -> dict[str, dict[str, list[str]]]:
    return {"aws": aws_trust, "azure": azure_trust, "gcp": gcp_trust}[combo.split("-")[0]](
        combo, tmp
    )


def presented(cloud: str, env: dict[str, Any], branch: str) -> set[str]:
    """What a job of GitLab environment `env` on `branch` presents to the cloud's trust."""
    if cloud != "gcp":
        return {SUBJECT + branch}
    # attribute.deploy: environment, environment_protected, ref_type, ref, ref_protected (the
    # branch is protected); an unprotected environment's trust admits either protection.
    flags = ["true"] if env["protected"] else ["true", "false"]
    pool = "principalSet://iam.googleapis.com/POOL/attribute.deploy/"
    return {f"{pool}{env['name']}:{flag}:branch:{branch}:true" for flag in flags}


# --- the tests ----------------------------------------------------------------------------------


@combos
def test_each_deploy_identity_trusts_exactly_what_its_jobs_present(
    combo: str, tmp_path: Path
) -> None:
    cloud = combo.split("-")[0]
    trust = trust_of(combo, tmp_path)
    assert set(trust) == {env["name"] for env in environments(combo)}
    for env in environments(combo):
        refs = deploy_refs(combo, env["name"])
        expected = {PREFIX + env["name"]} if env["protected"] else {"main"}
        assert refs == expected, env["name"]
        jobs_present = set().union(*(presented(cloud, env, ref) for ref in refs))
        assert set(trust[env["name"]]["deploy"]) == jobs_present, env["name"]


@combos
def test_no_protected_deploy_identity_trusts_the_default_branch(combo: str, tmp_path: Path) -> None:
    trust = trust_of(combo, tmp_path)
    for env in environments(combo):
        if env["protected"]:
            for member in trust[env["name"]]["deploy"]:
                assert not re.search(r"(ref:|branch:)main(:|$)", member), member
                assert "*" not in member, member


@combos
def test_protected_plans_run_where_their_plan_identity_trusts(combo: str, tmp_path: Path) -> None:
    cloud = combo.split("-")[0]
    trust = trust_of(combo, tmp_path)
    jobs = gitlab_jobs(pipeline(combo))
    for env in environments(combo):
        if not env["protected"]:
            continue
        refs = job_branches(jobs[f"plan:{env['name']}"])
        assert refs == {"main", PREFIX + env["name"]}, env["name"]
        trusted = set(trust[env["name"]]["plan"])
        if cloud == "gcp":
            pool = "principalSet://iam.googleapis.com/POOL/attribute.plan/"
            assert trusted == {f"{pool}branch:{ref}:true" for ref in refs}
        else:
            assert trusted == {SUBJECT + ref for ref in refs}


@pytest.mark.parametrize("combo", ["aws-containers"])
def test_aws_trust_matches_the_subject_exactly_for_the_instance_audience(
    combo: str, tmp_path: Path
) -> None:
    module = render(combo)["bootstrap/modules/environment-account/main.tf"]
    assert 'test     = "StringEquals"\n      variable = "${local.oidc_host}:aud"' in module
    assert 'strcontains(subject, "*")]) ? "StringLike" : "StringEquals"' in module
    for name, trust in aws_trust(combo, tmp_path).items():
        assert trust["aud"] == ["https://gitlab.com"], name
        assert not any("*" in subject for subject in trust["deploy"]), name


@combos
def test_the_pipeline_runs_on_every_deploy_branch_and_no_other(combo: str) -> None:
    workflow = {"if": " || ".join(r["if"] for r in pipeline(combo)["workflow"]["rules"][1:])}
    protected = {PREFIX + env["name"] for env in environments(combo) if env["protected"]}
    assert rule_branches(workflow) == {"main", *protected}
    assert (
        render(combo)["bootstrap/terraform.tfvars"].count(
            f'gitlab_deploy_branch_prefix = "{PREFIX}"'
        )
        == 1
    )


def test_the_pipelines_match_the_gitlab_schema(tmp_path: Path) -> None:
    paths = []
    for combo in COMBOS:
        path = tmp_path / combo / ".gitlab-ci.yml"
        path.parent.mkdir()
        path.write_text(render(combo)[".gitlab-ci.yml"])
        paths.append(str(path))
    cmd = [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci"]
    result = run([*cmd, "--data-transform", "gitlab-ci", *paths])
    assert result.returncode == 0, result.stdout + result.stderr


def bash_blocks(markdown: str) -> str:
    return "\n".join(re.findall(r"```bash\n(.*?)```", markdown, re.S))


@combos
def test_runbooks_protect_and_promote_to_the_branches_the_pipeline_uses(combo: str) -> None:
    files = render(combo)
    envs = environments(combo)
    protected = [PREFIX + env["name"] for env in envs if env["protected"]]
    bootstrap = bash_blocks(files["docs/runbooks/bootstrap.md"])
    steps = re.findall(
        r"jq -n --arg name (\S+) \\\n\s+'(\{name: \$name, push_access_level.*?\})'", bootstrap
    )
    assert [branch for branch, _ in steps] == protected
    for _, body in steps:
        assert (
            body
            == "{name: $name, push_access_level: 0, merge_access_level: 40, allow_force_push: false}"
        )
    assert bootstrap.count('"projects/${project}/protected_branches"') == len(protected)
    promote = bash_blocks(files["docs/runbooks/promote.md"])
    targets = re.findall(r"--target-branch (\S+)", promote)
    assert targets == re.findall(r"-f branch=(\S+)", promote) == protected
    # Each protected environment takes what ran in the environment before it.
    sources = re.findall(r"--source-branch (\S+)", promote)
    before = [envs[i - 1] if i else None for i, env in enumerate(envs) if env["protected"]]
    assert sources == [PREFIX + e["name"] if e and e["protected"] else "main" for e in before]
    rollback = re.findall(r"glab ci view (\S+)", bash_blocks(files["docs/runbooks/rollback.md"]))
    assert rollback == [sorted(deploy_refs(combo, envs[-1]["name"]))[0]]


@combos
def test_security_doc_names_the_subjects_the_bootstrap_trusts(combo: str, tmp_path: Path) -> None:
    page = render(combo)["docs/SECURITY.md"].replace("\\_", "_")
    for env, trust in trust_of(combo, tmp_path).items():
        for member in trust["deploy"]:
            if combo.startswith("gcp"):
                value = member.split("/attribute.deploy/")[1]
                if value.startswith(f"{env}:true:"):  # an unprotected one also shows `true/false`
                    assert f"`{value}`" in page.replace(f"{env}:true/false:", f"{env}:true:"), value
            else:
                assert f"`{member}` only" in page, (env, member)
    if not combo.startswith("gcp"):
        assert "What is left open, precisely" in page
