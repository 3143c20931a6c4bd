"""Validating answers against their questions' validators.

Each function returns problems as (key path, reason) pairs so that every problem of an answers
file is reported at once, e.g. `environments[2].cidr: overlaps environments[0].cidr 10.10.0.0/16`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.answers.layering import Problem, answer_context, has_declared_type
from infrascaffold.errors import PackError, one_line, shown
from infrascaffold.pack.model import Pack
from infrascaffold.pack.questions import Question, Validator
from infrascaffold.templating.environment import (
    EVALUATION_ERRORS,
    evaluate,
    failure_text,
    render_string,
)

UNCHECKABLE = "cannot be checked"
# Characters that would let an answer break out of a quoted name in HCL, YAML or shell.
_UNSAFE_IN_NAME = re.compile(r"[\"'`\\\n\r]|\$\{|%\{|\$\(")


def check_answers(
    pack: Pack, env: SandboxedEnvironment, answers: Mapping[str, Any]
) -> list[Problem]:
    """Every problem of the resolved answers, in question order."""
    problems: list[Problem] = []
    for q in pack.questions:
        if q.key in answers:
            ctx = answer_context(pack, answers)
            problems += check_value(env, q, answers[q.key], ctx, q.key)
    independent = [p for p in problems if not p[1].startswith(UNCHECKABLE)]
    # A check that cannot run because an earlier answer is wrong adds nothing to that answer's
    # own problem; alone, it points at a broken validator and is reported.
    return independent or problems


def check_value(
    env: SandboxedEnvironment, question: Question, value: Any, ctx: Mapping[str, Any], path: str
) -> list[Problem]:
    """Problems of one answer: its type constraints, choices, validators and record fields.

    A value without its declared type was already reported when it was read, and no validator
    ever sees it (a validator may assume a `str` question's value is a string).
    """
    if not has_declared_type(question, value):
        return []
    problems = _check_choices(question, value, path)
    if question.type == "list" and isinstance(value, list):
        problems += _check_records(env, question, value, ctx, path)
    for validator in question.validators:
        problems += _run_validator(env, validator, value, ctx, path)
    return problems


def _check_choices(question: Question, value: Any, path: str) -> list[Problem]:
    allowed = ", ".join(str(c) for c in question.choices)
    if question.type == "choice" and value not in question.choices:
        return [(path, f"{shown(value)} is not one of: {allowed}")]
    if question.type == "multichoice" and isinstance(value, list):
        return [
            (path, f"{shown(v)} is not one of: {allowed}")
            for v in value
            if v not in question.choices
        ]
    return []


def _check_records(
    env: SandboxedEnvironment,
    question: Question,
    records: list[Any],
    ctx: Mapping[str, Any],
    path: str,
) -> list[Problem]:
    problems: list[Problem] = []
    if len(records) < question.min_items:
        problems.append((path, f"needs at least {question.min_items} item(s)"))
    if question.max_items is not None and len(records) > question.max_items:
        problems.append((path, f"allows at most {question.max_items} items, got {len(records)}"))
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            continue
        item_ctx = {**ctx, "item": record}
        for field in question.fields:
            if field.key in record and has_declared_type(field, record[field.key]):
                where = f"{path}[{i}].{field.key}"
                problems += check_value(env, field, record[field.key], item_ctx, where)
    return problems


def _run_validator(
    env: SandboxedEnvironment, validator: Validator, value: Any, ctx: Mapping[str, Any], path: str
) -> list[Problem]:
    checks = {
        "regex": _regex,
        "min": _minimum,
        "max": _maximum,
        "cidr": _cidr,
        "unique": _unique,
        "disjoint": _disjoint,
        "name": _name,
        "path": _path,
    }
    if validator.kind == "expr":
        return _expression(env, validator, value, ctx, path)
    try:
        found = checks[validator.kind](validator.arg, value, path)
    except (re.error, TypeError, ValueError) as exc:
        raise PackError(
            f"validator {validator.kind}: {shown(validator.arg)} of {path}",
            f"is not a valid check: {one_line(str(exc))}",
        ) from exc
    if validator.message:
        return [(where, _message(env, validator, value, ctx)) for where, _ in found]
    return found


def _message(
    env: SandboxedEnvironment, validator: Validator, value: Any, ctx: Mapping[str, Any]
) -> str:
    """A validator's message; `value` is shown truncated and escaped, as every echoed answer."""
    text = shown(value)
    scope = {**ctx, "value": text[1:-1] if isinstance(value, str) and text.endswith("'") else text}
    try:
        return one_line(render_string(env, str(validator.message), scope), 300)
    except EVALUATION_ERRORS as exc:
        raise PackError(
            f"validator message {shown(validator.message)}", f"fails: {failure_text(exc)}"
        ) from exc


def _regex(pattern: Any, value: Any, path: str) -> list[Problem]:
    if isinstance(value, str) and not re.fullmatch(str(pattern), value):
        return [(path, f"{shown(value)} does not match {pattern}")]
    return []


def _minimum(limit: Any, value: Any, path: str) -> list[Problem]:
    _require_number(limit)
    if isinstance(value, bool):
        return []
    if isinstance(value, int) and value < limit:
        return [(path, f"must be at least {limit}, got {value}")]
    if isinstance(value, str) and len(value) < limit:
        return [(path, f"must be at least {limit} characters long")]
    return []


def _maximum(limit: Any, value: Any, path: str) -> list[Problem]:
    _require_number(limit)
    if isinstance(value, bool):
        return []
    if isinstance(value, int) and value > limit:
        return [(path, f"must be at most {limit}, got {value}")]
    if isinstance(value, str) and len(value) > limit:
        return [(path, f"must be at most {limit} characters long")]
    return []


def _require_number(limit: Any) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int | float):
        raise TypeError(f"a bound must be a number, got {shown(limit)}")


_PATH_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*|\.[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def _path(_arg: Any, value: Any, path: str) -> list[Problem]:
    """A relative path of plain segments (`owner/name`, `group/sub/name`): no `.`, `..`, `-x`."""
    if isinstance(value, str) and not all(
        _PATH_SEGMENT.fullmatch(part) and part.strip(".") for part in value.split("/")
    ):
        return [
            (
                path,
                f"{shown(value)} is not a path of plain segments (letters, digits, . _ -; "
                "no empty, `.` or `..` segment, none starting with `-`)",
            )
        ]
    return []


def _name(_arg: Any, value: Any, path: str) -> list[Problem]:
    if isinstance(value, str) and _UNSAFE_IN_NAME.search(value):
        return [(path, "must not contain quotes, backslashes, newlines, `${`, `%{` or `$(`")]
    return []


# `private: true` means RFC 1918. Python's `is_private` also admits loopback, link-local,
# `0.0.0.0/8`, benchmarking and documentation ranges, which no VPC or VNet can use. RFC 6598
# shared space (100.64.0.0/10) is left out on purpose: it is the carrier-grade NAT range (and
# Tailscale's), so a VPC there collides with the networks its users reach it from.
RFC1918 = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def _cidr(options: Any, value: Any, path: str) -> list[Problem]:
    options = options if isinstance(options, Mapping) else {}
    try:
        network = ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        return [(path, f"{shown(value)} is not a valid CIDR block ({one_line(str(exc), 80)})")]
    if options.get("private") and not _in_rfc1918(network):
        return [
            (
                path,
                f"{network} is not a private (RFC 1918) range: use 10.0.0.0/8, "
                "172.16.0.0/12 or 192.168.0.0/16",
            )
        ]
    low, high = options.get("min_prefix", 0), options.get("max_prefix", network.max_prefixlen)
    _require_number(low)
    _require_number(high)
    if not low <= network.prefixlen <= high:
        return [(path, f"{value} must be a /{low} to /{high} block")]
    return []


def _in_rfc1918(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    return isinstance(network, ipaddress.IPv4Network) and any(
        network.subnet_of(block) for block in RFC1918
    )


def _unique(field: Any, value: Any, path: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[Any, int] = {}
    for i, record in enumerate(value if isinstance(value, list) else []):
        key = record.get(field) if isinstance(record, Mapping) else None
        if key is None or not isinstance(key, str | int | float | bool):
            continue  # a mistyped field is reported by its type check
        if key in seen:
            problems.append(
                (f"{path}[{i}].{field}", f"{shown(key)} is already used by {path}[{seen[key]}]")
            )
        else:
            seen[key] = i
    return problems


def _disjoint(field: Any, value: Any, path: str) -> list[Problem]:
    problems: list[Problem] = []
    networks: list[tuple[int, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    for i, record in enumerate(value if isinstance(value, list) else []):
        try:
            net = ipaddress.ip_network(str(record.get(field)), strict=True)
        except (ValueError, AttributeError):
            continue  # reported by the field's own cidr validator
        for j, other in networks:
            if net.version == other.version and net.overlaps(other):
                problems.append((f"{path}[{i}].{field}", f"overlaps {path}[{j}].{field} {other}"))
                break
        networks.append((i, net))
    return problems


def _expression(
    env: SandboxedEnvironment, validator: Validator, value: Any, ctx: Mapping[str, Any], path: str
) -> list[Problem]:
    scope = {**ctx, "value": value}
    try:
        if evaluate(env, str(validator.arg), scope):
            return []
    except jinja2.TemplateSyntaxError as exc:
        raise PackError(
            f"validator expr: {shown(validator.arg)} of {path}", failure_text(exc)
        ) from exc
    except EVALUATION_ERRORS as exc:
        return [(path, f"{UNCHECKABLE}: {failure_text(exc)}")]
    if validator.message:
        return [(path, _message(env, validator, value, ctx))]
    return [(path, f"fails the check `{one_line(str(validator.arg), 100)}`")]
