"""Check 6b: the networks of different environments do not overlap.

An environment's networks are the private CIDR strings its `.tfvars` sets under names about
networks (`vpc_cidr`, `address_space`, `subnets = { cidr = ... }`), minus those about other
parties' ranges (`allowed_cidrs`, `vpn_peer_cidr`), and minus those inside another of its own
(subnets of its VPC). Files that Terraform loads for every environment are not environments.

Only known environments are compared: the files `validate.environments` lists, else the
`environments/<name>.tfvars` files of the environments a generated record (or the render's
answers) names. Two unrelated `.tfvars` files of a repository are not environments of one system.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from infrascaffold.validate.environments import is_auto_loaded, tfvars_files
from infrascaffold.validate.findings import Finding
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.scope import matches
from infrascaffold.validate.settings import Settings

OVERLAP = "env-cidr-overlap"
NETWORK_NAME = re.compile(r"cidr|address_space|address_prefix|ip_range|network")
FOREIGN_NAME = re.compile(
    r"allow|trust|ingress|egress|source|peer|on_?prem|vpn|office|admin|remote|whitelist|external"
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class EnvNetwork:
    """A network an environment file sets, and where."""

    network: Network
    path: str
    line: int
    name: str


def check(repo: Repo) -> Iterator[Finding]:
    """Each overlap between networks of two environment files, reported on the later file."""
    envs = [
        _outermost(_networks(repo, path))
        for path in tfvars_files(repo)
        if not is_auto_loaded(path) and known_environment(path, repo.settings)
    ]
    for index, later in enumerate(envs):
        for earlier in envs[:index]:
            yield from _overlaps(earlier, later)


def known_environment(path: str, settings: Settings) -> bool:
    """Whether `path` is the file of an environment the settings or the record know."""
    if settings.environments is not None:
        return matches(path, settings.environments)
    folder, name = posixpath.split(path)
    stem = name.removesuffix(".json").removesuffix(".tfvars")
    in_layout = posixpath.basename(folder) == "environments"
    return in_layout and stem in settings.environment_names


def _overlaps(earlier: list[EnvNetwork], later: list[EnvNetwork]) -> Iterator[Finding]:
    for mine in later:
        for theirs in earlier:
            if mine.network.overlaps(theirs.network):  # False across IP versions
                message = (
                    f"{mine.name} {mine.network} overlaps {theirs.name} {theirs.network}"
                    f" of {theirs.path}:{theirs.line}"
                )
                yield Finding(OVERLAP, mine.path, mine.line, message)


def _networks(repo: Repo, path: str) -> list[EnvNetwork]:
    found: list[EnvNetwork] = []
    for attr in repo.hcl[path].body.attrs:
        if attr.literal:
            for network in _network_strings(attr.value, [attr.name]):
                found.append(EnvNetwork(network, path, attr.line, attr.name))
    return found


def _network_strings(value: Any, names: list[str]) -> Iterator[Network]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _network_strings(inner, [*names, str(key)])
    elif isinstance(value, list):
        for inner in value:
            yield from _network_strings(inner, names)
    elif isinstance(value, str) and "/" in value and _about_own_network(names):
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return
        if network.is_private and network.prefixlen > 0:
            yield network


def _about_own_network(names: list[str]) -> bool:
    lowered = [name.lower() for name in names]
    return any(NETWORK_NAME.search(n) for n in lowered) and not any(
        FOREIGN_NAME.search(n) for n in lowered
    )


def _outermost(networks: list[EnvNetwork]) -> list[EnvNetwork]:
    """Drop networks inside another network of the same file (and repeats)."""
    kept: list[EnvNetwork] = []
    for candidate in sorted(networks, key=lambda n: (n.network.prefixlen, n.line)):
        if not any(_within(candidate.network, outer.network) for outer in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda n: n.line)


def _within(inner: Network, outer: Network) -> bool:
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]
