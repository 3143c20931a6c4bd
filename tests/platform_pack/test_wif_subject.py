"""The GCP workload identity pool's subject fits Google's limit for every answer (review s34, 5).

Facts pinned: the IAM API (WorkloadIdentityPoolProvider.attributeMapping) says `google.subject`
"cannot exceed 127 bytes", custom attributes are bound as `principalSet://.../attribute.X/V`,
and all mapped attributes together must not exceed 8KB; STS refuses a token over the limit ("The
size of mapped attribute google.subject exceeds the 127 bytes limit", google-github-actions/auth
#124 and #423, gitlab-org/gitlab MR 114147). GitLab's `sub` is
`project_path:<group/project>:ref_type:<type>:ref:<ref>`, and its ID token carries `project_id`,
`pipeline_id` and `job_id` as decimal strings (GitLab "OpenID Connect (OIDC) Authentication
Using ID Tokens"); GitHub's carries `repository_id`, `run_id` and `run_attempt` (GitHub "OpenID
Connect reference"). The `repository` answer has no length limit, so `sub` has none: the
subject is mapped from the IDs only, and no IAM member binds it. The CEL is evaluated by
cel-python, the locals by `terraform console` over the rendered bootstrap.
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

from tests.builders import example_answers, render_answers
from tests.terraform_checks import terraform

__all__ = ["terraform"]  # the fixture, used by name

POOL = "projects/123456/locations/global/workloadIdentityPools/shop-ci"
TF_ENV = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull}
# A GitLab project path of 90 characters (three nested groups), as /tmp/rv-long of the review.
LONG_REPO = "/".join(["platform-engineering-ops1"] * 3) + "/shop-infra-x"
ID_CLAIMS = {
    "github-actions": {"repository_id", "run_id", "run_attempt"},
    "gitlab-ci": {"project_id", "pipeline_id", "job_id"},
}
INT64_MAX = str(2**63 - 1)  # 19 digits: the longest decimal ID


@cache
def tree(ci: str, repository: str) -> Mapping[str, str]:
    return render_answers({**example_answers("gcp-containers"), "ci": ci, "repository": repository})


def trust(terraform: str, root: Path, ci: str, repository: str) -> dict[str, Any]:
    """The provider's mapping and condition and each account's members, by terraform console."""
    files = tree(ci, repository)
    ci_tf = files["bootstrap/ci.tf"]
    block = ci_tf[ci_tf.index("locals {") : ci_tf.index('\nresource "')]
    block = block.replace("one(google_iam_workload_identity_pool.ci[*].name)", json.dumps(POOL))
    block = block.replace("google_storage_bucket.state.name", '"state"')
    environments = (
        "locals {\n  environments = { for env in var.environments : env.name => env }\n}\n"
    )
    (root / "main.tf").write_text(environments + block, encoding="utf-8")
    for name in ("variables.tf", "terraform.tfvars"):
        (root / name).write_text(files[f"bootstrap/{name}"], encoding="utf-8")
    result = subprocess.run(
        [terraform, "console"], capture_output=True, text=True, cwd=root, timeout=120,
        input="jsonencode([local.attribute_mapping, local.attribute_condition,"
              " local.deploy_principals, local.plan_principals])\n",
        check=False, env=TF_ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    mapping, condition, deploy, plan = json.loads(
        json.loads(result.stdout.strip().splitlines()[-1])
    )
    return {"mapping": mapping, "condition": condition, "deploy": deploy, "plan": plan}


def cel(expression: str, claims: Mapping[str, Any]) -> Any:
    env = celpy.Environment()
    return env.program(env.compile(expression)).evaluate({"assertion": celpy.json_to_cel(claims)})


def gitlab_token(repository: str, ref: str, **claims: str) -> dict[str, str]:
    """A GitLab ID token of `repository` on branch `ref`, its `sub` as GitLab builds it."""
    return {
        "project_path": repository, "project_id": "46573356", "pipeline_id": "1519139981",
        "job_id": "8222997048", "ref": ref, "ref_type": "branch", "ref_protected": "true",
        "sub": f"project_path:{repository}:ref_type:branch:ref:{ref}", **claims,
    }  # fmt: skip


def github_token(repository: str, **claims: str) -> dict[str, str]:
    context = (
        f"environment:{claims['environment']}" if "environment" in claims else "ref:refs/heads/main"
    )
    owner, name = repository.split("/", 1)
    return {
        "repository": repository, "repository_id": "56789", "run_id": "8123456789",
        "run_attempt": "1", "event_name": "push", "ref": "refs/heads/main", "ref_type": "branch",
        "sub": f"repo:{owner}@1234/{name}@56789:{context}", **claims,
    }  # fmt: skip


def impersonates(found: Mapping[str, Any], claims: Mapping[str, Any]) -> set[str]:
    """The accounts (deploy/<env>, plan/<env>) a token may impersonate; the exchange itself
    fails (as STS does) when the mapped subject is over 127 bytes."""
    if not cel(found["condition"], claims):
        return set()
    subject = str(cel(found["mapping"]["google.subject"], claims))
    assert len(subject.encode()) <= 127, f"STS refuses the subject {subject!r}"
    members = {f"principal://iam.googleapis.com/{POOL}/subject/{subject}"} | {
        f"principalSet://iam.googleapis.com/{POOL}/{key}/{cel(expression, claims)}"
        for key, expression in found["mapping"].items()
        if key.startswith("attribute.")
    }
    return {
        f"{kind}/{env}"
        for kind in ("deploy", "plan")
        for env, allowed in found[kind].items()
        if members & set(allowed)
    }


@pytest.mark.parametrize("ci", sorted(ID_CLAIMS))
def test_the_subject_is_made_of_ids_and_fits_127_bytes_in_the_worst_case(
    terraform: str, tmp_path: Path, ci: str
) -> None:
    """The answers bound neither the repository path nor the branch, so the subject reads none
    of them: only the ID claims, each at most 19 digits, whatever the other claims hold."""
    found = trust(terraform, tmp_path, ci, LONG_REPO)
    expression = found["mapping"]["google.subject"]
    assert set(re.findall(r"assertion\.(\w+)", expression)) == ID_CLAIMS[ci]
    huge = "x" * 4096  # any text claim, as long as a token could carry it
    worst = {claim: huge for claim in ("sub", "repository", "project_path", "ref", "environment")}
    worst |= dict.fromkeys(ID_CLAIMS[ci], INT64_MAX)
    subject = str(cel(expression, worst))
    assert INT64_MAX in subject and huge not in subject
    assert len(subject.encode()) <= 80 <= 127
    # and it still tells runs (GitHub) or jobs (GitLab) apart, for the audit logs
    other = dict.fromkeys(ID_CLAIMS[ci], "1")
    assert cel(expression, other) != cel(expression, {**other, sorted(ID_CLAIMS[ci])[0]: "2"})


def test_the_repository_answer_has_no_length_limit_so_sub_cannot_be_the_subject() -> None:
    """What the old mapping (google.subject = assertion.sub) broke: the answers accept any
    repository length, and a 90-character project path leaves no byte for the branch."""
    assert len(LONG_REPO) == 90
    longer = "/".join(["g" * 60] * 4) + "/shop-infra"
    assert "bootstrap/ci.tf" in tree("gitlab-ci", longer)  # accepted as an answer
    assert len(gitlab_token(LONG_REPO, "main")["sub"].encode()) > 127
    assert len(gitlab_token("acme/platform/shop-infra", "x" * 80)["sub"].encode()) > 127


def test_gitlab_long_group_path_and_branch_still_plan_and_deploy(
    terraform: str, tmp_path: Path
) -> None:
    """A 90-character group path: prod's deploy job on deploy/prod and a merge request's plan
    on a 100-character branch exchange their tokens and reach exactly their accounts."""
    found = trust(terraform, tmp_path, "gitlab-ci", LONG_REPO)
    prod = gitlab_token(LONG_REPO, "deploy/prod", environment="prod", environment_protected="true")
    assert len(prod["sub"].encode()) > 127  # what STS refused with the old mapping
    # (any job of the repository may plan an unprotected environment: plan/dev, plan/staging)
    assert impersonates(found, prod) == {"deploy/prod", "plan/dev", "plan/staging"}
    branch = "1234-" + "make-the-checkout-page-remember-the-last-used-address-" * 2
    request = gitlab_token(LONG_REPO, branch[:100], ref_protected="false")
    assert impersonates(found, request) == {"plan/dev", "plan/staging"}
    assert impersonates(found, {**request, "project_path": "evil/shop-infra"}) == set()


def test_github_immutable_subject_of_a_long_repository_still_deploys(
    terraform: str, tmp_path: Path
) -> None:
    repository = "acme-platform-engineering-org/" + "shop-infrastructure-" * 5
    found = trust(terraform, tmp_path, "github-actions", repository)
    prod = github_token(repository, environment="prod")
    assert len(prod["sub"].encode()) > 127  # owner and name at GitHub's limits come near it
    assert impersonates(found, prod) == {"deploy/prod"}
    assert impersonates(found, github_token(repository)) == {
        "plan/dev",
        "plan/staging",
        "plan/prod",
    }


@pytest.mark.parametrize("ci", sorted(ID_CLAIMS))
def test_no_iam_member_binds_the_subject(terraform: str, tmp_path: Path, ci: str) -> None:
    """Every member trusting the pool is a principalSet of a mapped attribute: the subject's
    format can change (it did) without changing who may become which account."""
    found = trust(terraform, tmp_path, ci, LONG_REPO)
    members = [m for kind in ("deploy", "plan") for ms in found[kind].values() for m in ms]
    assert members
    attribute = f"principalSet://iam.googleapis.com/{POOL}/attribute."
    assert all(member.startswith(attribute) for member in members), members
    for path, text in tree(ci, LONG_REPO).items():
        assert "/subject/" not in text and "principal://" not in text, path


@pytest.mark.parametrize(
    ("ci", "form"),
    [("github-actions", "`repo:<repository_id>:run:<run_id>:attempt:<run_attempt>`"),
     ("gitlab-ci", "`project:<project_id>:pipeline:<pipeline_id>:job:<job_id>`")],
)  # fmt: skip
def test_the_security_doc_names_the_subject_the_audit_logs_show(ci: str, form: str) -> None:
    doc = tree(ci, LONG_REPO)["docs/SECURITY.md"]
    assert f"made of numeric IDs:\n{form}" in doc
    assert "refuses a subject over 127 bytes" in doc and "No member\nbinds the subject" in doc
