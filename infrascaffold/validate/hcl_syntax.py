"""Terraform's own verdict on HCL syntax: HashiCorp's `hashicorp/hcl` parser through `pygohcl`.

`pygohcl` is the syntax authority: what it accepts is valid (and only that text is modelled, by
`hcl_scan`), and its diagnostics carry Terraform's positions (`line,column`) and wording. A file
it rejects has no model: a syntax error is reported once, where Terraform reports it, not as
knock-on errors elsewhere.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from infrascaffold.validate.hcl_doc import HCL_DUPLICATE, HCL_SYNTAX, Problem

# `invalid HCL: tmp.hcl:3,3-4: Summary; Detail., tmp.hcl:4,7-5,1: Summary; Detail.`
_DIAGNOSTIC = re.compile(
    r"tmp\.hcl:(\d+),(\d+)(?:-[\d,]+)?: ([^;]*?)(?:; (.*?))?(?=, tmp\.hcl:\d|\Z)", re.S
)
_OTHER_POSITION = re.compile(r"tmp\.hcl:(\d+),\d+(?:-[\d,]+)?")
_REDEFINED = "Attribute redefined"


def syntax_problems(text: str) -> list[Problem]:
    """Terraform's syntax errors in `text` (empty when it parses), each at its line and column.

    "Attribute redefined" is an `hcl-duplicate` problem; everything else is `hcl-syntax`.

    Only the verdict is wanted, so the text goes to pygohcl's `ParseAttributes`, not `loadb`:
    both parse with `hclsyntax.ParseConfig` and word a syntax error alike ("invalid HCL: ..."),
    but `Parse` then converts every block to JSON (and `loadb` decodes it), a third of the Go
    time and all of the Python time of a verdict. `ParseAttributes` converts only top-level
    attributes, and what it says about blocks there ("Blocks are not allowed here") is not a
    syntax error. A panic on the Go side is judged by `loadb` again, as before.
    """
    pygohcl = go_parser()
    data = text.encode("utf-8", "surrogatepass")
    error = _attributes_error(pygohcl, data)
    if error is not None and error.startswith(_PANICKED):
        return _loadb_problems(pygohcl, data, text)
    if error is None or not error.startswith(_PARSE_FAILED):
        return []  # parsed (a diagnostic about top-level values is no syntax error)
    return _problems(error, text)


_PARSE_FAILED = "invalid HCL: "  # how pygohcl words the parser's own diagnostics
_PANICKED = "panic HCL"


def _attributes_error(pygohcl: Any, data: bytes) -> str | None:
    """What `ParseAttributes` says about `data`: "invalid HCL: ..." when it does not parse."""
    ffi, lib = pygohcl.ffi, pygohcl.lib
    result = lib.ParseAttributes(ffi.new("char[]", data))
    error: str | None = None
    if result.err != ffi.NULL:
        error = ffi.string(result.err).decode("utf8")
        lib.FreePtr(result.err)
    if result.json != ffi.NULL:
        lib.FreePtr(result.json)
    return error


def _loadb_problems(pygohcl: Any, data: bytes, text: str) -> list[Problem]:
    try:
        pygohcl.loadb(data)
    except pygohcl.HCLParseError as exc:
        return _problems(str(exc), text)
    except pygohcl.HCLInternalError as exc:  # the Go side failed to encode a valid parse
        return [Problem(HCL_SYNTAX, 1, f"HCL parser error: {exc}")]
    return []


@functools.cache
def go_parser() -> Any:
    """The `pygohcl` module, imported when first needed.

    Importing it starts the Go runtime's threads: a process that has it must never fork (a
    forked child hangs in the Go runtime), so parse workers are started by a fork server
    (`parse_cache`) and import it themselves.
    """
    import pygohcl

    return pygohcl


def _problems(error: str, text: str) -> list[Problem]:
    problems: list[Problem] = []
    last_line = max(1, len(text.splitlines()))
    for match in _DIAGNOSTIC.finditer(error):
        line, column = min(int(match.group(1)), last_line), int(match.group(2))
        summary, detail = match.group(3).strip(), (match.group(4) or "").strip()
        check = HCL_DUPLICATE if summary == _REDEFINED else HCL_SYNTAX
        message = f"{summary}: {detail}" if detail else summary
        problems.append(Problem(check, line, _OTHER_POSITION.sub(r"line \1", message), column))
    if not problems:
        problems.append(Problem(HCL_SYNTAX, 1, error.removeprefix("invalid HCL: ")))
    return problems


def only_duplicates(problems: list[Problem]) -> bool:
    """Whether every problem is a redefined attribute (the rest of the file is well formed)."""
    return all(problem.check == HCL_DUPLICATE for problem in problems)
