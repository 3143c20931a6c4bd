"""The real names of an environment's resources, for the diagrams and the generated docs.

Just enough evaluation to name resources: literals, `var.x` / `local.x`, one-line string
templates of those (`"${var.name}-5xx"` with `var.name` given), and a name kept whole when short
enough. Anything else (function calls, `each.key`, computed attributes) leaves the name unknown
rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from infrascaffold.validate.hcl_doc import Attr, Block, Body, Doc

# The argument that names a resource, first present wins: AWS names (`alarm_name`, `bucket`…),
# then the ids GCP uses instead of `name` (service accounts, secrets, repositories, identity
# pools), then the display name of what has no other (GCP alert policies, channels).
_NAME_ATTRS = (
    "alarm_name",
    "dashboard_name",
    "function_name",
    "name",
    "bucket",
    "identifier",
    "account_id",
    "secret_id",
    "repository_id",
    "workload_identity_pool_provider_id",
    "workload_identity_pool_id",
    "display_name",
)
# The argument that describes a resource; a dotted name is an argument of a nested block (the
# text a GCP alert policy shows when it fires).
_DESCRIPTION_ATTRS = ("alarm_description", "description", "documentation.content")
# Resource types that alert someone, by prefix: their names and descriptions are the docs' alarms.
_ALARM_PREFIXES = (
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_composite_alarm",
    "google_monitoring_alert_policy",
    "azurerm_monitor_metric_alert",
    "azurerm_monitor_activity_log_alert",
    "azurerm_monitor_scheduled_query_rules_alert",
)
_INTERPOLATION = re.compile(r"\$\{\s*((?:var|local)\.[A-Za-z_][\w-]*)\s*\}")
_BARE_REF = re.compile(r"(?:var|local)\.[A-Za-z_][\w-]*")
# A name kept whole when short enough, shortened otherwise (`length(var.name) <= 25 ? var.name :
# "${substr(var.name, 0, 20)}-…"`): known when the whole one fits; the short one is not computed.
_SHORT_ENOUGH = re.compile(
    r"length\((?P<ref>(?:var|local)\.[A-Za-z_][\w-]*)\)\s*<=\s*(?P<max>\d+)\s*\?\s*(?P=ref)\s*:"
)


class ParsedFile(Protocol):
    """A parsed Terraform file and its lines (the raw text the evaluation reads)."""

    @property
    def doc(self) -> Doc: ...

    @property
    def lines(self) -> list[str]: ...


def is_alarm(resource_type: str) -> bool:
    """Whether resources of this type alert someone (an alarm, an alert policy, an alert rule)."""
    return resource_type.startswith(_ALARM_PREFIXES)


def resource_name(body: Body, lines: list[str], scope: Mapping[str, str]) -> str | None:
    """The name a resource block gives its resource, when it follows from `scope`."""
    return _first_value(body, _NAME_ATTRS, lines, scope)


def resource_description(body: Body, lines: list[str], scope: Mapping[str, str]) -> str | None:
    """The description of a resource block, when it follows from `scope`."""
    return _first_value(body, _DESCRIPTION_ATTRS, lines, scope)


def scope_of(files: Iterable[ParsedFile], given: Mapping[str, Any]) -> dict[str, str]:
    """`var.*` (defaults, then `given`) and `local.*` values of a module that are plain text."""
    files = list(files)
    scope: dict[str, str] = {}
    for file in files:
        for block in file.doc.body.blocks_of("variable"):
            default = block.body.attr("default")
            if block.labels and default is not None and is_text(default.value):
                scope[f"var.{block.labels[0]}"] = str(default.value)
    scope.update({f"var.{k}": str(v) for k, v in given.items() if is_text(v)})
    for _ in range(2):  # a local may use one declared after it
        for file in files:
            for block in file.doc.body.blocks_of("locals"):
                scope.update(_values(block.body.attrs, file.lines, scope, "local."))
    return scope


def arguments(call: Block, lines: list[str], scope: Mapping[str, str]) -> dict[str, str]:
    """The arguments of a module call that evaluate to text in the caller's scope."""
    return _values(call.body.attrs, lines, scope, "")


def is_text(value: Any) -> bool:
    """A value that can stand in a name: text or a number, never a boolean."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _values(
    attrs: Sequence[Attr], lines: list[str], scope: Mapping[str, str], prefix: str
) -> dict[str, str]:
    found = ((a.name, _value(a, lines, scope)) for a in attrs)
    return {prefix + name: value for name, value in found if value is not None}


def _first_value(
    body: Body, names: tuple[str, ...], lines: list[str], scope: Mapping[str, str]
) -> str | None:
    attr = next((a for a in (_attr(body, n) for n in names) if a is not None), None)
    return _value(attr, lines, scope) if attr is not None else None


def _attr(body: Body, dotted: str) -> Attr | None:
    """The argument `a`, or `a` of the first nested block `b` for `b.a`."""
    *blocks, name = dotted.split(".")
    for block_type in blocks:
        nested = body.blocks_of(block_type)
        if not nested:
            return None
        body = nested[0].body
    return body.attr(name)


def _value(attr: Attr, lines: list[str], scope: Mapping[str, str]) -> str | None:
    """The text of `attr`: a literal, `var.x` / `local.x`, or a one-line string template of
    those; None for anything else."""
    if attr.literal:
        return str(attr.value) if is_text(attr.value) else None
    line = lines[attr.line - 1] if 0 < attr.line <= len(lines) else ""
    match = re.match(rf"\s*{re.escape(attr.name)}\s*=\s*(.*?)\s*$", line)
    raw = match.group(1) if match else ""
    if _BARE_REF.fullmatch(raw):
        return scope.get(raw)
    short = _SHORT_ENOUGH.match(raw)
    if short:
        whole = scope.get(short["ref"])
        return whole if whole is not None and len(whole) <= int(short["max"]) else None
    if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"' or '"' in raw[1:-1]:
        return None
    template = raw[1:-1]
    if any(ref not in scope for ref in _INTERPOLATION.findall(template)):
        return None
    text = _INTERPOLATION.sub(lambda m: scope[m.group(1)], template)
    return None if "${" in text or "%{" in text or "\\" in text else text
