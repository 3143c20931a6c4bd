"""The `sops_key` and `sops_vault` filters: an environment's SOPS key, written once.

bootstrap/ creates one SOPS key per environment; `.sops.yaml`, each cloud's deploy step (which
refuses a file naming any other key) and the docs name it. They all take it from here:

- aws: the alias ARN `arn:aws:kms:<region>:<account_id>:alias/<project>-<env>-sops`;
- gcp: the Cloud KMS key `projects/<project_id>/locations/<region>/keyRings/<project>-<env>-sops/
  cryptoKeys/sops`;
- azure: the versionless key URL `https://<vault>.vault.azure.net/keys/sops/` (the final `/`
  makes sops 3.11+ use the key's latest version), in the environment's SOPS vault, whose name
  bootstrap/modules/environment/sops.tf computes as trim(substr("<project>-<env>", 0, 12), "-")
  + "-sops-" + the first 6 characters of the lower-cased subscription ID.

Pure: the environment record and the answers in, a string out; the caller escapes it for the
language it writes (`| yaml`, `| sh`, `| md`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_VAULT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def sops_vault(env: Mapping[str, Any], project_name: str) -> str:
    """The name of environment `env`'s SOPS vault on Azure (bootstrap's sops.tf)."""
    prefix = f"{project_name}-{env['name']}"[:12].strip("-")
    name = f"{prefix}-sops-{str(env['subscription_id']).lower()[:6]}"
    if not _VAULT_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a Key Vault name (letters, digits and '-')")
    return name


def sops_key(env: Mapping[str, Any], project_name: str, cloud: str) -> str:
    """Environment `env`'s SOPS key as `.sops.yaml` names it, on `cloud`."""
    name = f"{project_name}-{env['name']}-sops"
    if cloud == "aws":
        return f"arn:aws:kms:{env['region']}:{env['account_id']}:alias/{name}"
    if cloud == "gcp":
        location = f"projects/{env['project_id']}/locations/{env['region']}"
        return f"{location}/keyRings/{name}/cryptoKeys/sops"
    if cloud == "azure":
        return f"https://{sops_vault(env, project_name)}.vault.azure.net/keys/sops/"
    raise ValueError(f"no SOPS key on cloud {cloud!r}")


FILTERS = {"sops_key": sops_key, "sops_vault": sops_vault}
