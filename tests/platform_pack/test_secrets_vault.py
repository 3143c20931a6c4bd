"""The `vault` secrets strategy (issue 25): the team's HashiCorp Vault holds each service's value.

Facts pinned from hashicorp/terraform-provider-vault (website/docs/r/jwt_auth_backend_role and
the provider's schema, 5.6.0): `role_type` defaults to `oidc` (a browser login), so a CI role
says `jwt`; `bound_claims` is a map of strings whose values the provider splits at commas into
lists unless `disable_bound_claims_parsing` is set (issue #408: lists as comma-separated
strings); `role_name` and `user_claim` are required. From hashicorp/vault-action#301: the
`user_claim` should not make a new entity per run (each entity is a Vault client), hence the
repository / project path. From the GitHub and GitLab docs: GitHub's issuer is
`https://token.actions.githubusercontent.com` and a job with an environment has the subject
`repo:<owner>/<repo>:environment:<env>`; GitLab's `extends` deep-merges hashes
(gitlab-org/gitlab!72511), so `id_tokens` of `.deploy` adds to those of `.cloud-auth`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.context import build_context
from infrascaffold.templating.environment import make_environment
from tests.builders import example_answers, render_answers
from tests.terraform_checks import (
    fmt_problems,
    labelled,
    parse_hcl,
    schema_check,
    terraform,
    unquote,
)

__all__ = ["terraform"]  # the fixture, used by name

BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"
ADDRESS = "https://vault.example.com:8200"
VAULT_FILES = (
    "backend.tf",
    "main.tf",
    "outputs.tf",
    "providers.tf",
    "variables.tf",
    "versions.tf",
)


def vault_answers(**changes: Any) -> dict[str, Any]:
    return {
        **example_answers("aws-services"),
        "secrets": "vault",
        "vault_address": ADDRESS,
        **changes,
    }


@cache
def github_tree() -> Mapping[str, str]:
    return render_answers(vault_answers(vault_namespace="admin/shop"))


@cache
def gitlab_tree() -> Mapping[str, str]:
    return render_answers(vault_answers(ci="gitlab-ci"))


def problems_of(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(
        pack, env, apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    )
    return problems + check_answers(pack, env, resolved)


def messages(problems: list[tuple[str, str]]) -> str:
    return " | ".join(f"{where}: {what}" for where, what in problems)


# --- answer-time checks -------------------------------------------------------------------------


def test_vault_answers_are_accepted_with_their_defaults() -> None:
    assert problems_of(vault_answers()) == []
    tfvars = github_tree()["vault/terraform.tfvars"]
    assert 'kv_mount        = "secret"' in tfvars
    assert 'jwt_path        = "jwt-shop"' in tfvars


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("vault_address", "http://vault.example.com", "vault_address: http://vault.example.com is not an https URL"),
        ("vault_address", "https://vault.example.com/v1", "vault_address: https://vault.example.com/v1 is not an https URL"),
        ("vault_namespace", "/admin", "vault_namespace: /admin is not a Vault namespace path"),
        ("vault_kv_mount", "secret/", "vault_kv_mount: secret/ is not a Vault mount path"),
        ("vault_jwt_path", "jwt path", "vault_jwt_path: jwt path is not a Vault auth path"),
    ],
)  # fmt: skip
def test_a_bad_vault_answer_is_refused_with_one_line_naming_the_field(
    field: str, value: str, expected: str
) -> None:
    problems = problems_of(vault_answers(**{field: value}))
    assert len(problems) == 1, problems
    assert messages(problems).startswith(expected)
    assert "\n" not in problems[0][1]


def test_the_vault_address_is_required() -> None:
    answers = vault_answers()
    del answers["vault_address"]
    problems = problems_of(answers)
    assert [where for where, _ in problems] == ["vault_address"]


def test_vault_needs_a_ci_system() -> None:
    assert "vault needs a CI system" in messages(problems_of(vault_answers(ci="none")))


@pytest.mark.parametrize(
    "example",
    ["aws-services", "gcp-services", "azure-services", "aws-kubernetes-canary",
     "aws-serverless-bluegreen", "aws-static-site"],
)  # fmt: skip
def test_vault_is_offered_exactly_where_sops_is(example: str) -> None:
    # Vault goes through the same put partials as sops: it works wherever sops works.
    base = example_answers(example)
    sops = problems_of({**base, "secrets": "sops"})
    vault = problems_of({**base, "secrets": "vault", "vault_address": ADDRESS})
    assert bool(vault) == bool(sops), (sops, vault)
    if vault:
        assert [where for where, _ in vault] == ["secrets"]
        assert vault[0][1].startswith("vault ") and "\n" not in vault[0][1]


def test_the_vault_questions_are_not_asked_for_other_strategies() -> None:
    tree = render_answers(example_answers("aws-services"))
    assert not any(path.startswith("vault/") for path in tree)
    assert "VAULT_ID_TOKEN" not in tree[".github/workflows/_deploy.yml"]


# --- the vault/ stack: parses, canonical, in the provider's schema ------------------------------


def vault_docs(tree: Mapping[str, str]) -> dict[str, Any]:
    return {f"vault/{name}": parse_hcl(tree[f"vault/{name}"]) for name in VAULT_FILES}


def test_the_stack_parses_and_matches_the_vault_providers_schema() -> None:
    count, problems = schema_check(vault_docs(github_tree()), "vault")
    assert problems == []
    assert count == 3  # the auth method, the policies, the roles


def test_the_stack_is_in_terraform_fmt_canonical_form(terraform: str, tmp_path: Path) -> None:
    tree = {path: text for path, text in gitlab_tree().items() if path.startswith("vault/")}
    assert fmt_problems(terraform, tree, tmp_path) == []


def test_the_provider_is_pinned_to_the_vendored_major_version() -> None:
    versions = parse_hcl(github_tree()["vault/versions.tf"])
    vault = versions["terraform"][0]["required_providers"][0]["vault"]
    assert unquote(vault["source"]) == "hashicorp/vault"
    assert unquote(vault["version"]) == ">= 5.6, < 6.0"


def resource(main: Any, type_name: str, name: str) -> dict[str, Any]:
    body = dict(labelled(main["resource"], 2))[(type_name, name)]
    return {key: unquote(value) for key, value in body.items()}


def test_the_role_is_a_jwt_role_with_literal_claims_and_a_short_service_token() -> None:
    main = parse_hcl(github_tree()["vault/main.tf"])
    role = resource(main, "vault_jwt_auth_backend_role", "deploy")
    assert role["role_type"] == "jwt"
    assert role["bound_claims_type"] == "string"
    assert role["disable_bound_claims_parsing"] is True
    assert role["bound_audiences"] == ["${var.vault_address}"]
    assert role["token_no_default_policy"] is True
    assert role["token_type"] == "service"
    assert role["user_claim"] == '${local.github ? "repository" : "project_path"}'
    variables = dict(labelled(parse_hcl(github_tree()["vault/variables.tf"])["variable"], 1))
    assert variables[("token_ttl",)]["default"] == 300
    assert variables[("token_max_ttl",)]["default"] == 600
    backend = resource(main, "vault_jwt_auth_backend", "ci")
    assert backend["type"] == "jwt"
    assert backend["oidc_discovery_url"] == backend["bound_issuer"] == "${local.issuer}"


# --- what each environment's role and policy allow (the locals, evaluated by terraform) --------


def evaluate(terraform: str, tree: Mapping[str, str], tmp_path: Path) -> dict[str, Any]:
    """local.bound_claims, policies and role_names of the stack, with its tfvars, by terraform."""
    main = tree["vault/main.tf"]
    (tmp_path / "main.tf").write_text(main[: main.index('\nresource "')] + "\n", encoding="utf-8")
    for name in ("variables.tf", "terraform.tfvars"):
        (tmp_path / name).write_text(tree[f"vault/{name}"], encoding="utf-8")
    result = subprocess.run(
        [terraform, "console"], input="jsonencode([local.bound_claims, local.policies, local.role_names, local.issuer])\n",
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
        env={**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    claims, policies, roles, issuer = json.loads(json.loads(result.stdout.strip().splitlines()[-1]))
    return {"claims": claims, "policies": policies, "roles": roles, "issuer": issuer}


def test_github_each_role_binds_its_environment_on_the_default_branch(
    terraform: str, tmp_path: Path
) -> None:
    found = evaluate(terraform, github_tree(), tmp_path)
    assert found["issuer"] == "https://token.actions.githubusercontent.com"
    assert found["roles"] == {"staging": "shop-staging-deploy", "prod": "shop-prod-deploy"}
    common = {
        "repository": "acme/shop-infra",
        "ref_type": "branch",
        "ref": "refs/heads/main",
        "job_workflow_ref": "acme/shop-infra/.github/workflows/_deploy.yml@refs/heads/main",
    }
    assert found["claims"] == {
        "staging": {**common, "environment": "staging"},
        "prod": {**common, "environment": "prod"},
    }


def test_gitlab_each_role_binds_project_environment_and_protected_branch(
    terraform: str, tmp_path: Path
) -> None:
    found = evaluate(terraform, gitlab_tree(), tmp_path)
    assert found["issuer"] == "https://gitlab.com"
    common = {"project_path": "acme/shop-infra", "ref_type": "branch", "ref_protected": "true"}
    assert found["claims"] == {
        "staging": {**common, "environment": "staging", "ref": "main"},
        "prod": {**common, "environment": "prod", "ref": "deploy/prod", "environment_protected": "true"},
    }  # fmt: skip
    for claims in found["claims"].values():
        assert not any("," in value for value in claims.values())


def test_each_policy_reads_only_its_environments_path(terraform: str, tmp_path: Path) -> None:
    found = evaluate(terraform, github_tree(), tmp_path)
    for env, text in found["policies"].items():
        rules = {
            labels[0]: [unquote(c) for c in body["capabilities"]]
            for labels, body in labelled(parse_hcl(text)["path"], 1)
        }
        assert rules == {
            f"secret/data/shop/{env}/*": ["read"],
            f"secret/metadata/shop/{env}/*": ["read"],
            "auth/token/revoke-self": ["update"],
        }
        # the trailing slash: another environment whose name starts with this one is not matched
        assert not re.fullmatch(f"secret/data/shop/{env}/.*", f"secret/data/shop/{env}-eu/api")


# --- no value anywhere in Terraform -------------------------------------------------------------


def test_no_secret_value_reaches_terraform() -> None:
    for tree in (github_tree(), gitlab_tree()):
        keys = set(re.findall(r"^([a-z_]+)\s*=", tree["vault/terraform.tfvars"], re.MULTILINE))
        assert keys <= {
            "project_name", "vault_address", "vault_namespace", "kv_mount", "jwt_path",
            "ci_provider", "repository", "repository_id", "gitlab_url", "gitlab_deploy_branch_prefix", "environments",
        }  # fmt: skip
        for path, text in tree.items():
            if path.endswith((".tf", ".tfvars")):
                assert not re.search(r'"vault_(kv_secret|generic_secret|token)', text), path
            if path.endswith(".tfvars"):
                assert "VAULT_TOKEN" not in text and "client_token" not in text, path


# --- the CI's token -----------------------------------------------------------------------------


def test_gitlab_deploy_jobs_get_an_id_token_for_the_vault_audience() -> None:
    ci = yaml.safe_load(gitlab_tree()[".gitlab-ci.yml"])
    assert ci[".deploy"]["id_tokens"] == {"VAULT_ID_TOKEN": {"aud": ADDRESS}}
    assert "AWS_ID_TOKEN" in ci[".cloud-auth"]["id_tokens"]  # merged by `extends`, not replaced
    assert ".cloud-auth" in ci[".deploy"]["extends"]
    assert "id_tokens" not in ci[".rollback"]


def test_github_deploy_jobs_may_request_an_oidc_token() -> None:
    deploy = yaml.safe_load(github_tree()[".github/workflows/_deploy.yml"])
    assert deploy["jobs"]["deploy"]["permissions"]["id-token"] == "write"


def test_the_deploy_job_reads_every_image_services_secret_from_vault() -> None:
    deploy = github_tree()[".github/workflows/_deploy.yml"]
    for name in ("api", "worker", "nightly"):
        assert f"secret_service={name}\n" in deploy
    assert deploy.count('vault_path="$vault_mount/data/$vault_project/$TF_ENV/$secret_service"') == 3
    assert deploy.count('--client-request-token "$secret_version"') == 3


# Each cloud's put of the value read from Vault: the command that writes a secret version.
PUTS = {
    "gcp-services": "gcloud secrets versions add",
    "gcp-kubernetes-services": "gcloud secrets versions add",
    "azure-services": "az keyvault secret set",
    "azure-kubernetes-canary": "az keyvault secret set",
}


@pytest.mark.parametrize("example", sorted(PUTS))
def test_on_gcp_and_azure_vault_goes_through_the_clouds_put_and_no_sops_key(example: str) -> None:
    answers = {**example_answers(example), "secrets": "vault", "vault_address": ADDRESS}
    assert problems_of(answers) == []
    tree = render_answers(answers)
    deploy = "\n".join(
        text for path, text in tree.items() if path.startswith(".github/") or path == ".gitlab-ci.yml"
    )
    assert 'vault_path="$vault_mount/data/$vault_project/$TF_ENV/$secret_service"' in deploy
    assert PUTS[example] in deploy
    assert "sops --decrypt" not in deploy
    # The secrets' grants and IDs serve vault too; the SOPS keys and rules do not exist.
    assert "vault/main.tf" in tree and "secrets-sops.tf" in tree
    assert not any(path.endswith("sops.tf") and path.startswith("bootstrap/") for path in tree)
    assert ".sops.yaml" not in tree


# --- the source partial: rendered with a small harness, judged by shellcheck and a fake Vault ---


def source_script(answers: Mapping[str, Any]) -> str:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, dict(answers), []))
    assert not problems
    context = build_context(pack, env, resolved)
    return str(env.get_template("partials/ci/common/secret-source.sh.j2").render(context))


PRELUDE = "secret_service=api\nTF_ENV=staging\n"


@pytest.mark.parametrize("ci", ["github-actions", "gitlab-ci"])
@pytest.mark.parametrize("shell", ["bash", "sh"])
def test_the_source_passes_shellcheck(ci: str, shell: str, tmp_path: Path) -> None:
    shellcheck = BIN / "shellcheck" if (BIN / "shellcheck").exists() else shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    script = tmp_path / "source.sh"
    uses = 'echo "$secret_dir $secret_version $secret_origin"\n'  # what the put reads
    script.write_text(f"#!/bin/{shell}\nset -eu\n{PRELUDE}{source_script(vault_answers(ci=ci))}{uses}")
    result = subprocess.run(
        [str(shellcheck), "-S", "style", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


FAKE_CURL = r"""#!/usr/bin/env bash
# A fake curl for the Vault source: records its arguments and the headers files, answers by URL.
out=/dev/null; fmt=""; headers=(); body=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out=$2; shift ;;
    -w) fmt=$2; shift ;;
    -H) headers+=("$2"); shift ;;
    --data-binary) body=$(cat); shift ;;
    --retry|--max-time|-X) shift ;;
    -*) ;;
    *) url=$1 ;;
  esac
  shift
done
printf '%s\n' "ARGS $url ${headers[*]}" >> "$FAKE/log"
for h in "${headers[@]}"; do case "$h" in @*) sed 's/^/HEADER /' "${h#@}" >> "$FAKE/log" ;; esac; done
code=200
case "$url" in
  https://gh.example/token*)
    printf '{"value":"jwt-secret-abc"}' > "$out" ;;
  */v1/auth/jwt-shop/login)
    printf '%s\n' "BODY $body" >> "$FAKE/log"
    [ "${FAIL_LOGIN:-}" ] && exit 22
    printf '{"auth":{"client_token":"hvs.token-xyz"}}' > "$out" ;;
  */v1/secret/data/shop/staging/api)
    code=${READ_STATUS:-200}
    if [ "$code" = 200 ]; then
      printf '{"data":{"data":{"PASSWORD":"value-123"},"metadata":{"version":3,"created_time":"2026-01-02T03:04:05Z"}}}' > "$out"
    else
      printf '{"errors":[]}' > "$out"
    fi ;;
  */v1/auth/token/revoke-self)
    echo REVOKED >> "$FAKE/log" ;;
  *) exit 6 ;;
esac
[ -n "$fmt" ] && printf '%s' "$code"
exit 0
"""

# What the put would read, kept before the job ends (its EXIT trap then removes every folder).
EPILOGUE = """
if [ -n "$secret_dir" ]; then
  cp "$secret_dir/value.json" "$FAKE/value.json"
  stat -c %a "$secret_dir/value.json" "$secret_dir" > "$FAKE/modes"
fi
printf '%s\\n' "$secret_dir" > "$FAKE/dir"
printf '%s\\n' "$secret_version" > "$FAKE/version"
printf '%s\\n' "$secret_origin" > "$FAKE/origin"
"""


def run_source(
    tmp_path: Path, ci: str = "github-actions", **env: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    if shutil.which("jq") is None or shutil.which("bash") is None:
        pytest.skip("jq or bash is not installed")
    fake = tmp_path / "fake"
    (fake / "bin").mkdir(parents=True)
    (fake / "tmp").mkdir()
    curl = fake / "bin" / "curl"
    curl.write_text(FAKE_CURL, encoding="utf-8")
    curl.chmod(curl.stat().st_mode | stat.S_IXUSR)
    answers = vault_answers(ci=ci, vault_namespace="admin/shop")
    script = fake / "source.sh"
    script.write_text(f"set -eu\n{PRELUDE}{source_script(answers)}{EPILOGUE}", encoding="utf-8")
    result = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, timeout=60, check=False,
        env={
            "PATH": f"{fake / 'bin'}:{os.environ['PATH']}", "FAKE": str(fake), "TMPDIR": str(fake / "tmp"),
            "ACTIONS_ID_TOKEN_REQUEST_URL": "https://gh.example/token?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token", "VAULT_ID_TOKEN": "jwt-secret-abc",
            **env,
        },
    )  # fmt: skip
    return result, fake


@pytest.mark.parametrize("ci", ["github-actions", "gitlab-ci"])
def test_the_source_reads_the_value_privately_and_revokes_its_token(
    ci: str, tmp_path: Path
) -> None:
    result, fake = run_source(tmp_path, ci)
    assert result.returncode == 0, result.stderr
    secret_dir = Path((fake / "dir").read_text().strip())
    assert secret_dir.parent == fake / "tmp"
    assert json.loads((fake / "value.json").read_text()) == {"PASSWORD": "value-123"}
    assert (fake / "modes").read_text().split() == ["600", "700"]
    path = "secret/data/shop/staging/api"
    token = hashlib.sha256(f"vault:{path}:3:2026-01-02T03:04:05Z".encode()).hexdigest()
    assert (fake / "version").read_text().strip() == token
    assert (fake / "origin").read_text().strip() == f"vault kv {path} v3"
    log = (fake / "log").read_text()
    assert log.rstrip().endswith("REVOKED")
    assert '"role":"shop-staging-deploy"' in log.replace(" ", "")
    assert "HEADER X-Vault-Namespace: admin/shop" in log
    # Nothing secret on a command line nor in the job's log; nothing left once the job ends.
    args = "\n".join(line for line in log.splitlines() if line.startswith("ARGS"))
    for secret in ("jwt-secret-abc", "hvs.token-xyz", "request-token", "value-123"):
        assert secret not in args
        assert secret not in result.stdout + result.stderr
    assert list((fake / "tmp").iterdir()) == []
    if ci == "github-actions":
        assert "ARGS https://gh.example/token?api-version=2.0&audience=https%3A%2F%2Fvault.example.com%3A8200 " in log  # fmt: skip


def test_no_secret_at_the_path_leaves_the_secret_as_it_is(tmp_path: Path) -> None:
    result, fake = run_source(tmp_path, READ_STATUS="404")
    assert result.returncode == 0, result.stderr
    assert (fake / "dir").read_text().strip() == ""
    assert "the secret of api keeps its value" in result.stdout
    assert (fake / "log").read_text().rstrip().endswith("REVOKED")
    assert list((fake / "tmp").iterdir()) == []


def test_a_refused_read_fails_with_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    result, fake = run_source(tmp_path, READ_STATUS="403")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: the secret of api was not read from vault kv secret/data/shop/staging/api:"
        " Vault denied role shop-staging-deploy the read at mount secret (HTTP 403):"
        " check vault_kv_mount and the role's policy"
    ]
    assert (fake / "log").read_text().rstrip().endswith("REVOKED")
    assert list((fake / "tmp").iterdir()) == []


def test_a_refused_login_fails_with_one_line_naming_the_role(tmp_path: Path) -> None:
    result, fake = run_source(tmp_path, FAIL_LOGIN="1")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: the secret of api was not read from vault kv secret/data/shop/staging/api:"
        " Vault refused the login with role shop-staging-deploy"
    ]
    assert "REVOKED" not in (fake / "log").read_text()
    assert list((fake / "tmp").iterdir()) == []


# --- docs ---------------------------------------------------------------------------------------


def test_the_docs_give_the_exact_secret_path_rotation_and_revocation() -> None:
    tree = github_tree()
    runbook = tree["docs/runbooks/rotate-secrets.md"]
    assert "`secret/data/shop/<env>/<service>`" in runbook
    assert "vault kv patch -namespace=admin/shop -mount=secret shop/<env>/<service>" in runbook
    assert "vault delete -namespace=admin/shop auth/jwt-shop/role/shop-<env>-deploy" in runbook
    assert "## Application secrets in Vault" in tree["docs/SECURITY.md"]
    readme = tree["vault/README.md"]
    assert "secret/data/shop/<env>/<service>" in readme
    assert "`shop-prod-deploy`" in readme and "`shop-prod-secrets-read`" in readme
    assert "terraform -chdir=vault apply" in readme
    assert "https://token.actions.githubusercontent.com`/.well-known/openid-configuration" not in readme
    assert "`https://token.actions.githubusercontent.com/.well-known/openid-configuration`" in readme
    assert "`secret/data/shop/<env>/<service>`), applied by your Vault admin | [vault/]" in tree["README.md"]
