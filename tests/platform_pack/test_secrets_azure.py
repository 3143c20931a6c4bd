"""The secrets strategy `sops` on Azure (issue 25): containers, kubernetes and serverless.

Design: each environment's SOPS key is an RSA-HSM key `sops` in a vault of its own (keys only, no
secret) in a resource group of its own, created by bootstrap/; its data plane is public, like AWS
KMS and Cloud KMS (hosted runners have no fixed address), and only Entra ID + a role on the key
reach it: the deploy identity holds Key Vault Crypto User on the key, the plan identity nothing.
The application vault stays closed (default Deny); the deploy job adds its runner's /32 for the
put only and removes it whether the put succeeds or not, and the next apply resets the rules.

Facts pinned: sops 3.11 accepts a versionless key URL ending in `/` and uses the latest version
(getsops/sops#1919, release notes of 3.11.0), and records the version it used in each file, so
decrypting (pinned sops 3.9.4) needs no `get`; sops's Azure master key calls encrypt/decrypt (its
docs create the key with `--ops encrypt decrypt`); DefaultAzureCredential on a hosted runner can
stop at the managed identity probe ("Identity not found", getsops/sops#1316), so the job gives
sops a workload identity token file, which the chain tries first; a Key Vault IP rule is stored
with its mask and `network-rule remove` without `/32` succeeds without removing it
(Azure/azure-cli#18167, #21330); a role assignment is scoped to one key by the key's
`resource_versionless_id` (azurerm_key_vault_key docs).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
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
from infrascaffold.templating.environment import make_environment
from tests import secret_stubs
from tests.builders import example_answers, render_answers

BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"
EXAMPLES = ("azure-services", "azure-kubernetes-canary", "azure-containers")


def sops(name: str, **changes: Any) -> dict[str, Any]:
    return {**example_answers(name), "secrets": "sops", **changes}


def serverless_answers() -> dict[str, Any]:
    return sops(
        "azure-containers",
        compute="serverless",
        deploy_strategy="blue-green",
        ci="gitlab-ci",
        services=[
            {
                "name": "api",
                "kind": "http",
                "runtime": "python",
                "version": "3.12",
                "health_path": "/healthz",
                "handler": "api",
            }
        ],
    )


@cache
def tree_of(name: str) -> Mapping[str, str]:
    if name == "azure-serverless":
        return render_answers(serverless_answers())
    return render_answers(sops(name))


def problems_of(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(
        pack, env, apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    )
    return problems + check_answers(pack, env, resolved)


def vault_name(project: str, env: str, subscription_id: str) -> str:
    """What bootstrap's sops.tf computes: trim(substr(name, 0, 12), "-")-sops-<6 of the ID>."""
    return f"{f'{project}-{env}'[:12].strip('-')}-sops-{subscription_id.lower()[:6]}"


# --- answer time ---------------------------------------------------------------------------------


@pytest.mark.parametrize("compute", ["containers", "kubernetes", "serverless"])
def test_sops_is_accepted_on_every_azure_compute_with_a_server(compute: str) -> None:
    answers = serverless_answers() if compute == "serverless" else sops("azure-containers")
    answers["compute"] = compute
    assert [p for p in problems_of(answers) if "sops" in p[1]] == []


def test_sops_on_an_azure_static_site_is_refused_with_one_line() -> None:
    answers = sops("azure-containers", compute="static-site")
    answers["services"] = [{"name": "web", "kind": "static", "runtime": "node", "version": "22"}]
    problems = [p for p in problems_of(answers) if "sops" in p[1]]
    assert len(problems) == 1 and "\n" not in problems[0][1]
    assert problems[0][0] == "secrets" and "compute static-site has none on azure" in problems[0][1]


# --- the files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_environment_encrypts_with_its_own_versionless_key(name: str) -> None:
    answers = sops(name)
    tree = tree_of(name)
    rules = yaml.safe_load(tree[".sops.yaml"])["creation_rules"]
    assert len(rules) == len(answers["environments"])
    for env, rule in zip(answers["environments"], rules, strict=True):
        vault = vault_name(answers["project_name"], env["name"], env["subscription_id"])
        assert re.fullmatch(r"[a-z][a-z0-9-]{1,22}[a-z0-9]", vault) and "--" not in vault
        assert rule["azure_keyvault"] == f"https://{vault}.vault.azure.net/keys/sops/"
        assert "kms" not in rule
        assert f"secrets/{env['name']}/" in rule["path_regex"]
        readme = tree[f"secrets/{env['name']}/README.md"]
        assert rule["azure_keyvault"] in readme
        assert "sops --encrypt --filename-override" in readme
        assert "sops 3.11 or later" in readme


def test_the_vault_name_rendered_is_the_one_bootstrap_creates() -> None:
    sops_tf = tree_of("azure-services")["bootstrap/modules/environment/sops.tf"]
    assert (
        'sops_vault_name = "${trim(substr(local.name, 0, 12), "-")}-sops-'
        '${substr(lower(var.subscription_id), 0, 6)}"'
    ) in sops_tf
    assert vault_name("payments-platform", "staging", "ABCDEF12-0000") == (
        "payments-pla-sops-abcdef"
    )
    assert vault_name("shop", "dev", "11111111-1111") == "shop-dev-sops-111111"


def test_the_sops_key_is_an_hsm_key_for_encrypt_and_decrypt_in_a_keys_only_vault() -> None:
    sops_tf = tree_of("azure-services")["bootstrap/modules/environment/sops.tf"]
    key = sops_tf[sops_tf.index('resource "azurerm_key_vault_key" "sops"') :]
    key = key[: key.index("\n}\n")]
    assert 'key_type     = "RSA-HSM"' in key
    assert 'key_opts     = ["encrypt", "decrypt"]' in key
    assert 'time_after_creation = "P365D"' in key
    vault = sops_tf[sops_tf.index('resource "azurerm_key_vault" "sops"') :]
    vault = vault[: vault.index("\n}\n")]
    assert "resource_group_name           = azurerm_resource_group.sops.name" in vault
    assert "rbac_authorization_enabled    = true" in vault
    assert "purge_protection_enabled      = true" in vault
    assert 'sku_name                      = "premium"' in vault  # HSM-backed keys
    # no secret is written into it, by Terraform or the deploy job
    assert "azurerm_key_vault_secret" not in sops_tf
    assert 'name     = "${local.name}-sops"' in sops_tf


# --- RBAC: the deploy identity decrypts with its key and writes its secrets; the plan neither ---


def test_the_deploy_identity_holds_crypto_user_on_its_key_only() -> None:
    sops_tf = tree_of("azure-services")["bootstrap/modules/environment/sops.tf"]
    assignment = sops_tf[sops_tf.index('resource "azurerm_role_assignment" "deploy_sops"') :]
    assignment = assignment[: assignment.index("\n}\n")]
    assert "scope                = azurerm_key_vault_key.sops.resource_versionless_id" in assignment
    assert 'role_definition_name = "Key Vault Crypto User"' in assignment
    assert "principal_id         = var.deploy_principal_id" in assignment
    # no other CI role in the SOPS resource group: only the bootstrap administrator's
    assignments = re.findall(r'resource "azurerm_role_assignment" "(\w+)"', sops_tf)
    assert assignments == ["sops_admin", "deploy_sops"]  # the secret writer: secret-writer.tf
    assert "plan_principal_id" not in sops_tf


def test_the_deploy_identity_sets_secrets_and_reads_none() -> None:
    sops_tf = tree_of("azure-services")["bootstrap/modules/environment/secret-writer.tf"]
    role = sops_tf[sops_tf.index('resource "azurerm_role_definition" "secret_writer"') :]
    role = role[: role.index("\n}\n")]
    data_actions = re.findall(r'"(Microsoft\.KeyVault/[^"]+)"', role)
    assert data_actions == [
        "Microsoft.KeyVault/vaults/secrets/setSecret/action",
        "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    ]
    assert "actions = []" in role
    assert "scope       = azurerm_resource_group.this.id" in role  # the environment's own group


def test_the_plan_identity_gets_no_key_vault_data_role() -> None:
    main = tree_of("azure-services")["bootstrap/modules/environment/main.tf"]
    plan = main[main.index('resource "azurerm_role_definition" "plan"') :]
    plan = plan[: plan.index("\n}\n")]
    assert "data_actions" not in plan and "KeyVault" not in plan
    assert re.search(
        r'role_definition_name = "Reader"\n\s+principal_id\s+= var.plan_principal_id', main
    )


# --- the network: the application vault stays closed but for the put ----------------------------


def test_the_application_vault_denies_by_default_so_an_apply_resets_a_left_rule() -> None:
    vault = tree_of("azure-services")["modules/key-vault/main.tf"]
    acls = vault[vault.index("network_acls {") :][:300]
    assert 'default_action             = "Deny"' in acls
    assert "ip_rules                   = var.allowed_ip_ranges" in acls
    # IP rules apply only while public network access is on (with default Deny): else the job's
    # /32 could not let it in
    assert "public_network_access_enabled = true" in vault


# --- no value in Terraform ----------------------------------------------------------------------


@pytest.mark.parametrize("name", [*EXAMPLES, "azure-serverless"])
def test_no_secret_value_reaches_terraform(name: str) -> None:
    tree = tree_of(name)
    terraform = {path: text for path, text in tree.items() if path.endswith((".tf", ".tfvars"))}
    assert not any('"azurerm_key_vault_secret"' in text for text in terraform.values())
    assert not any("sops" in text for path, text in terraform.items() if path.endswith(".tfvars"))
    outputs = tree["secrets-sops.tf"]
    assert 'app_secret_name = "app-secrets"' in outputs
    # every name is local.app_secret_name (several services: the others' in their own vaults)
    assert re.search(r'(value       = |\n    )\{ "[a-z0-9-]+" = local\.app_secret_name \}', outputs)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("azure-services", "app.tf"),
        ("azure-kubernetes-canary", "outputs.tf"),
        ("azure-serverless", "app.tf"),
    ],
)
def test_the_service_is_told_which_secret_to_read_with_its_identity(name: str, path: str) -> None:
    tree = tree_of(name)
    assert (
        'APP_SECRETS_SECRET_ID = "${module.key_vault.key_vault_uri}secrets/${local.app_secret_name}"'
        in re.sub(r"APP_SECRETS_SECRET_ID\s+=", "APP_SECRETS_SECRET_ID =", tree[path])
    )
    assert (
        "secret_reader_principal_ids = { app = data.azurerm_user_assigned_identity.app.principal_id }"
        in tree["main.tf"]
    )


def test_cloud_renders_no_azure_sops_file() -> None:
    tree = render_answers(example_answers("azure-services"))
    assert "secrets-sops.tf" not in tree
    assert "bootstrap/modules/environment/sops.tf" not in tree
    assert "APP_SECRETS_SECRET_ID" not in tree["app.tf"]


# --- the deploy step ----------------------------------------------------------------------------


def deploy_scripts(name: str) -> list[str]:
    deploy = yaml.safe_load(tree_of(name)[".github/workflows/_deploy.yml"])
    return [
        step["run"]
        for job in deploy["jobs"].values()
        for step in job.get("steps", [])
        if '"$sops_dir/sops" --decrypt' in step.get("run", "")
    ]


def test_every_service_with_a_secret_gets_a_step() -> None:
    # each image service has a secret (the others in vaults of their own: azure-svc-secrets)
    scripts = deploy_scripts("azure-services")
    assert len(scripts) == 3
    for name, script in zip(("worker", "nightly", "api"), scripts, strict=True):
        assert f"secret_service={name}\n" in script
    gitlab = tree_of("azure-kubernetes-canary")[".gitlab-ci.yml"]
    assert gitlab.count("secret_service=") == 1


@pytest.mark.parametrize("name", ["azure-services", "azure-containers"])
def test_the_deploy_step_passes_shellcheck(name: str, tmp_path: Path) -> None:
    shellcheck = BIN / "shellcheck" if (BIN / "shellcheck").exists() else shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    scripts = deploy_scripts(name)
    assert scripts
    for i, script in enumerate(scripts):
        path = tmp_path / f"deploy-{i}.sh"
        path.write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + script, encoding="utf-8")
        result = subprocess.run(
            # SC2153: IMAGE comes from the step's env, which shellcheck cannot see
            [str(shellcheck), "-S", "info", "-e", "SC2153", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout


STUBS = {
    "sops": """#!/usr/bin/env bash
echo "sops $* token=${AZURE_FEDERATED_TOKEN_FILE:-} client=${AZURE_CLIENT_ID:-}" >> "$CALLS"
cat "${AZURE_FEDERATED_TOKEN_FILE:-/dev/null}" >> "$CALLS"; echo >> "$CALLS"
printf '%s' '{"API_TOKEN": "s3cret-value"}'
""",
    "terraform": """#!/usr/bin/env bash
case "$*" in
  "output -raw resource_group_name") printf '%s' shop-staging ;;
  "output -raw key_vault_name") printf '%s' shop-staging-ab12cd ;;
  "output -json app_secret_names") printf '%s' '{"api": "app-secrets"}' ;;
  "output -json app_secret_vaults") printf '%s' '{"api": "shop-staging-ab12cd"}' ;;
  *) exit 1 ;;
esac
""",
    "curl": """#!/usr/bin/env bash
echo "curl $*" >> "$CALLS"
out=/dev/stdout
for arg in "$@"; do
  if [ "${next:-}" = out ]; then out=$arg; next=""; fi
  case "$arg" in -o | --output) next=out ;; --header | -H) header=next ;; @*) [ "${header:-}" = next ] && cp "${arg#@}" "$HEADER_COPY" ;; esac
done
case "$*" in
  *ipify*) printf '%s' "${RUNNER_IP-203.0.113.7}" > "$out" ;;
  *AzureADTokenExchange*) [ -z "${NO_OIDC:-}" ] || exit 22; printf '%s' '{"value": "oidc-token"}' > "$out" ;;
  *sops-v*) cp "$STUB_SOPS" "$out" ;;  # the pinned sops download: the stub sops, where asked
  *) exit 22 ;;
esac
""",
    "sleep": "#!/usr/bin/env bash\n",
    "sha256sum": secret_stubs.SHA256SUM,
    "az": """#!/usr/bin/env bash
echo "az $*" >> "$CALLS"
case "$1 $2 $3" in
  "keyvault network-rule list") printf '%s\n' 198.51.100.0/24 ${RULES_LISTED:-} ;;
  "keyvault secret list") printf '%s' "${CURRENT_DIGEST:-}" ;;
  "keyvault secret set")
    [ -z "${FAIL_SET:-}" ] || exit 1
    while [ $# -gt 0 ]; do
      if [ "$1" = "--file" ]; then cp "$2" "$PUT_COPY"; stat -c %a "$2" > "$PUT_MODE"; fi
      shift
    done ;;
esac
""",
}


# What a deploy job of GitHub gives the step: the deploy identity and the job's OIDC request.
AZURE_ENV = {
    "ARM_CLIENT_ID": "deploy-client",
    "ARM_TENANT_ID": "tenant",
    "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example/x?a=1",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
}


def secrets_step(answers: Mapping[str, Any]) -> str:
    return secret_stubs.render_step(answers, "partials/ci/azure/secrets.sh.j2")


def staging_file(answers: Mapping[str, Any]) -> bytes:
    """staging's encrypted file as sops writes it (stores/stores.go): the values, then the
    metadata naming the environment's key (its SOPS vault's `sops`)."""
    env = next(e for e in answers["environments"] if e["name"] == "staging")
    vault = vault_name(answers["project_name"], "staging", env["subscription_id"])
    key = {"vault_url": f"https://{vault}.vault.azure.net", "name": "sops", "version": "0a1b",
           "created_at": "2026-01-01T00:00:00Z", "enc": "x"}  # fmt: skip
    metadata = {"azure_kv": [key], "lastmodified": "2026-01-01T00:00:00Z", "mac": "ENC[m]"}
    return json.dumps({"API_TOKEN": "ENC[x]", "sops": metadata}).encode()


def run_step(
    tmp_path: Path,
    *,
    with_file: bool = True,
    ci: str = "github-actions",
    content: bytes | None = None,
    **env_vars: str,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Path]]:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    folder = secret_stubs.install(tmp_path, STUBS)
    answers = sops("azure-services", ci=ci)
    work = tmp_path / "infra"
    (work / "secrets" / "staging").mkdir(parents=True)
    if with_file:
        (work / "secrets" / "staging" / "api.sops.json").write_bytes(
            content if content is not None else staging_file(answers)
        )
    out = {n: tmp_path / n for n in ("calls", "put", "mode", "header")}
    script = "set -euo pipefail\nTF_ENV=staging\n" + secrets_step(answers) + '\necho "after"\n'
    env = secret_stubs.stub_env(tmp_path, folder, **(AZURE_ENV | {"TMPDIR": str(tmp_path)}))
    env |= {"HEADER_COPY": str(out["header"]), **env_vars}
    result = secret_stubs.run(script, work, env)
    return result, out


def az_calls(out: Mapping[str, Path]) -> list[str]:
    return [line for line in out["calls"].read_text().splitlines() if line.startswith("az ")]


def test_the_put_opens_the_vault_to_the_runner_sets_the_secret_and_closes_it(
    tmp_path: Path,
) -> None:
    result, out = run_step(tmp_path)
    assert result.returncode == 0, result.stderr
    calls = az_calls(out)
    add = next(i for i, c in enumerate(calls) if "network-rule add" in c)
    put = next(i for i, c in enumerate(calls) if "secret set" in c)
    remove = next(i for i, c in enumerate(calls) if "network-rule remove" in c)
    assert add < put < remove
    assert (
        "--ip-address 203.0.113.7/32" in calls[add]
        and "--ip-address 203.0.113.7/32" in calls[remove]
    )
    assert "--name shop-staging-ab12cd --resource-group shop-staging" in calls[add]
    digest = hashlib.sha256(
        (tmp_path / "infra" / "secrets" / "staging" / "api.sops.json").read_bytes()
    ).hexdigest()
    assert "--vault-name shop-staging-ab12cd --name app-secrets" in calls[put]
    assert f"--tags sops_sha256={digest}" in calls[put]
    assert json.loads(out["put"].read_text()) == {"API_TOKEN": "s3cret-value"}
    assert out["mode"].read_text().strip() == "600"
    assert list(tmp_path.rglob("value.json")) == []
    assert "s3cret-value" not in result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("after")


def test_sops_signs_in_with_a_workload_identity_token_file_then_drops_it(tmp_path: Path) -> None:
    result, out = run_step(tmp_path)
    assert result.returncode == 0, result.stderr
    calls = out["calls"].read_text()
    token_request = next(line for line in calls.splitlines() if "AzureADTokenExchange" in line)
    assert "audience=api://AzureADTokenExchange" in token_request
    sops_line = next(line for line in calls.splitlines() if line.startswith("sops --decrypt"))
    token_file = re.search(r"token=(\S+)", sops_line)
    assert token_file is not None and "client=deploy-client" in sops_line
    assert "oidc-token" in calls  # sops read the job's token from the file
    assert not Path(token_file.group(1)).exists()


def test_gitlab_uses_the_token_file_its_job_already_has(tmp_path: Path) -> None:
    token = tmp_path / "gitlab-token"
    token.write_text("gitlab-id-token")
    result, out = run_step(
        tmp_path, ci="gitlab-ci", AZURE_FEDERATED_TOKEN_FILE=str(token), AZURE_CLIENT_ID="c"
    )
    assert result.returncode == 0, result.stderr
    assert "AzureADTokenExchange" not in out["calls"].read_text()
    assert token.exists()  # not the step's to remove


def test_an_unchanged_file_adds_no_version(tmp_path: Path) -> None:
    encrypted = staging_file(sops("azure-services"))
    result, out = run_step(tmp_path, CURRENT_DIGEST=hashlib.sha256(encrypted).hexdigest())
    assert result.returncode == 0, result.stderr
    calls = az_calls(out)
    assert not any("secret set" in c for c in calls)
    assert any("network-rule remove" in c for c in calls)
    assert "already" in result.stdout


def test_a_rule_the_vault_already_has_is_left_in_place(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, RULES_LISTED="203.0.113.7/32")
    assert result.returncode == 0, result.stderr
    calls = az_calls(out)
    assert not any("network-rule add" in c or "network-rule remove" in c for c in calls)


def test_a_failed_put_closes_the_vault_stops_the_deploy_and_leaves_no_plaintext(
    tmp_path: Path,
) -> None:
    result, out = run_step(tmp_path, FAIL_SET="1")
    assert result.returncode == 1
    calls = az_calls(out)
    assert sum("secret set" in c for c in calls) == 6  # retried while the rule applies
    assert "network-rule remove" in calls[-1]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: the secret of api was not set from secrets/staging/api.sops.json"]
    assert list(tmp_path.rglob("value.json")) == []
    assert "after" not in result.stdout


def test_without_a_file_the_step_opens_nothing(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=False)
    assert result.returncode == 0, result.stderr
    assert not out["calls"].exists() or az_calls(out) == []
    assert "keeps its value" in result.stdout


# --- docs ---------------------------------------------------------------------------------------


def test_the_runbook_and_security_md_explain_the_key_the_network_and_rotation() -> None:
    tree = tree_of("azure-services")
    runbook = tree["docs/runbooks/rotate-secrets.md"]
    section = runbook[runbook.index("### Application secrets kept as SOPS files") :]
    for fact in (
        "https://shop-prod-sops-333333.vault.azure.net/keys/sops/",
        "az keyvault network-rule add",
        "sops rotate --in-place",
        "revert the file's commit and deploy",
        "az keyvault key set-attributes",
    ):
        assert fact in section
    security = tree["docs/SECURITY.md"]
    part = security[security.index("## Application secrets in the repository (SOPS)") :]
    assert "Key Vault Crypto User" in part and "plan identity holds no Key Vault data role" in part
    assert "`/32` rule" in part and "Residual:" in part
    assert "alias/" not in part  # not the AWS text


def test_the_oidc_request_token_never_reaches_a_command_line(tmp_path: Path) -> None:
    # A self-hosted runner's `ps` shows every argument (review #9): sops's token is requested with
    # the header in a file of a private folder (curl --header @file), written by printf, a
    # builtin; the folder is gone after the source.
    result, out = run_step(tmp_path)
    assert result.returncode == 0, result.stderr
    calls = out["calls"].read_text()
    assert "request-token" not in calls and "oidc-token\n" not in calls.split("sops --decrypt")[0]
    assert out["header"].read_text() == "Authorization: bearer request-token\n"
    token_request = next(line for line in calls.splitlines() if "AzureADTokenExchange" in line)
    assert "--header @" in token_request
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("tmp.")] == []


def test_a_job_without_an_oidc_token_stops_with_one_line_and_leaves_no_folder(
    tmp_path: Path,
) -> None:
    result, out = run_step(tmp_path, NO_OIDC="1")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: GitHub gave this job no OIDC token for sops (the job needs id-token: write)"
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("tmp.")] == []
    assert "sops --decrypt" not in out["calls"].read_text()


@pytest.mark.parametrize(
    "answer",
    ["203.0.113.256", "203.0.113.07", "203.0.113.7/0", "203.0.113.7\n198.51.100.1", "<html>", ""],
)
def test_an_address_that_is_not_one_ipv4_address_opens_nothing(tmp_path: Path, answer: str) -> None:
    # Review #11: the runner's address comes from a third party (api.ipify.org); whatever else it
    # answers never reaches a firewall rule.
    result, out = run_step(tmp_path, RUNNER_IP=answer)
    assert result.returncode == 1
    assert not any("network-rule add" in c or "secret set" in c for c in az_calls(out))
    assert "not one IPv4 address: the vault stays closed" in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: the secret of api was not set from secrets/staging/api.sops.json"]
    assert list(tmp_path.rglob("value.json")) == []


def workflow_job(tree: Mapping[str, str], path: str, job: str) -> dict[str, Any]:
    loaded = yaml.safe_load(tree[path])
    assert isinstance(loaded, dict)
    return dict(loaded["jobs"][job])


@pytest.mark.parametrize("secrets", ["sops", "vault"])
def test_on_azure_deploys_queue_with_the_environments_applies(secrets: str) -> None:
    # Review #11: the put opens the vault's firewall for a moment and an apply sets the rules
    # back (network_acls): the deploy and the apply of an environment never run at once. GitHub
    # keeps one pending run per group and cancels it for a newer one unless `queue: max`
    # (GitHub changelog 2026-05-07, "concurrency groups now allow larger queues").
    answers = {
        **sops("azure-services"),
        "secrets": secrets,
        "vault_address": "https://vault.example.com",
    }
    tree = render_answers(answers)
    wf = ".github/workflows/"
    group = "terraform-${{ inputs.environment }}"
    for path, job in (
        ("_deploy.yml", "deploy"),
        ("_rollback.yml", "rollback"),
        ("_terraform-apply.yml", "apply"),
    ):
        concurrency = workflow_job(tree, wf + path, job)["concurrency"]
        assert concurrency == {"group": group, "cancel-in-progress": False, "queue": "max"}, path
    plan = workflow_job(tree, wf + "_terraform-plan.yml", "plan")["concurrency"]
    assert "format('terraform-{0}', inputs.environment)" in plan["group"] and plan["queue"] == "max"
    gitlab = yaml.safe_load(render_answers({**answers, "ci": "gitlab-ci"})[".gitlab-ci.yml"])
    for env in answers["environments"]:
        name = env["name"]
        groups = {
            gitlab[f"{kind}:{name}"]["resource_group"] for kind in ("apply", "deploy", "rollback")
        }
        assert groups == {f"terraform-{name}"}


def test_without_a_firewall_opening_deploys_keep_their_own_group() -> None:
    for name, secrets in (
        ("azure-services", "cloud"),
        ("aws-services", "sops"),
        ("gcp-services", "sops"),
    ):
        tree = render_answers({**example_answers(name), "secrets": secrets})
        concurrency = workflow_job(tree, ".github/workflows/_deploy.yml", "deploy")["concurrency"]
        assert concurrency == {
            "group": "deploy-${{ inputs.environment }}",
            "cancel-in-progress": False,
        }
        assert (
            "queue"
            not in workflow_job(tree, ".github/workflows/_terraform-apply.yml", "apply")[
                "concurrency"
            ]
        )


def test_a_file_naming_another_vaults_key_is_refused_before_anything_is_decrypted(
    tmp_path: Path,
) -> None:
    # A writer could commit a file encrypted with a key of their own that anyone may use: only
    # the environment's SOPS key is accepted (sops-hardening), on Azure as on AWS and GCP.
    foreign = staging_file(sops("azure-services")).replace(
        b".vault.azure.net", b"x.vault.azure.net"
    )
    result, out = run_step(tmp_path, content=foreign)
    assert result.returncode == 1
    assert "may name only the key of staging" in result.stderr
    calls = out["calls"].read_text() if out["calls"].exists() else ""
    assert "sops --decrypt" not in calls and "secret set" not in calls
