"""GitHub's immutable OIDC subjects: every CI trust matches the form the repository's tokens carry.

Facts pinned here, with their sources (read 2026-12-04 through the `search` tool):

- Format. GitHub docs, OIDC reference, "Immutable subject claims" (github/docs PR #45221, the
  section as merged; aws-actions/configure-aws-credentials PR #1889): the default `sub` appends
  the owner's and the repository's numeric IDs to their names with an `@`:
  `repo:OWNER@OWNER_ID/REPO@REPO_ID:<context>`, e.g. `repo:octo-org@123456/octo-repo@456789:ref:
  refs/heads/main`; the context (`environment:<env>`, `pull_request`, `ref:<ref>`) is unchanged.
  Microsoft Learn, "Migrate GitHub Actions federated credentials to immutable subjects": the same
  `repo:<owner>@<owner_id>/<repo>@<repo_id>:...`. Public repositories record live prefixes of that
  form (`repo:RichardOrchardOrganisation@333232587/QueenZone.Modern@1265145026`). The changelog of
  2026-04-23 ("Immutable subject claims for GitHub Actions OIDC tokens") showed
  `repo:octocat-123456/my-repo-456789`; neither the docs nor any recorded token use that hyphen form.
- Who gets it. The changelog first said repositories created after 2026-06-18; the docs and
  GitHub's own PRs since say 2026-07-15: repositories created, renamed or transferred after it;
  existing repositories only when opted in (repository or organisation setting); github.com only,
  not GitHub Enterprise Server.
- The setting. `GET /repos/{owner}/{repo}/actions/oidc/customization/sub` returns `use_default`,
  `use_immutable_subject` and `sub_claim_prefix` (Azure/azure-dev PR #9430, which reads it for
  `azd pipeline config`; integrations/terraform-provider-github PR #3582, go-github v89 fields).
  One public record shows `use_immutable_subject: false` beside an immutable `sub_claim_prefix`:
  the runbook check trusts `sub_claim_prefix`. The changelog mentions a preview endpoint; no
  source found gives its path, so the check does not call it.
- Refusals. Entra ID answers a subject no credential matches with `AADSTS700213` (No matching
  federated identity record; azure-dev PR #9430); STS with `Not authorized to perform
  sts:AssumeRoleWithWebIdentity`.
- Azure limits. Microsoft Learn, "Important considerations and restrictions for federated
  identity credentials": at most 20 federated identity credentials per user-assigned managed
  identity; the subject is matched exactly. Concurrent writes under one identity fail (409
  ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity, Azure/bicep#10928);
  azurerm locks the parent identity in create and delete (hashicorp/terraform-provider-azurerm
  PR #20003, fixing #19968), so the second credential resources need no depends_on.
- Google Cloud and Vault read claims (`repository`, `environment`, `ref`), never the subject
  (tests/platform_pack/test_trust_ref.py pins both): nothing to change there.

The trusts are evaluated by `terraform console` on the rendered locals (no provider, no network).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from infrascaffold.cli import cli
from tests.builders import ROOT, example_answers, pack_from, render_answers
from tests.security.test_gitlab_identity import console, local_source
from tests.terraform_checks import labelled, parse_hcl, unquote

REPO = "acme/shop-infra"
OWNER_ID, REPO_ID = "123456", "456789"
LEGACY = f"repo:{REPO}"
IMMUTABLE = f"repo:acme@{OWNER_ID}/shop-infra@{REPO_ID}"
IDS = {"github_owner_id": OWNER_ID, "github_repository_id": REPO_ID}
AWS_LOCALS = ["github", "gitlab_deploy_branch", "gitlab_subject", "github_ids", "github_prefixes",
              "github_plan_subjects", "gitlab_plan_subjects", "plan_subjects", "deploy_subjects"]  # fmt: skip
AWS_INPUTS = ["environment", "protected", "ci_provider", "repository", "github_owner_id",
              "github_repository_id", "default_branch", "gitlab_deploy_prefix"]  # fmt: skip
AZURE_LOCALS = ["ci_enabled", "github", "ci_environments", "gitlab_subject", "gitlab_deploy_branches",
                "deploy_subjects", "plan_subjects", "github_ids", "github_legacy", "github_immutable",
                "deploy_immutable_subjects", "plan_immutable_subjects"]  # fmt: skip


def answers(example: str, ids: bool, environments: int = 0) -> dict[str, Any]:
    given = example_answers(example)
    given["repository"] = REPO
    if ids:
        given.update(IDS)
    if environments:  # that many environments, none protected: the most credentials per identity
        base = given["environments"][0]
        given["environments"] = [
            {**base, "name": f"e{index}", "cidr": f"10.{index}.0.0/16", "protected": False,
             **({"account_id": f"{index:012d}"} if "account_id" in base else {}),
             **({"subscription_id": f"{index:08d}-1111-4111-8111-111111111111"}
                if "subscription_id" in base else {})}
            for index in range(1, environments + 1)
        ]  # fmt: skip
    return given


@cache
def render(example: str, ids: bool, environments: int = 0) -> dict[str, str]:
    return dict(render_answers(answers(example, ids, environments)))


# --- AWS: each account's plan and deploy roles -------------------------------------------------


def aws_trust(files: dict[str, str], tmp: Path) -> dict[str, dict[str, Any]]:
    """environment => {"plan", "deploy": subjects, "test": the sub condition's operator}."""
    root = parse_hcl(files["bootstrap/variables.tf"])
    variables = {
        name: unquote(body.get("default")) for labels, body in labelled(root.get("variable"), 1)
        for name in labels
    }  # fmt: skip
    variables.update(
        (k, unquote(v)) for k, v in parse_hcl(files["bootstrap/terraform.tfvars"]).items()
    )
    module = files["bootstrap/modules/environment-account/main.tf"]
    test = sub_condition(module)["test"]
    trust = {}
    for labels, body in labelled(parse_hcl(files["bootstrap/ci.tf"]).get("module"), 1):
        given = {}
        for name in AWS_INPUTS:
            reference = re.fullmatch(r"\$\{var\.([a-z_]+)\}", str(body[name]))
            given[name] = variables[reference.group(1)] if reference else unquote(body[name])
        scratch = {
            "variables.tf": "".join(f'variable "{name}" {{}}\n' for name in AWS_INPUTS),
            "terraform.tfvars": "".join(f"{k} = {json.dumps(v)}\n" for k, v in given.items()),
            "locals.tf": "locals {\n" + local_source(module, AWS_LOCALS) + "\n}\n",
        }
        operator = test.removeprefix("${").removesuffix("}")
        plan, deploy, plan_test, deploy_test = console(
            tmp / labels[0], scratch,
            f"[local.plan_subjects, local.deploy_subjects, {operator.replace('each.value', 'local.plan_subjects')},"
            f" {operator.replace('each.value', 'local.deploy_subjects')}]",
        )  # fmt: skip
        trust[given["environment"]] = {"plan": plan, "deploy": deploy, "test": {plan_test, deploy_test}}
    return trust


def sub_condition(module: str) -> dict[str, Any]:
    """The condition on `<host>:sub` of the trust policy document (python-hcl2's parse)."""
    documents = dict(
        (labels, body) for labels, body in labelled(parse_hcl(module).get("data"), 2)
    )
    trust = documents[("aws_iam_policy_document", "trust")]
    assert unquote(trust["for_each"]) == "${local.ci_enabled ? {plan = local.plan_subjects, deploy = local.deploy_subjects} : {}}"
    conditions = trust["statement"][0]["condition"]
    (sub,) = [c for c in conditions if unquote(c["variable"]) == "${local.oidc_host}:sub"]
    assert unquote(sub["values"]) == "${each.value}"
    return {key: unquote(value) for key, value in sub.items()}


def expected_github(env: dict[str, Any], prefixes: list[str]) -> dict[str, list[str]]:
    plan = [s for p in prefixes for s in
            ([] if env["protected"] else [f"{p}:pull_request"]) + [f"{p}:ref:refs/heads/main"]]  # fmt: skip
    return {"plan": plan, "deploy": [f"{p}:environment:{env['name']}" for p in prefixes]}


@pytest.mark.parametrize("ids", [True, False], ids=["with-ids", "without-ids"])
@pytest.mark.parametrize("example", ["aws-containers", "aws-static-site"])
def test_aws_roles_trust_each_subject_form_exactly(example: str, ids: bool, tmp_path: Path) -> None:
    prefixes = [LEGACY, IMMUTABLE] if ids else [LEGACY]
    trust = aws_trust(render(example, ids), tmp_path)
    envs = answers(example, ids)["environments"]
    assert set(trust) == {env["name"] for env in envs}
    for env in envs:
        got = trust[env["name"]]
        assert {"plan": got["plan"], "deploy": got["deploy"]} == expected_github(env, prefixes)
        assert got["test"] == {"StringEquals"}, env["name"]  # never StringLike: no wildcard
        assert not any("*" in s for s in got["plan"] + got["deploy"])
    tfvars = parse_hcl(render(example, ids)["bootstrap/terraform.tfvars"])
    assert unquote(tfvars["github_owner_id"]) == (OWNER_ID if ids else "")
    assert unquote(tfvars["github_repository_id"]) == (REPO_ID if ids else "")


def test_aws_gitlab_trust_takes_no_github_form(tmp_path: Path) -> None:
    given = answers("aws-containers", ids=False)
    given.update(ci="gitlab-ci", repository="acme/platform/shop-infra")
    files = dict(render_answers(given))
    assert "github_owner_id" not in files["bootstrap/terraform.tfvars"]
    for name, got in aws_trust(files, tmp_path).items():
        assert all(s.startswith("project_path:acme/platform/shop-infra:") for s in got["deploy"] + got["plan"]), name  # fmt: skip


# --- Azure: one federated credential per identity and subject ----------------------------------


def azure_credentials(files: dict[str, str], tmp: Path) -> dict[str, list[tuple[str, str]]]:
    """identity (`deploy/<env>`, `plan/<env>`) => [(credential name, subject)], evaluated."""
    main_locals = local_source(files["bootstrap/main.tf"], ["environments"])
    scratch = {
        "variables.tf": files["bootstrap/variables.tf"],
        "terraform.tfvars": files["bootstrap/terraform.tfvars"],
        "locals.tf": "locals {\n" + main_locals + "\n"
        + local_source(files["bootstrap/ci.tf"], AZURE_LOCALS) + "\n}\n",
    }  # fmt: skip
    values = dict(zip(
        ["deploy", "plan", "deploy_immutable", "plan_immutable", "ci_provider"],
        console(tmp, scratch, "[local.deploy_subjects, local.plan_subjects, local.deploy_immutable_subjects,"
                " local.plan_immutable_subjects, var.ci_provider]"),
        strict=True,
    ))  # fmt: skip
    resources = {
        labels[1]: body
        for labels, body in labelled(parse_hcl(files["bootstrap/ci.tf"]).get("resource"), 2)
        if labels[0] == "azurerm_federated_identity_credential"
    }
    assert set(resources) == {"deploy", "deploy_immutable", "plan", "plan_immutable"}
    sources = {"deploy": "${local.ci_environments}", "deploy_immutable": "${local.deploy_immutable_subjects}",
               "plan": "${local.plan_subjects}", "plan_immutable": "${local.plan_immutable_subjects}"}  # fmt: skip
    found: dict[str, list[tuple[str, str]]] = {}
    for block, body in resources.items():
        assert unquote(body["for_each"]) == sources[block], block
        kind = block.split("_")[0]
        assert unquote(body["parent_id"]) == (
            f"${{azurerm_user_assigned_identity.{kind}[each.{'key' if kind == 'deploy' else 'value.environment'}].id}}"
        ), block
        suffix = "-immutable" if block.endswith("_immutable") else ""
        for key, value in values[block].items():
            subject = values["deploy"][key] if block == "deploy" else value if kind == "deploy" else value["subject"]
            environment = key if kind == "deploy" else value["environment"]
            name = f"{values['ci_provider']}-{key.replace('/', '-')}{suffix}"
            found.setdefault(f"{kind}/{environment}", []).append((name, subject))
    return found


@pytest.mark.parametrize("ids", [True, False], ids=["with-ids", "without-ids"])
@pytest.mark.parametrize("example", ["azure-containers", "azure-services"])
def test_azure_identities_get_a_credential_per_subject_form(example: str, ids: bool, tmp_path: Path) -> None:
    prefixes = [LEGACY, IMMUTABLE] if ids else [LEGACY]
    found = azure_credentials(render(example, ids), tmp_path)
    for env in answers(example, ids)["environments"]:
        want = expected_github(env, prefixes)
        for kind in ("plan", "deploy"):
            credentials = found[f"{kind}/{env['name']}"]
            assert sorted(s for _, s in credentials) == sorted(want[kind]), (kind, env["name"])
            names = [name for name, _ in credentials]
            assert len(set(names)) == len(names), names  # unique per identity, as Entra ID requires
            assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{2,119}", n) for n in names), names
    for credentials in found.values():
        assert not any("*" in subject for _, subject in credentials)


def test_azure_credentials_stay_under_twenty_per_identity(tmp_path: Path) -> None:
    # The most the pack creates: ten environments (pack.yaml max_items), none protected (plan
    # identities also trust pull requests), both subject forms. Entra ID allows 20 per identity.
    found = azure_credentials(render("azure-containers", True, 10), tmp_path)
    counts = Counter({identity: len(credentials) for identity, credentials in found.items()})
    assert len(counts) == 20
    assert max(counts.values()) == 4 and max(counts.values()) <= 20
    assert {counts[f"deploy/e{i}"] for i in range(1, 11)} == {2}


# --- the answers: digits, both or neither, GitHub only -----------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["--set", "github_owner_id=abc", "--set", f"github_repository_id={REPO_ID}"],
         "error: github_owner_id: abc is not a numeric GitHub owner ID"),
        (["--set", f"github_owner_id={OWNER_ID}", "--set", "github_repository_id=12 3"],
         "error: github_repository_id: 12 3 is not a numeric GitHub repository ID"),
        (["--set", "github_owner_id=0123", "--set", f"github_repository_id={REPO_ID}"],
         "error: github_owner_id: 0123 is not a numeric GitHub owner ID"),
        (["--set", f"github_owner_id={OWNER_ID}"], "error: github_repository_id: set github_owner_id and github_repository_id together"),
        (["--set", f"github_repository_id={REPO_ID}"], "error: github_repository_id: set github_owner_id and github_repository_id together"),
        (["--set", f"github_owner_id={OWNER_ID}", "--set", f"github_repository_id={REPO_ID}",
          "--set", "repository=acme/sub/shop-infra"], "error: github_repository_id: acme/sub/shop-infra is not an owner/name GitHub repository"),
    ],
)  # fmt: skip
def test_bad_ids_are_refused_in_one_line_and_nothing_is_written(
    tmp_path: Path, overrides: list[str], message: str
) -> None:
    example = str(ROOT / "examples/answers/aws-containers.yml")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["new", str(out), "--answers", example, "--no-input", *overrides])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert not out.exists()


def test_the_ids_are_asked_for_github_actions_only() -> None:
    questions = {q.key: q for q in pack_from(ROOT / "templates/platform").questions}
    for key in IDS:
        assert questions[key].when == "ci == 'github-actions'"
        assert questions[key].default == ""
        assert "gh api repos/OWNER/REPO" in questions[key].help


# --- the docs and the check ---------------------------------------------------------------------


@pytest.mark.parametrize("ids", [True, False], ids=["with-ids", "without-ids"])
@pytest.mark.parametrize("example", ["aws-containers", "azure-containers"])
def test_the_docs_name_what_the_trusts_match(example: str, ids: bool) -> None:
    files = render(example, ids)
    security, runbook = files["docs/SECURITY.md"], files["docs/runbooks/bootstrap.md"]
    rotate = files["docs/runbooks/rotate-secrets.md"]
    for text in (security, rotate):
        assert f"`{LEGACY}:environment:" in text
        assert (f"`{IMMUTABLE}:environment:" in text) == ids
    assert (IMMUTABLE in files[".github/workflows/terraform.yml"]) == ids
    step = runbook.split("### Check which OIDC subject the tokens carry")[1].split("\n### ")[0]
    script = step.split("```bash\n")[1].split("```")[0]
    assert "actions/oidc/customization/sub" in script and ".sub_claim_prefix" in script
    assert f"trusted=({LEGACY}{' ' + IMMUTABLE if ids else ''})" in script
    assert "github_owner_id" in step and "github_repository_id" in step
    assert ("AADSTS700213" in step) == example.startswith("azure")
    if not ids:
        assert "match only\nwith the answers `github_owner_id` and `github_repository_id`" in security


def test_vault_binds_the_repository_id_when_given() -> None:
    given = answers("aws-containers", ids=True)
    given.update(secrets="vault", vault_address="https://vault.example.com:8200")
    tfvars = parse_hcl(render_answers(given)["vault/terraform.tfvars"])
    assert unquote(tfvars["repository_id"]) == REPO_ID
