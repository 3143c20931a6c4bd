"""Azure, several services (issue 25): every service but the primary has a Key Vault of its own.

Design: the primary keeps the application's vault (its identity has Key Vault Secrets User on it,
with the data stores' credentials); every other image service (Container Apps, or AKS through its
own workload identity) gets `modules/service-vault`: standard SKU, RBAC only, the application
vault's firewall (default Deny, allowed_ip_ranges, the workload subnet), purge protection and 90
days of soft delete in protected environments, a private endpoint registered in the one
`privatelink.vaultcore.azure.net` zone of `modules/key-vault`, and Key Vault Secrets User for that
service's identity only. The deploy job's put (sops or vault) fills each service's own vault and
opens/closes that vault's firewall.

Facts pinned: a role assignment scoped to one Key Vault secret fails in azurerm 4.55
(hashicorp/terraform-provider-azurerm#31300), hence a vault per service scoped at the vault; vault
names are global, 3-24 characters, and a deleted vault keeps its name while soft-deleted
(azurerm_key_vault docs: "If the vault is in a recoverable state then the vault will need to be
purged before reusing the name"), so the name is stable per subscription/environment/service and
the provider's `recover_soft_deleted_key_vaults` brings a re-added service's vault back;
`private_dns_zone_group.private_dns_zone_ids` takes existing zones (azurerm_private_endpoint docs),
so several endpoints share one zone, each adding its A record; IP rules only apply while public
network access is enabled, so the service vault keeps it on with default Deny, like the
application's (the put adds the runner's /32 for the duration of one `az keyvault secret set`).
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import secret_stubs
from tests.builders import example_answers, render_answers
from tests.platform_pack.test_secrets_azure import AZURE_ENV, STUBS, staging_file

ADDRESS = "https://vault.example.com:8200"
# The Done-when services on AKS (the example is single-service): api at /api, a worker, a job.
K8S_SERVICES: list[dict[str, Any]] = [
    {
        "name": "api",
        "kind": "http",
        "path": "/api",
        "runtime": "node",
        "version": "22",
        "port": 3000,
        "health_path": "/healthz",
    },
    {
        "name": "worker",
        "kind": "worker",
        "runtime": "java",
        "version": "21",
        "port": 8081,
        "health_path": "/health",
    },
    {"name": "web", "kind": "static", "runtime": "node", "version": "22"},
    {
        "name": "nightly",
        "kind": "job",
        "schedule": "15 2 * * *",
        "runtime": "python",
        "version": "3.13",
    },
]
OTHERS = ("nightly", "worker")  # every image service but the primary api
CASES = [(c, s) for c in ("containers", "kubernetes") for s in ("cloud", "sops", "vault")]


def answers(compute: str, secrets: str) -> dict[str, Any]:
    if compute == "containers":
        result = example_answers("azure-services")
    else:
        result = example_answers("azure-kubernetes-canary")
        result["services"] = copy.deepcopy(K8S_SERVICES)
    result["secrets"] = secrets
    if secrets == "vault":
        result["vault_address"] = ADDRESS
    return result


@cache
def tree(compute: str, secrets: str) -> Mapping[str, str]:
    return render_answers(answers(compute, secrets))


def block(text: str, start: str) -> str:
    """The HCL block that starts with `start`, up to its closing brace at column 0."""
    body = text[text.index(start) :]
    return body[: body.index("\n}\n") + 3]


def vault_name(name: str, subscription_id: str, base: str, service: str) -> str:
    """What service-vaults.tf + modules/service-vault compute for a service's vault."""
    suffix = hashlib.sha1(f"{subscription_id}/{base}/{service}".encode()).hexdigest()[:6]
    return f"{re.sub('-+', '-', name[:17].strip('-'))}-{suffix}"


# --- the vaults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("compute", "secrets"), CASES)
def test_every_other_service_has_a_vault_its_own_identity_alone_reads(
    compute: str, secrets: str
) -> None:
    files = tree(compute, secrets)
    root = files["service-vaults.tf"]
    identities = "k8s_service" if compute == "kubernetes" else "service"
    assert (
        "service_vault_readers = { for name, identity in "
        f"data.azurerm_user_assigned_identity.{identities} : name => identity.principal_id }}"
    ) in root
    assert "for_each = local.service_vault_readers" in root
    assert "reader_principal_id        = each.value" in root
    # the identities the vaults are keyed by are exactly the other image services
    if compute == "kubernetes":
        source = files["k8s-identities.tf"]
        accounts = source[source.index("k8s_service_accounts = {") :].split("}", 1)[0]
        names = re.findall(r'"(\w+)" =', accounts)
    else:
        source = files["services.tf"]
        names = re.findall(r'"(\w+)"', source[source.index("toset(") :].split(")", 1)[0])
    assert sorted(names) == sorted(OTHERS)
    vault = files["modules/service-vault/main.tf"]
    # one role, at the vault's scope (#31300: not on a single secret), for that identity only
    assert re.findall(r'resource "azurerm_role_assignment" "(\w+)"', vault) == ["reader"]
    reader = block(vault, 'resource "azurerm_role_assignment" "reader"')
    assert "scope                            = azurerm_key_vault.this.id" in reader
    assert 'role_definition_name             = "Key Vault Secrets User"' in reader
    assert "principal_id                     = var.reader_principal_id" in reader
    assert "access_policy" not in vault and "azurerm_key_vault_secret" not in vault


@pytest.mark.parametrize(("compute", "secrets"), CASES)
def test_a_service_vault_is_as_closed_as_the_applications(compute: str, secrets: str) -> None:
    files = tree(compute, secrets)
    vault = block(files["modules/service-vault/main.tf"], 'resource "azurerm_key_vault" "this"')
    primary = block(files["modules/key-vault/main.tf"], 'resource "azurerm_key_vault" "this"')
    for line in (
        'sku_name                      = "standard"',
        "rbac_authorization_enabled    = true",
        "purge_protection_enabled      = var.purge_protection",
        "soft_delete_retention_days    = var.purge_protection ? 90 : 7",
        "public_network_access_enabled = true",
        'default_action             = "Deny"',
        "ip_rules                   = var.allowed_ip_ranges",
    ):
        assert line in vault and line in primary
    root = files["service-vaults.tf"]
    assert "purge_protection           = var.protected" in root
    assert "allowed_ip_ranges          = var.allowed_ip_ranges" in root
    assert "allowed_subnet_ids         = [module.network.workload_subnet_id]" in root
    # audited and alerted like the application's
    module = files["modules/service-vault/main.tf"]
    assert 'category_group = "audit"' in module and 'metric_name      = "Availability"' in module


@pytest.mark.parametrize(("compute", "secrets"), CASES)
def test_every_vault_endpoint_registers_in_the_one_privatelink_zone(
    compute: str, secrets: str
) -> None:
    files = tree(compute, secrets)
    zones = [
        path
        for path, text in files.items()
        if path.endswith(".tf")
        and not path.startswith(".infrascaffold/")
        and 'resource "azurerm_private_dns_zone" "' in text
        and "privatelink.vaultcore.azure.net" in text
    ]
    assert zones == ["modules/key-vault/main.tf"]
    module = files["modules/service-vault/main.tf"]
    assert "azurerm_private_dns_zone" not in module.replace("private_dns_zone_", "")
    assert "private_dns_zone_ids = [var.private_dns_zone_id]" in module
    assert 'subresource_names              = ["vault"]' in module
    assert (
        "private_dns_zone_id        = module.key_vault.private_dns_zone_id"
        in files["service-vaults.tf"]
    )
    output = files["modules/key-vault/private-dns-zone.tf"]
    assert "value       = azurerm_private_dns_zone.vault.id" in output
    assert "depends_on = [azurerm_private_dns_zone_virtual_network_link.vault]" in output


def test_vault_names_are_global_valid_distinct_and_stable() -> None:
    files = tree("containers", "sops")
    module = files["modules/service-vault/main.tf"]
    assert (
        'vault_name = "${replace(trim(substr(var.name, 0, 17), "-"), "/-+/", "-")}'
        '-${var.unique_suffix}"'
    ) in module
    root = files["service-vaults.tf"]
    assert 'name         = "${local.name}-${each.key}"' in root
    assert (
        'unique_suffix              = substr(sha1("${var.subscription_id}/${local.name}/'
        '${each.key}"), 0, 6)'
    ) in root
    given = answers("containers", "sops")
    seen: set[str] = set()
    cases = [
        (given["project_name"], env["name"], env["subscription_id"])
        for env in given["environments"]
    ]
    cases.append(("a-very-long-project-x", "production", "0" * 8 + "-0000-4000-8000-" + "0" * 12))
    for project, env, subscription in cases:
        base = f"{project}-{env}"
        primary = f"{base[:17].strip('-')}-{hashlib.sha1(f'{subscription}/{base}'.encode()).hexdigest()[:6]}"
        for service in (*OTHERS, "x--y", "ab-"):
            name = vault_name(f"{base}-{service}", subscription, base, service)
            assert re.fullmatch(r"[a-z][a-z0-9-]{1,22}[a-z0-9]", name), name
            assert "--" not in name and name != primary and name not in seen
            seen.add(name)


# --- how each service reads it -----------------------------------------------------------------------


@pytest.mark.parametrize("secrets", ["cloud", "sops", "vault"])
def test_each_container_app_reads_its_own_vault(secrets: str) -> None:
    services = tree("containers", secrets)["services.tf"]
    for name in OTHERS:
        label = f'module "svc_{name}"'
        module = block(services, label)
        assert (
            f'KEY_VAULT_URI                         = module.service_vault["{name}"].key_vault_uri'
            in module
        )
        secret_id = (
            f'APP_SECRETS_SECRET_ID                 = "${{module.service_vault["{name}"].key_vault_uri}}'
            'secrets/${local.app_secret_name}"'
        )
        assert (secret_id in module) == (secrets != "cloud")
        assert "module.key_vault" not in module
        assert "depends_on = [module.registry, module.service_vault]" in module
    # the primary keeps the application's vault
    app = tree("containers", secrets)["app.tf"]
    assert "KEY_VAULT_URI                         = module.key_vault.key_vault_uri" in app


@pytest.mark.parametrize("secrets", ["cloud", "sops", "vault"])
def test_each_aks_service_learns_its_own_vault(secrets: str) -> None:
    identities = block(
        tree("kubernetes", secrets)["k8s-identities.tf"], 'output "k8s_service_identities"'
    )
    assert (
        "key_vault_uri" in identities and "module.service_vault[name].key_vault_uri" in identities
    )
    assert ("app_secrets_secret_id" in identities) == (secrets != "cloud")
    # its workload identity is federated with that service account only (k8s-identities.tf)
    assert (
        "parent_id           = data.azurerm_user_assigned_identity.k8s_service[each.key].id"
        in (tree("kubernetes", secrets)["k8s-identities.tf"])
    )


# --- the deploy: every service's source fills its own vault --------------------------------------------


@pytest.mark.parametrize(("compute", "secrets"), [c for c in CASES if c[1] != "cloud"])
def test_the_deploy_fills_every_services_own_vault(compute: str, secrets: str) -> None:
    files = tree(compute, secrets)
    outputs = files["secrets-sops.tf"]
    vaults = block(outputs, 'output "app_secret_vaults"')
    assert '{ "api" = module.key_vault.key_vault_name }' in vaults
    assert "{ for name, vault in module.service_vault : name => vault.key_vault_name }" in vaults
    assert "{ for name, vault in module.service_vault : name => local.app_secret_name }" in outputs
    ci = "\n".join(t for p, t in files.items() if p.startswith(".github/") or p == ".gitlab-ci.yml")
    for name in ("api", *OTHERS):
        assert ci.count(f"secret_service={name}\n") == 1
    assert (
        ci.count(
            "secret_vault=$(terraform output -json app_secret_vaults | jq -er --arg name "
            "\"$secret_service\" '.[$name]')"
        )
        == 3
    )
    assert (
        "terraform output -raw key_vault_name"
        not in ci.split("secret_vault=", 1)[1].split("\n", 1)[0]
    )
    # the deploy identity's writer role (setSecret, no read) is on the resource group: every vault
    writer = files["bootstrap/modules/environment/secret-writer.tf"]
    assert "scope              = azurerm_resource_group.this.id" in writer
    assert '"Microsoft.KeyVault/vaults/secrets/setSecret/action",' in writer
    assert "secrets/getSecret" not in writer


def test_vault_gives_the_deploy_identity_the_writer_role_without_a_sops_key() -> None:
    files = tree("containers", "vault")
    assert "bootstrap/modules/environment/secret-writer.tf" in files
    assert "bootstrap/modules/environment/sops.tf" not in files
    writer = files["bootstrap/modules/environment/secret-writer.tf"]
    assert re.findall(r'"(Microsoft\.KeyVault/[^"]+)"', writer) == [
        "Microsoft.KeyVault/vaults/secrets/setSecret/action",
        "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    ]
    assert "principal_id       = var.deploy_principal_id" in writer
    assert "plan_principal_id" not in writer


def test_single_service_renders_keep_the_application_vault_only() -> None:
    files = render_answers({**example_answers("azure-containers"), "secrets": "sops"})
    assert "service-vaults.tf" not in files and "modules/service-vault/main.tf" not in files
    assert "modules/key-vault/private-dns-zone.tf" not in files
    assert "app_secret_vaults" not in files["secrets-sops.tf"]
    ci = "\n".join(t for p, t in files.items() if p.startswith(".github/"))
    assert "secret_vault=$(terraform output -raw key_vault_name)" in ci
    assert "app_secret_vaults" not in ci


def secrets_step(given: Mapping[str, Any], service: str) -> str:
    return secret_stubs.render_step(given, "partials/ci/azure/secrets.sh.j2", service=service)


TERRAFORM = """#!/usr/bin/env bash
case "$*" in
  "output -raw resource_group_name") printf '%s' shop-staging ;;
  "output -json app_secret_vaults") printf '%s' '{"api": "shop-staging-ab12cd", "worker": "shop-staging-worke-9f8e7d"}' ;;
  "output -json app_secret_names") printf '%s' '{"api": "app-secrets", "worker": "app-secrets"}' ;;
  *) exit 1 ;;
esac
"""


def test_the_put_opens_sets_and_closes_the_services_own_vault(tmp_path: Path) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    folder = secret_stubs.install(tmp_path, {**STUBS, "terraform": TERRAFORM})
    work = tmp_path / "infra"
    (work / "secrets" / "staging").mkdir(parents=True)
    # encrypted with staging's SOPS key, the one the step accepts
    encrypted = staging_file(answers("containers", "sops"))
    (work / "secrets" / "staging" / "worker.sops.json").write_bytes(encrypted)
    calls = tmp_path / "calls"
    script = "set -euo pipefail\nTF_ENV=staging\n"
    script += secrets_step(answers("containers", "sops"), "worker") + '\necho "after"\n'
    env = secret_stubs.stub_env(tmp_path, folder, **AZURE_ENV, TMPDIR=str(tmp_path))
    result = secret_stubs.run(script, work, env)
    assert result.returncode == 0, result.stderr
    az = [line for line in calls.read_text().splitlines() if line.startswith("az ")]
    vault = "shop-staging-worke-9f8e7d"
    add = next(i for i, c in enumerate(az) if "network-rule add" in c)
    put = next(i for i, c in enumerate(az) if "secret set" in c)
    remove = next(i for i, c in enumerate(az) if "network-rule remove" in c)
    assert add < put < remove
    assert f"--name {vault} --resource-group shop-staging" in az[add]
    assert f"--name {vault} --resource-group shop-staging" in az[remove]
    assert f"--vault-name {vault} --name app-secrets" in az[put]
    assert "shop-staging-ab12cd" not in "\n".join(az)  # never the application's vault
    assert "secrets/staging/worker.sops.json" in result.stdout
    assert yaml.safe_load((tmp_path / "put").read_text()) == {"API_TOKEN": "s3cret-value"}


# --- MySQL: each other service's own user, its password in its own vault ---------------------------


@cache
def mysql_tree() -> Mapping[str, str]:
    return render_answers({**answers("containers", "sops"), "database": "mysql"})


def mysql_user(name: str) -> str:
    """What service-database.tf computes: MySQL user names have 32 characters at most."""
    if len(name) <= 28:
        return "svc_" + name.replace("-", "_")
    return f"svc_{name[:23].replace('-', '_')}_{hashlib.md5(name.encode()).hexdigest()[:4]}"


def test_mysql_gives_each_other_service_its_own_user_and_password_vault() -> None:
    files = mysql_tree()
    database = files["service-database.tf"]
    assert (
        'length(name) <= 28 ? "svc_${replace(name, "-", "_")}" : '
        '"svc_${replace(substr(name, 0, 23), "-", "_")}_${substr(md5(name), 0, 4)}"'
    ) in database
    assert "vault = module.service_vault[name].key_vault_name" in database
    for name in ("worker", "x" * 40, "a-" * 19 + "ab"):
        user = mysql_user(name)
        assert len(user) <= 32 and re.fullmatch(r"svc_[a-z0-9_]+", user)
    services = files["services.tf"]
    for name in OTHERS:
        module = block(services, f'module "svc_{name}"')
        assert (
            f'DATABASE_USER                         = local.mysql_service_users["{name}"]' in module
        )
        assert (
            f'DATABASE_PASSWORD_SECRET_ID           = "${{module.service_vault["{name}"]'
            '.key_vault_uri}secrets/database-password"'
        ) in module
        # the override comes after the shared settings (merge: the later map wins)
        assert module.index("module.database.app_environment") < module.index("DATABASE_USER")
    # the application keeps its user and its password in the application's vault
    assert (
        'DATABASE_PASSWORD_SECRET_ID = "${var.key_vault_uri}secrets/database-password"'
        in (files["modules/database/mysql.tf"])
    )


def test_mysql_grants_put_each_password_in_its_own_services_vault_only() -> None:
    runbook = mysql_tree()["docs/runbooks/create-environment.md"]
    assert (
        'DB_USERS="$(terraform output -raw database_user)=$(terraform output -raw key_vault_name) '
        "$(terraform output -json database_service_users | jq -r '.[] | \"\\(.user)=\\(.vault)\"'"
    ) in runbook
    loop = runbook[runbook.index("for PAIR in ${DB_USERS}; do") :]
    loop = loop[: loop.index("\ndone\n")]
    assert 'APP_PASSWORD="$(openssl rand -base64 36' in loop  # a password per user
    assert '--vault-name "${VAULT}" --name database-password --file /dev/stdin' in loop
    assert "GRANT ALL PRIVILEGES ON \\`${DB_NAME}\\`.* TO '${DB_USER}'@'%';" in loop
    assert "(MySQL has no table owners)" in runbook
    assert "`svc_<name>`" in mysql_tree()["docs/SECURITY.md"]
    assert "#31300" not in mysql_tree()["docs/SECURITY.md"]


@pytest.mark.parametrize(("compute", "secrets"), CASES)
def test_the_runbooks_name_each_services_own_vault(compute: str, secrets: str) -> None:
    runbook = tree(compute, secrets)["docs/runbooks/rotate-secrets.md"]
    assert "terraform output -json service_key_vaults" in runbook
    if secrets == "sops":
        readme = tree(compute, secrets)["secrets/staging/README.md"]
        rows = [
            f"| {name} | `{name}.sops.json` | its own (`service_key_vaults`) |" for name in OTHERS
        ]
        assert all(row in readme for row in rows)
        # the table ends before the next paragraph (a blank line: no paragraph read as a row)
        assert "|\n\nThe values never pass through Terraform" in readme
