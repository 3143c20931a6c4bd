"""Where "deploy from main only" is enforced for GitHub Actions (review of the secrets, finding 4).

Facts pinned, from GitHub's OIDC reference (github/docs content/actions/reference/security/oidc.md):
a token carries `repository`, `environment` (only for a job that names one), `ref`, `ref_type`,
`event_name` and, for a job of a reusable workflow, `job_workflow_ref` = the reusable workflow's
`<owner>/<repo>/<path>@<ref>`; the default subject names the environment, else `pull_request`,
else the ref, never a branch next to an environment; a repository created (renamed, transferred)
after 2026-07-15 has owner and repository IDs in its subject
(`repo:<owner>@<id>/<name>@<id>:...`), which a customised subject template cannot remove. From
GitHub's AWS guide: AWS supports no custom claims (an IAM trust reads `aud` and `sub`). From the
IAM API (WorkloadIdentityPoolProvider): the attribute condition is a CEL expression of at most
4096 characters; `google.subject` is at most 127 bytes. The CEL below is evaluated by cel-python.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import celpy
import pytest
import yaml

from tests.builders import example_answers, render_answers
from tests.terraform_checks import terraform

__all__ = ["terraform"]  # the fixture, used by name

POOL = "projects/123456/locations/global/workloadIdentityPools/shop-ci"
REPO = "acme/shop-infra"
TF_ENV = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull}


@cache
def gcp_tree() -> Mapping[str, str]:
    return render_answers(example_answers("gcp-containers"))


@cache
def vault_tree() -> Mapping[str, str]:
    answers = example_answers("aws-containers")
    answers.update(secrets="vault", vault_address="https://vault.example.com:8200")
    return render_answers(answers)


def console(terraform: str, root: Path, expression: str) -> Any:
    result = subprocess.run(
        [terraform, "console"], input=f"jsonencode({expression})\n", capture_output=True,
        text=True, cwd=root, timeout=120, check=False, env=TF_ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(json.loads(result.stdout.strip().splitlines()[-1]))


# --- Google Cloud: the pool maps environment and ref; the deploy accounts require main ----------


def gcp_trust(terraform: str, root: Path) -> dict[str, Any]:
    """The provider's mapping and condition, and each account's members, evaluated by terraform."""
    ci = gcp_tree()["bootstrap/ci.tf"]
    block = ci[ci.index("locals {") : ci.index('\nresource "')]
    block = block.replace("one(google_iam_workload_identity_pool.ci[*].name)", json.dumps(POOL))
    block = block.replace("google_storage_bucket.state.name", '"state"')
    environments = (
        "locals {\n  environments = { for env in var.environments : env.name => env }\n}\n"
    )
    (root / "main.tf").write_text(environments + block, encoding="utf-8")
    for name in ("variables.tf", "terraform.tfvars"):
        (root / name).write_text(gcp_tree()[f"bootstrap/{name}"], encoding="utf-8")
    mapping, condition, deploy, plan = console(
        terraform, root,
        "[local.attribute_mapping, local.attribute_condition, local.deploy_principals, local.plan_principals]",
    )  # fmt: skip
    return {"mapping": mapping, "condition": condition, "deploy": deploy, "plan": plan}


def cel(expression: str, claims: Mapping[str, Any]) -> Any:
    env = celpy.Environment()
    return env.program(env.compile(expression)).evaluate({"assertion": celpy.json_to_cel(claims)})


def impersonates(trust: Mapping[str, Any], claims: Mapping[str, Any]) -> set[str]:
    """The accounts (deploy/<env>, plan/<env>) a token with these claims may impersonate."""
    if not cel(trust["condition"], claims):
        return set()
    members = {
        f"principal://iam.googleapis.com/{POOL}/subject/{cel(trust['mapping']['google.subject'], claims)}"
    }
    for key, expression in trust["mapping"].items():
        if key.startswith("attribute."):
            members.add(f"principalSet://iam.googleapis.com/{POOL}/{key}/{cel(expression, claims)}")
    return {
        f"{kind}/{env}"
        for kind in ("deploy", "plan")
        for env, allowed in trust[kind].items()
        if members & set(allowed)
    }


def token(sub_repo: str = REPO, **claims: str) -> dict[str, str]:
    """A GitHub token of REPO; the subject as GitHub builds it (environment, pull request, ref)."""
    base = {
        "repository": REPO,
        "repository_id": "56789",
        "run_id": "8123456789",
        "run_attempt": "1",
        "event_name": "push",
        "ref": "refs/heads/main",
        "ref_type": "branch",
    }
    base.update(claims)
    if "environment" in base:
        context = f"environment:{base['environment']}"
    elif base["event_name"] == "pull_request":
        context = "pull_request"
    else:
        context = f"ref:{base['ref']}"
    return {**base, "sub": f"repo:{sub_repo}:{context}"}


@pytest.mark.parametrize(
    "sub_repo", [REPO, "acme@1234/shop-infra@56789"], ids=["names", "immutable-ids"]
)
def test_gcp_a_deploy_account_takes_only_its_environment_on_main(
    terraform: str, tmp_path: Path, sub_repo: str
) -> None:
    trust = gcp_trust(terraform, tmp_path)
    for env in ("dev", "staging", "prod"):
        assert impersonates(trust, token(sub_repo, environment=env)) == {f"deploy/{env}"}
        # the right GitHub environment on another branch, a tag, a pull request's ref: nothing
        assert (
            impersonates(trust, token(sub_repo, environment=env, ref="refs/heads/feature")) == set()
        )
        assert (
            impersonates(
                trust, token(sub_repo, environment=env, ref="refs/tags/main", ref_type="tag")
            )
            == set()
        )
        assert impersonates(trust, token(sub_repo, environment=env, ref="refs/pull/7/merge", event_name="pull_request")) == set()  # fmt: skip


@pytest.mark.parametrize(
    "sub_repo", [REPO, "acme@1234/shop-infra@56789"], ids=["names", "immutable-ids"]
)
def test_gcp_plan_accounts_keep_main_and_pull_requests_of_unprotected_environments(
    terraform: str, tmp_path: Path, sub_repo: str
) -> None:
    trust = gcp_trust(terraform, tmp_path)
    assert impersonates(trust, token(sub_repo)) == {"plan/dev", "plan/staging", "plan/prod"}
    pull = {"event_name": "pull_request", "ref": "refs/pull/7/merge"}
    assert impersonates(trust, token(sub_repo, **pull)) == {"plan/dev", "plan/staging"}
    # pull_request_target runs with the base branch's ref: still a pull request's plan only
    assert impersonates(trust, token(sub_repo, event_name="pull_request_target")) == {"plan/dev", "plan/staging"}  # fmt: skip
    assert impersonates(trust, token(sub_repo, ref="refs/heads/feature")) == set()
    # another repository, whatever it claims after that
    assert impersonates(trust, {**token(sub_repo, environment="prod"), "repository": "evil/shop-infra"}) == set()  # fmt: skip


def test_gcp_the_condition_and_subject_fit_the_iam_limits(terraform: str, tmp_path: Path) -> None:
    trust = gcp_trust(terraform, tmp_path)
    assert len(trust["condition"]) <= 4096
    assert "assertion.sub" not in trust["mapping"]["google.subject"]  # IDs: test_wif_subject.py
    ci = gcp_tree()["bootstrap/ci.tf"]
    assert "/subject/repo:" not in ci  # no member depends on the subject's format


# --- Vault: the GitHub roles bind the repository, environment, branch and reusable workflow ----


def vault_claims(terraform: str, root: Path, extra_tfvars: str = "") -> Any:
    main = vault_tree()["vault/main.tf"]
    (root / "main.tf").write_text(main[: main.index('\nresource "')] + "\n", encoding="utf-8")
    (root / "variables.tf").write_text(vault_tree()["vault/variables.tf"], encoding="utf-8")
    tfvars = vault_tree()["vault/terraform.tfvars"]
    for line in extra_tfvars.splitlines():
        key = line.split("=")[0].strip()
        tfvars = re.sub(rf"^{key}\s*=.*$", "", tfvars, flags=re.MULTILINE) + line + "\n"
    (root / "terraform.tfvars").write_text(tfvars, encoding="utf-8")
    return console(terraform, root, "local.bound_claims")


def test_vault_roles_bind_the_branch_and_the_deploy_workflow(
    terraform: str, tmp_path: Path
) -> None:
    claims = vault_claims(terraform, tmp_path)
    for env in ("dev", "staging", "prod"):
        assert claims[env] == {
            "repository": REPO,
            "environment": env,
            "ref": "refs/heads/main",
            "ref_type": "branch",
            "job_workflow_ref": f"{REPO}/.github/workflows/_deploy.yml@refs/heads/main",
        }
    # not the subject, whose repository part holds IDs for a repository created after 2026-07-15
    assert "sub" not in claims["prod"]


def test_vault_the_branch_and_repository_id_follow_the_variables(
    terraform: str, tmp_path: Path
) -> None:
    claims = vault_claims(terraform, tmp_path, 'default_branch = "trunk"\nrepository_id = "56789"')
    assert claims["prod"]["ref"] == "refs/heads/trunk"
    assert (
        claims["prod"]["job_workflow_ref"]
        == f"{REPO}/.github/workflows/_deploy.yml@refs/heads/trunk"
    )
    assert claims["prod"]["repository_id"] == "56789"
    tfvars = vault_tree()["vault/terraform.tfvars"]
    assert 'repository_id = ""' in tfvars and "gh api repos/acme/shop-infra --jq .id" in tfvars


def test_vault_refuses_a_repository_id_that_is_not_a_number(terraform: str, tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="repository_id must be the repository's numeric ID"):
        vault_claims(terraform, tmp_path, 'repository_id = "acme/shop-infra"')


def test_the_workflow_vault_binds_is_the_one_that_logs_in_and_runs_on_main_only() -> None:
    tree = vault_tree()
    login = "/v1/auth/$vault_login_path/login"
    workflows = {
        p for p, text in tree.items() if p.startswith(".github/workflows/") and login in text
    }
    assert workflows == {".github/workflows/_deploy.yml"}
    deploy = yaml.safe_load(tree[".github/workflows/deploy.yml"])
    assert deploy[True]["push"]["branches"] == ["main"]  # `on:` is YAML 1.1's true
    callers = [
        job
        for job in deploy["jobs"].values()
        if job.get("uses") == "./.github/workflows/_deploy.yml"
    ]
    assert callers and all(job["if"] == "github.ref == 'refs/heads/main'" for job in callers)
    assert all(job["permissions"]["id-token"] == "write" for job in callers)


# --- AWS and Azure: the trust reads the subject only; SECURITY.md says what checks the branch ---


@pytest.mark.parametrize("name", ["aws-containers", "azure-containers", "gcp-containers"])
def test_security_says_where_the_branch_is_checked(name: str) -> None:
    tree = render_answers(example_answers(name))
    security = tree["docs/SECURITY.md"]
    section = security[security.index('### Where "deploy from `main` only" is checked') :]
    section = section[: section.index("\n## ")]
    assert "deployment\n  branch policy" in section or "deployment branch policy" in section
    assert "prod also waits for a required reviewer" in section
    assert (
        "deployment-branch-policies" in section
        and section.count('echo "${environment}: $(gh api') == 3
    )
    if name.startswith("gcp"):
        assert (
            "**Google Cloud** checks it too" in section
            and "<env>:branch:refs/heads/main" in section
        )
    else:
        assert "does not:" in section and "names no branch" in section
        assert "repo:<owner>@<owner id>/<name>@<repository id>:environment:<env>" in section
    # the bootstrap runbook sets that policy: main, for every environment
    runbook = tree["docs/runbooks/bootstrap.md"]
    assert runbook.count('deployment-branch-policies" \\\n  -f name=main -f type=branch') == 3
    assert "### Protect main" in runbook and '"enforce_admins": true' in runbook
    if name.startswith("gcp"):  # review finding 2: GCP's runbook had none of GitHub's steps
        assert 'gh variable set GCP_SERVICE_ACCOUNT_PLAN_PROD --repo "${repo}"' in runbook


def test_aws_trust_conditions_read_only_audience_and_subject() -> None:
    account = render_answers(example_answers("aws-containers"))[
        "bootstrap/modules/environment-account/main.tf"
    ]
    assert 'oidc_host     = local.github ? "token.actions.githubusercontent.com"' in account
    keys = set(re.findall(r'variable = "\$\{local\.oidc_host\}:([a-z_]+)"', account))
    assert keys == {"aud", "sub"}
