"""Checks that read an answer's value alone: its type (`coerce`), its choices and the validators
that need no other answer (`regex`, `min`, `max`, `cidr`, `name`, `path`, `unique`, `disjoint`).

Resolution runs them as each answer is read, so that a default or a condition built on an answer
that fails them is never computed (`--set cloud=aw` is one problem, not one per region default);
`checks` runs them again, with the `expr` validators and the pack's messages, over every answer.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Any

from infrascaffold.errors import PackError, did_you_mean, one_line, shown
from infrascaffold.pack.questions import Question, Validator
from infrascaffold.pack.untrusted_yaml import PlainScalar, plain

Problem = tuple[str, str]

# Characters that would let an answer break out of a quoted name in HCL, YAML or shell.
_UNSAFE_IN_NAME = re.compile(r"[\"'`\\\n\r]|\$\{|%\{|\$\(")


def has_declared_type(question: Question, value: Any) -> bool:
    """Whether a resolved answer has its question's type (validators only see those)."""
    if question.type in ("int", "choice") and isinstance(value, bool):
        return question.type == "choice" and value in (True, False)
    return isinstance(value, _EXPECTED[question.type])


_EXPECTED: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "choice": (str, int, bool),
    "int": int,
    "bool": bool,
    "multichoice": list,
    "list": list,
}


def coerce(question: Question, value: Any, path: str) -> tuple[Any, list[Problem]]:
    """Convert a provided value to the question's declared type, or report why it cannot be.

    Strings are strings: a string question takes an unquoted number or boolean of an answers
    file as the text written (`owner: 1234`, `name: no`), never a float's repr (`.nan`).
    """
    qtype = question.type
    if qtype == "str":
        return _as_string(value, path)
    if qtype == "choice":
        value = _as_choice(question, value)
    elif qtype == "multichoice" and isinstance(value, list):
        value = [_as_choice(question, v) for v in value]
    else:
        value = plain(value)
    if qtype == "int" and isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        value = int(value)
    if qtype == "int" and isinstance(value, int) and abs(value) > _INT_LIMIT:
        return value, [(path, f"must be a whole number of at most {len(str(_INT_LIMIT))} digits")]
    if not has_declared_type(question, value):
        return value, [(path, f"must be a {_TYPE_NAMES[qtype]}, got {_got(value)}")]
    return value, []


def _as_string(value: Any, path: str) -> tuple[Any, list[Problem]]:
    if isinstance(value, str):
        return str(value), []
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), []  # given by a program (not a file): ints have one spelling
    hint = "; quote it" if isinstance(value, bool | float) else ""
    return value, [(path, f"must be a string, got {_got(value)}{hint}")]


def _as_choice(question: Question, value: Any) -> Any:
    if isinstance(value, PlainScalar):
        return str(value) if str(value) in question.choices else value.value
    return value


def _got(value: Any) -> str:
    return "null" if value is None else f"{_kind(value)} {shown(value)}"


def _kind(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", dict: "a mapping"}
    kinds |= {list: "a list", str: "a string"}
    return kinds.get(type(value), f"a {type(value).__name__}")


_INT_TEXT = re.compile(r"-?[0-9]{1,30}")
_INT_LIMIT = 10**30
_TYPE_NAMES = {
    "str": "string",
    "choice": "string",
    "int": "whole number",
    "bool": "boolean (true or false)",
    "multichoice": "list of choices",
    "list": "list",
}


def intrinsic_problems(question: Question, value: Any, path: str) -> list[Problem]:
    """The problems of `value` that no other answer can change (the pack's messages aside).

    A list's records are not looked into: resolution checks each field as it reads it.
    """
    if not has_declared_type(question, value):
        return []
    problems = choice_problems(question, value, path)
    for validator in question.validators:
        if validator.kind != "expr":
            problems += pure_problems(validator, value, path)
    return problems


def choice_problems(question: Question, value: Any, path: str) -> list[Problem]:
    """A choice (or each of a multichoice) that is not one of the question's choices."""
    if question.type == "choice":
        wrong = [] if value in question.choices else [value]
    elif question.type == "multichoice" and isinstance(value, list):
        wrong = [v for v in value if v not in question.choices]
    else:
        return []
    allowed = ", ".join(str(c) for c in question.choices)
    return [
        (path, f"{shown(v)} is not one of: {allowed}{did_you_mean(v, question.choices)}")
        for v in wrong
    ]


def pure_problems(validator: Validator, value: Any, path: str) -> list[Problem]:
    """What a validator other than `expr` finds (its own wording; a broken one is a PackError)."""
    try:
        return _PURE_CHECKS[validator.kind](validator.arg, value, path)
    except (re.error, TypeError, ValueError) as exc:
        raise PackError(
            f"validator {validator.kind}: {shown(validator.arg)} of {path}",
            f"is not a valid check: {one_line(str(exc))}",
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


_PURE_CHECKS: dict[str, Callable[[Any, Any, str], list[Problem]]] = {
    "regex": _regex,
    "min": _minimum,
    "max": _maximum,
    "cidr": _cidr,
    "unique": _unique,
    "disjoint": _disjoint,
    "name": _name,
    "path": _path,
}
