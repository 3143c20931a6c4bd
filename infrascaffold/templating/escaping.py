"""Filters that turn answer values into safe literals of the languages templates write.

No answer can inject code through them: every string is emitted quoted and escaped, so the
value can only ever be data in the output.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Mapping
from typing import Any

_HCL_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def hcl_string(text: str) -> str:
    """Quote `text` as an HCL string literal; template sequences are escaped."""
    out = []
    for ch in str(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    # `${` and `%{` open interpolations and directives in HCL; doubling the sigil escapes them.
    return '"' + "".join(out).replace("${", "$${").replace("%{", "%%{") + '"'


def hcl(value: Any) -> str:
    """Render any answer value as an HCL literal (string, number, bool, null, list, map)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{_hcl_key(k)} = {hcl(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(hcl(v) for v in value) + "]"
    return hcl_string(str(value))


def ident(value: Any) -> str:
    """An HCL identifier (a block label's part, a `provider.alias` reference) written as is.

    Only a value that is an identifier passes; anything else (a space, a quote, `${`) is refused,
    since no quoting can make it a reference.
    """
    text = str(value)
    if not _HCL_IDENT.fullmatch(text):
        raise ValueError(f"{text!r} is not an HCL identifier (letters, digits, '_' and '-')")
    return text


def _hcl_key(key: Any) -> str:
    key = str(key)
    return key if _HCL_IDENT.match(key) else hcl_string(key)


def yaml(value: Any) -> str:
    """Render a value as a YAML flow literal; strings are double-quoted JSON (valid YAML)."""
    if isinstance(value, str):
        # GitHub Actions evaluates `${{` anywhere in a workflow; an answer must never do so.
        return _yaml_string(value).replace("${{", "${{ '${{' }}")
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{yaml(str(k))}: {yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml(v) for v in value) + "]"
    return yaml(str(value))


# What a YAML double-quoted scalar cannot hold as it is: `"`, `\\`, and anything outside YAML's
# printable set (C0, DEL, C1 and NEL, surrogates, U+FFFE/FFFF) or breaking a line (U+2028/2029).
# Listed, not as the complement of the printable ranges: that class takes 20 ms to compile.
_YAML_ESCAPED = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]')


def _yaml_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in '"\\':
        return "\\" + ch
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar; anything outside YAML's printable set is escaped."""
    return '"' + _YAML_ESCAPED.sub(_yaml_escape, text) + '"'


# Characters that would end a line somewhere: YAML (a `run: |` block), terminals, CI logs.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def sh(value: Any) -> str:
    """Quote a value as one shell word, always on one line.

    Text without control characters is `shlex.quote`d (POSIX). Text with a line break or another
    control character is ANSI-C quoted (`$'a\\nb'`: bash, zsh, busybox ash, dash 0.5.12+), so the
    word can sit in a YAML block scalar (`run: echo {{ v | sh }}`) without ending the block.
    """
    text = str(value)
    if not _LINE_BREAKING.search(text):
        return shlex.quote(text)
    return "$'" + "".join(_ansi_c(ch) for ch in text) + "'"


def _ansi_c(ch: str) -> str:
    if ch in "\\'":
        return "\\" + ch
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ch == "\r":
        return "\\r"
    if _LINE_BREAKING.fullmatch(ch):
        return "".join(f"\\x{b:02x}" for b in ch.encode())
    return ch


def comment(value: Any) -> str:
    """Text for a `#` comment of YAML, HCL or shell: one line, every line break escaped."""
    text = str(value).replace("\\", "\\\\")
    return _LINE_BREAKING.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def md(value: Any) -> str:
    """Make text safe inside a Markdown table cell or inline text."""
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return re.sub(r"([`*_<>\[\]])", r"\\\1", text)


# Characters a GitHub expression string literal may carry as they are: none of them can end the
# literal (`'`), the expression (`}}`) or the YAML plain or block scalar around it (`: `, ` #`, a
# line break); none of `,[]{}` either.
_GHA_PLAIN = re.compile(r"[A-Za-z0-9 _./+=@-]")


def gha_expr(value: Any) -> str:
    """Render a scalar as a literal of a GitHub Actions expression (`${{ … }}`, `if:`).

    A string of plain characters is single-quoted with `'` doubled (`'it''s'`). Any other string
    is `fromJSON('"…"')` with every other character written as a JSON `\\u` escape, so the
    output is one line of ASCII that no value can break out of, inside the expression or inside
    the YAML plain or block scalar holding it (`if: needs[{{ job | gha_expr }}].result`).
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return json.dumps(value)
    if isinstance(value, Mapping | list | tuple):
        raise TypeError("gha_expr takes a string, number, bool or null, not a collection")
    text = str(value)
    if all(ch == "'" or _GHA_PLAIN.fullmatch(ch) for ch in text):
        return "'" + text.replace("'", "''") + "'"
    return "fromJSON('\"" + "".join(_json_escape(ch) for ch in text) + "\"')"


def _json_escape(ch: str) -> str:
    if _GHA_PLAIN.fullmatch(ch):
        return ch
    units = ch.encode("utf-16-be")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))


FILTERS = {
    "hcl": hcl,
    "ident": ident,
    "yaml": yaml,
    "sh": sh,
    "md": md,
    "comment": comment,
    "gha_expr": gha_expr,
}
