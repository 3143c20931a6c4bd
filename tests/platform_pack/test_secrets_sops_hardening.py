"""Hardening of the sops and vault sources (security review of the secrets strategies, findings 3,
5, 6, 8, 10, 13), run against stubs like the strategy tests.

Facts pinned:
- getsops/sops stores/stores.go: a file's `sops` metadata lists its keys per type, top level and
  in `key_groups`: `kms` (`arn`, `role`, `context`), `gcp_kms` (`resource_id`), `azure_kv`
  (`vault_url`, `name`, `version`), `hc_vault`, `hckms`, `age`, `pgp`. kms/keysource.go records
  the ARN as the creation rule gives it (an alias ARN stays the alias ARN) and decrypts with that
  ARN as KeyId, so KMS refuses a data key encrypted under any other key.
- AWS Secrets Manager "Secret encryption and decryption": Secrets Manager calls KMS with the
  encryption context `SecretARN` = the secret's ARN, so `kms:EncryptionContext:SecretARN` with
  `kms:ViaService = secretsmanager.<region>.amazonaws.com` limits a role's Decrypt to its own
  secrets; ECR decrypts images through its own grant (ECR "Encryption at rest"), not the task's.
- AWS KMS key policies: without the account root in a statement, IAM policies grant nothing on
  the key; an explicit Deny wins over the deploy role's IAM `kms:*`.
- Vault KV v2: a path without a secret answers 404 with an empty `errors` list; a mount that is
  not there answers 404 with "no handler for route ..." in `errors`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import secret_stubs
from tests.builders import example_answers, render_answers
from tests.platform_pack import test_secrets_gcp as gcp
from tests.platform_pack import test_secrets_strategy as aws
from tests.platform_pack import test_secrets_vault as vault


@cache
def tree(example: str, ci: str = "github-actions") -> Mapping[str, str]:
    return render_answers({**example_answers(example), "secrets": "sops", "ci": ci})


def leftovers(tmp_path: Path) -> list[Path]:
    return list((tmp_path / "tmp").iterdir())


# --- finding 6: the file must name this environment's key only -----------------------------------

FOREIGN = "arn:aws:kms:eu-west-1:999999999999:alias/attacker"
OWN = aws.STAGING_KEY


@pytest.mark.parametrize(
    "metadata",
    [
        {"kms": [aws.kms_key(FOREIGN)]},  # another account's key
        {"kms": [aws.kms_key(OWN.replace("staging-sops", "prod-sops"))]},  # another environment's
        {"kms": [aws.kms_key(OWN.replace("-sops", ""))]},  # the stack's general key
        {"kms": [aws.kms_key(OWN), aws.kms_key(FOREIGN)]},  # ours and one more
        {"kms": [aws.kms_key(OWN, role="arn:aws:iam::999999999999:role/x")]},  # assumes a role
        {"kms": [aws.kms_key(OWN)], "age": [{"recipient": "age1xyz", "enc": "x"}]},
        {"kms": [aws.kms_key(OWN)], "pgp": [{"fp": "ABCD", "enc": "x", "created_at": ""}]},
        {"hc_vault": [{"vault_address": "https://v", "engine_path": "t", "key_name": "k"}]},
        {"key_groups": [{"kms": [aws.kms_key(OWN)], "age": [{"recipient": "age1", "enc": "x"}]}]},
        {"gcp_kms": [{"resource_id": gcp.STAGING_KEY, "enc": "x"}]},  # another kind of key
        {},  # no key at all
    ],
    ids=[
        "foreign-account", "other-env", "general-key", "extra-key", "role", "age", "pgp",
        "hc_vault", "key-group", "gcp_kms", "none",
    ],
)  # fmt: skip
def test_a_file_naming_any_other_key_is_refused_before_decrypting(
    metadata: Mapping[str, Any], tmp_path: Path
) -> None:
    result, out = aws.run_step(tmp_path, with_file=True, metadata=metadata)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: secrets/staging/api.sops.json of api may name only the key of staging ({OWN}),"
        " and no other key: refused, nothing decrypted"
    ]
    calls = out["calls"].read_text() if out["calls"].exists() else ""
    assert "sops --decrypt" not in calls and "put-secret-value" not in calls
    assert leftovers(tmp_path) == []


def test_the_own_key_in_a_key_group_is_accepted(tmp_path: Path) -> None:
    result, out = aws.run_step(
        tmp_path, with_file=True, metadata={"key_groups": [{"kms": [aws.kms_key(OWN)]}]}
    )
    assert result.returncode == 0, result.stderr
    assert "put-secret-value" in out["calls"].read_text()


def test_gcp_refuses_a_file_naming_another_key(tmp_path: Path) -> None:
    other = gcp.STAGING_KEY.replace("acme-shop-staging", "attacker-project")
    result, out = gcp.run_step(
        tmp_path, with_file=True, metadata={"gcp_kms": [{"resource_id": other, "enc": "x"}]}
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: secrets/staging/worker.sops.json of worker may name only the key of staging"
        f" ({gcp.STAGING_KEY}), and no other key: refused, nothing decrypted"
    ]
    assert "versions add" not in (out["calls"].read_text() if out["calls"].exists() else "")
    assert leftovers(tmp_path) == []


def test_each_cloud_gives_the_source_its_environments_key() -> None:
    deploy = tree("aws-services")[".github/workflows/_deploy.yml"]
    for env in example_answers("aws-services")["environments"]:
        key = f"arn:aws:kms:{env['region']}:{env['account_id']}:alias/shop-{env['name']}-sops"
        assert f"{env['name']}) sops_key={key} ;;" in deploy
    rules = yaml.safe_load(tree("gcp-services")[".sops.yaml"])["creation_rules"]
    gcp_deploy = tree("gcp-services")[".github/workflows/_deploy.yml"]
    for env, rule in zip(example_answers("gcp-services")["environments"], rules, strict=True):
        assert f"{env['name']}) sops_key={rule['gcp_kms']} ;;" in gcp_deploy


# --- finding 10: always the pinned sops ------------------------------------------------------------


def test_the_job_runs_only_the_sops_it_downloaded_and_checked(tmp_path: Path) -> None:
    result, out = aws.run_step(tmp_path, with_file=True)
    assert result.returncode == 0, result.stderr
    assert "a sops on the PATH ran" not in result.stderr  # the stub on the PATH never runs
    downloaded = Path(out["downloads"].read_text().strip())
    assert downloaded.name == "sops" and downloaded.parent.parent == tmp_path / "tmp"
    assert f"5488e32bc471de7982ad895dd054bbab3ab91c417a118426134551e9626e4e85 {downloaded}" in (
        out["calls"].read_text()
    )
    deploy = tree("aws-services")[".github/workflows/_deploy.yml"]
    assert "command -v sops" not in deploy


def test_a_download_with_another_digest_is_not_run(tmp_path: Path) -> None:
    result, out = aws.run_step(tmp_path, with_file=True, extra_env={"BAD_DIGEST": "1"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: the downloaded sops v3.9.4 does not have its pinned SHA-256: not run"
    )
    assert "sops --decrypt" not in out["calls"].read_text()
    assert leftovers(tmp_path) == []


# --- finding 8: every private folder removed on every exit path, other traps kept -----------------


@pytest.mark.parametrize("failing", ["", "aws", "sops", "terraform"])
def test_the_trap_leaves_nothing_on_any_exit(failing: str, tmp_path: Path) -> None:
    result, _ = aws.run_step(tmp_path, with_file=True, failing=failing)
    assert (result.returncode == 0) == (failing == ""), result.stderr
    assert leftovers(tmp_path) == []  # no sops folder, value folder nor task-definition folder


def test_the_trap_keeps_the_scripts_earlier_exit_trap(tmp_path: Path) -> None:
    prelude = "trap 'echo \"earlier trap: it'\"'\"'s kept\"' EXIT\n"
    result, _ = aws.run_step(tmp_path, with_file=True, failing="aws", prelude=prelude)
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] == "earlier trap: it's kept"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("shell", ["dash", "busybox"])
def test_the_gitlab_shells_run_the_same_trap(shell: str, tmp_path: Path) -> None:
    # GitLab runs the deploy script with the image's sh: busybox ash (hashicorp/terraform) or dash.
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    answers = aws.single_service("aws-services")
    script = (
        "set -eu\nTF_ENV=staging\ncontainer=app\nbase=arn:aws:ecs:eu-west-1:2:task-definition/x:7\n"
        "trap 'echo earlier trap ran' EXIT\n" + aws.sops_step(answers)
    )
    work = tmp_path / "work"
    (work / "secrets" / "staging").mkdir(parents=True)
    (work / "secrets" / "staging" / "api.sops.json").write_text(
        aws.sops_file({"kms": [aws.kms_key(OWN)]})
    )
    # the put fails: the trap must still clean up
    failing = aws.STUBS["aws"].replace(
        'echo "aws $*" >> "$CALLS"', 'echo "aws $*" >> "$CALLS"; exit 254'
    )
    folder = secret_stubs.install(tmp_path, {**aws.STUBS, "aws": failing})
    (tmp_path / "tmp").mkdir()
    env = secret_stubs.stub_env(tmp_path, folder, TMPDIR=str(tmp_path / "tmp"))
    result = secret_stubs.run(
        script, work, env, ("busybox", "sh") if shell == "busybox" else ("dash",)
    )
    assert result.returncode == 1, result.stderr
    assert (
        "Error: the secret of api was not set from secrets/staging/api.sops.json" in result.stderr
    )
    assert result.stdout.strip().splitlines()[-1] == "earlier trap ran"
    assert leftovers(tmp_path) == []


def test_an_unguarded_vault_failure_revokes_the_token_and_leaves_nothing(tmp_path: Path) -> None:
    # mktemp fails on its third call (the value's folder, after the login): set -e ends the script
    # outside every `|| vault_error`; the EXIT trap still revokes the token and removes the folder.
    first = tmp_path / "mk"
    first.mkdir()
    (first / "mktemp").write_text(
        '#!/usr/bin/env bash\nn=$(cat "$FAKE/mktemp-calls" 2>/dev/null || echo 0)\n'
        'echo $((n + 1)) > "$FAKE/mktemp-calls"\n[ "$n" -lt 2 ] || exit 1\n'
        'exec /usr/bin/mktemp "$@"\n'
    )
    (first / "mktemp").chmod(0o755)
    path = f"{first}:{tmp_path / 'fake' / 'bin'}:{os.environ['PATH']}"
    result, fake = vault.run_source(tmp_path, PATH=path)
    assert result.returncode == 1
    assert (fake / "mktemp-calls").read_text().strip() == "3"
    assert (fake / "log").read_text().rstrip().endswith("REVOKED")
    assert list((fake / "tmp").iterdir()) == []


# --- finding 13: a wrong KV mount fails, "no secret at this path" keeps the value ----------------


def test_a_wrong_vault_mount_fails_with_one_line_naming_the_mount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = '{"errors":["no handler for route \\"secret/data/shop/staging/api\\". route entry not found."]}'
    monkeypatch.setattr(
        vault,
        "FAKE_CURL",
        vault.FAKE_CURL.replace("printf '{\"errors\":[]}'", f"printf '%s' '{body}'"),
    )
    result, fake = vault.run_source(tmp_path, READ_STATUS="404")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: the secret of api was not read from vault kv secret/data/shop/staging/api:"
        " Vault has no KV v2 engine at mount secret (HTTP 404: no handler for route"
        ' "secret/data/shop/staging/api". route entry not found.); check vault_kv_mount'
    ]
    assert "keeps its value" not in result.stdout
    assert (fake / "log").read_text().rstrip().endswith("REVOKED")
    assert list((fake / "tmp").iterdir()) == []


def test_no_secret_at_the_path_still_keeps_the_value(tmp_path: Path) -> None:
    result, _ = vault.run_source(tmp_path, READ_STATUS="404")  # 404, empty errors
    assert result.returncode == 0, result.stderr
    assert "the secret of api keeps its value" in result.stdout


# --- findings 3 and 5: a dedicated SOPS key per environment, in bootstrap --------------------------


def block(text: str, start: str) -> str:
    at = text.index(start)
    end = re.search(r"^}\n", text[at:], re.M)
    assert end is not None
    return text[at : at + end.end()]


@pytest.mark.parametrize(
    "example", ["aws-services", "aws-kubernetes-canary", "aws-serverless-bluegreen"]
)
def test_each_environment_has_its_own_sops_key_in_bootstrap(example: str) -> None:
    rendered = tree(example)
    module = rendered["bootstrap/modules/environment-account/sops.tf"]
    key = block(module, 'resource "aws_kms_key" "sops"')
    assert "deletion_window_in_days = 30" in key
    assert "enable_key_rotation     = true" in key
    assert "prevent_destroy = true" in key
    alias = block(module, 'resource "aws_kms_alias" "sops"')
    assert 'name          = "alias/${var.project_name}-${var.environment}-sops"' in alias
    ci = rendered["bootstrap/ci.tf"]
    for env in example_answers(example)["environments"]:
        assert f'sops_encrypter_arns  = lookup(var.sops_encrypter_arns, "{env["name"]}", [])' in ci
    assert "sops_key_arns" in rendered["bootstrap/sops.tf"]
    # .sops.yaml and each README name the alias ARN of that environment's SOPS key
    rules = yaml.safe_load(rendered[".sops.yaml"])["creation_rules"]
    answers = example_answers(example)
    for env, rule in zip(answers["environments"], rules, strict=True):
        arn = aws.env_sops_key(answers, env["name"])
        assert rule["kms"] == arn
        assert f"`{arn}`" in rendered[f"secrets/{env['name']}/README.md"]
    # the environment's stack makes no SOPS key (it is not its lifetime)
    assert not any("sops" in text for path, text in rendered.items() if path.startswith("modules/"))


def test_the_sops_key_policy_lets_the_deploy_role_only_decrypt() -> None:
    module = tree("aws-services")["bootstrap/modules/environment-account/sops.tf"]
    policy = block(module, 'data "aws_iam_policy_document" "sops_key"')
    admin = policy[policy.index('sid       = "AccountAdministersThroughIAM"') :][:300]
    assert "local.sops_admin_actions" in admin
    actions = module[module.index("sops_admin_actions = [") :][:1200]
    for use in (
        '"kms:Decrypt"',
        '"kms:Encrypt"',
        '"kms:GenerateDataKey',
        '"kms:CreateGrant"',
        '"kms:ReEncrypt',
    ):
        assert use not in actions  # the account administers the key, never uses or grants it
    decrypt = policy[policy.index('sid       = "DeployRoleDecrypts"') :][:600]
    assert 'actions   = ["kms:Decrypt", "kms:DescribeKey"]' in decrypt
    assert "values   = [local.sops_deploy_role_arn]" in decrypt
    deny = policy[policy.index('sid         = "DeployRoleOnlyDecrypts"') :][:600]
    assert 'effect      = "Deny"' in deny
    assert 'not_actions = ["kms:Decrypt", "kms:DescribeKey"]' in deny
    runtime = policy[policy.index('sid       = "NoRuntimeRole"') :][:600]
    assert 'effect    = "Deny"' in runtime and "values   = [local.runtime_role_arns]" in runtime
    writers = policy[policy.index('sid       = "NamedEncryptersWriteTheFiles"') :][:700]
    assert "values   = local.sops_encrypters" in writers
    assert ":role/${var.sops_admin_role_name}" in module  # the default encrypter
    assert (
        'role/${var.project_name}-${var.environment}-ci-deploy"' in module
    )  # the deploy role's name
    account = tree("aws-services")["bootstrap/modules/environment-account/main.tf"]
    assert 'name                 = "${var.project_name}-${var.environment}-ci-deploy"' in account


def test_the_cloud_strategy_makes_no_sops_key() -> None:
    rendered = render_answers(example_answers("aws-services"))
    assert "bootstrap/sops.tf" not in rendered
    assert "bootstrap/modules/environment-account/sops.tf" not in rendered
    assert "sops" not in rendered["bootstrap/ci.tf"]


def test_the_runtime_roles_decrypt_only_their_own_secrets_through_secrets_manager() -> None:
    via = 'values   = ["secretsmanager.${local.region}.amazonaws.com"]'
    context = 'variable = "kms:EncryptionContext:SecretARN"'
    services = tree("aws-services")
    for module in ("modules/ecs-service/main.tf", "modules/ecs-workload/main.tf"):
        execution = block(services[module], 'data "aws_iam_policy_document" "execution"')
        assert via in execution and context in execution
        assert "DecryptImagesAndSecrets" not in execution
    workload = block(
        services["modules/ecs-workload/main.tf"], 'data "aws_iam_policy_document" "execution"'
    )
    assert "values   = concat([aws_secretsmanager_secret.app.arn], var.secret_arns)" in workload
    eks = tree("aws-kubernetes-canary")
    app = block(eks["modules/eks-cluster/main.tf"], 'data "aws_iam_policy_document" "app"')
    assert via in app and context in app
    two = render_answers(
        {
            **example_answers("aws-kubernetes-canary"),
            "secrets": "sops",
            "services": [
                {"name": "api", "kind": "http", "path": "/", "runtime": "node", "version": "22",
                 "port": 3000, "health_path": "/healthz"},
                {"name": "worker", "kind": "worker", "runtime": "java", "version": "21",
                 "port": 8081, "health_path": "/health"},
            ],
        }
    )  # fmt: skip
    identities = next(text for path, text in two.items() if path.endswith("k8s-identities.tf"))
    pods = block(identities, 'data "aws_iam_policy_document" "k8s_service"')
    assert 'values   = ["secretsmanager.${var.region}.amazonaws.com"]' in pods
    assert "aws_secretsmanager_secret.k8s_service[each.key].arn," in pods[pods.index(context) :]
    function = block(
        tree("aws-serverless-bluegreen")["modules/lambda-api/main.tf"],
        'data "aws_iam_policy_document" "function"',
    )
    assert via in function and context in function
    assert 'values   = ["lambda.${local.region}.amazonaws.com"]' in function  # its environment


def test_the_docs_say_revoke_means_disabling_the_sops_key_only() -> None:
    rendered = tree("aws-services")
    runbook = rendered["docs/runbooks/rotate-secrets.md"]
    section = runbook[runbook.index("### Application secrets kept as SOPS files") :]
    assert "aws kms disable-key --key-id alias/shop-<env>-sops" in section
    assert "running services keep working" in section
    security = rendered["docs/SECURITY.md"]
    sops = security[security.index("## Application secrets in the repository (SOPS)") :]
    assert "`alias/shop-<env>-sops`" in sops and "prevent_destroy" in sops
    assert "kms:EncryptionContext:SecretARN" in sops
    assert "refuses, before decrypting, a file whose metadata names" in sops


def test_the_deploy_step_json_checks_are_valid_jq() -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    deploy = tree("aws-services")[".github/workflows/_deploy.yml"]
    program = re.search(
        r"jq -e --arg expected \"\$sops_expected\" '(.*?)' \"\$secret_origin\"", deploy, re.S
    )
    assert program is not None
    cases = {
        json.dumps({"sops": {"kms": [aws.kms_key(OWN)], "age": None, "version": "3.9.4"}}): 0,
        json.dumps({"API_TOKEN": "a plain file, no sops metadata"}): 4,  # no result: refused
        json.dumps({"sops": {"kms": [aws.kms_key(OWN)], "age": [{"recipient": "a"}]}}): 1,
    }
    for sample, status in cases.items():
        result = subprocess.run(
            ["jq", "-e", "--arg", "expected", f"kms {OWN}", program.group(1)],
            input=sample, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == status, sample


def test_the_deploy_role_uses_no_other_accounts_key() -> None:
    account = tree("aws-services")["bootstrap/modules/environment-account/main.tf"]
    deploy = block(account, 'data "aws_iam_policy_document" "deploy"')
    deny = deploy[deploy.index('sid    = "NoOtherAccountsKeys"') :][:500]
    assert 'effect = "Deny"' in deny and '"kms:Decrypt"' in deny and '"kms:CreateGrant"' in deny
    assert (
        'not_resources = ["arn:${local.partition}:kms:*:${local.account_id}:key/*", '
        "var.state_kms_key_arn]" in deny
    )


def test_the_bootstrap_readme_lists_the_sops_key_its_input_and_output() -> None:
    readme = tree("aws-services")["bootstrap/README.md"]
    assert "| each environment's account | SOPS key `alias/shop-<env>-sops` |" in readme
    assert "| `sops_encrypter_arns` |" in readme and "| `sops_key_arns` |" in readme
    assert "sops" not in render_answers(example_answers("aws-services"))["bootstrap/README.md"]


def test_an_azure_key_is_matched_by_vault_url_and_name() -> None:
    # azkv/keysource.go: vault_url is "https://<vault>.vault.azure.net", name the key's, version
    # the one sops encrypted with; Azure's secrets.sh gives sops_key=<vault_url>/keys/<name>.
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    deploy = tree("aws-services")[".github/workflows/_deploy.yml"]
    program = re.search(
        r"jq -e --arg expected \"\$sops_expected\" '(.*?)' \"\$secret_origin\"", deploy, re.S
    )
    assert program is not None
    key = {
        "vault_url": "https://shop-staging-sops.vault.azure.net",
        "name": "sops",
        "version": "0a1b",
    }
    expected = "azure_kv https://shop-staging-sops.vault.azure.net/keys/sops"
    for metadata, status in (({"azure_kv": [key]}, 0), ({"azure_kv": [{**key, "name": "x"}]}, 1)):
        result = subprocess.run(
            ["jq", "-e", "--arg", "expected", expected, program.group(1)],
            input=json.dumps({"sops": metadata}), capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == status, metadata
