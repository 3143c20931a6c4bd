"""Adding and removing environments as answer changes: promotion order and a free CIDR.

Pure: lists of environment records in, a new list out. `commands/env.py` applies the result
with `update`, so every file that lists environments (tfvars, backends, pipelines, docs,
diagrams) follows.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

from infrascaffold.errors import InfrascaffoldError

# Fields a new environment takes from the one it follows; the rest come from the pack defaults.
_INHERITED = ("region", "size")
# Where `free_cidr` looks first: the /16 blocks the built-in defaults step through.
_CANDIDATES = [f"10.{n}.0.0/16" for n in (*range(10, 251, 10), *range(1, 256))]


def add_environment(
    environments: Sequence[Mapping[str, Any]],
    name: str,
    *,
    after: str | None = None,
    region: str | None = None,
    cidr: str | None = None,
    fields: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The list with NAME inserted after AFTER (default: last), unprotected, with a free CIDR;
    `fields` sets more of the record (an AWS `account_id`, an Azure `subscription_id`)."""
    envs = [dict(copy.deepcopy(e)) for e in environments]
    names = [str(e.get("name")) for e in envs]
    if name in names:
        raise InfrascaffoldError(name, "an environment of this name exists already")
    index = len(envs) if after is None else _index(names, after, "--after") + 1
    model = envs[index - 1] if index else (envs[0] if envs else {})
    record: dict[str, Any] = {"name": name}
    record.update({key: model[key] for key in _INHERITED if key in model})
    if region:
        record["region"] = region
    record["cidr"] = cidr or free_cidr([str(e["cidr"]) for e in envs if e.get("cidr")])
    record["protected"] = False
    record.update(fields or {})
    envs.insert(index, record)
    return envs


def remove_environment(
    environments: Sequence[Mapping[str, Any]], name: str
) -> list[dict[str, Any]]:
    """The list without NAME; the last environment cannot be removed."""
    names = [str(e.get("name")) for e in environments]
    index = _index(names, name, "NAME")
    if len(names) == 1:
        raise InfrascaffoldError(name, "is the only environment; a folder needs at least one")
    return [dict(copy.deepcopy(e)) for i, e in enumerate(environments) if i != index]


def free_cidr(taken: Sequence[str]) -> str:
    """The first /16 of 10.0.0.0/8 that overlaps none of `taken`."""
    networks = [ipaddress.ip_network(c, strict=False) for c in taken]
    for candidate in _CANDIDATES:
        network = ipaddress.ip_network(candidate)
        if not any(network.overlaps(other) for other in networks):
            return candidate
    raise InfrascaffoldError("--cidr", "no free /16 left in 10.0.0.0/8; pass --cidr")


def _index(names: list[str], name: str, where: str) -> int:
    if name not in names:
        raise InfrascaffoldError(where, f"no environment named {name!r} (have {', '.join(names)})")
    return names.index(name)
