"""The base bundle: a render's files in one line-oriented text (`.infrascaffold/base.txt`).

Pure: `dump_bundle` turns a mapping of render paths to texts into the bundle, `parse_bundle`
reads it back (`parse_bundle(dump_bundle(files)) == files` for every mapping of valid paths) or
raises `BundleError` naming the bundle's line. The layout keeps a git diff of the record
readable: a header line per file, then its lines verbatim.

    # infrascaffold base v1: ...
    === "envs/dev/main.tf" 2 lines
    locals {
    }
    === "VERSION" 1 line, no final newline
    1.2.3

The path is a JSON string (any character can be written, and a path is never confused with a
count); the count says how many lines follow, so a file's line that looks like a header is read
as text. A file is split on "\\n" only: "\\r" and every other line separator stay in its lines.
An empty file is `0 lines`. Files come in path order, so one file's change is one hunk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

MAGIC = "# infrascaffold base v1"
FIRST_LINE = (
    f"{MAGIC}: the pristine render, the base of `infrascaffold update`'s 3-way merge "
    "(written by the tool; do not edit)"
)
HEADER = "=== "
_COUNT = re.compile(r" (0|[1-9][0-9]{0,9}) lines?(, no final newline)?")


class BundleError(ValueError):
    """The bundle is damaged: `line` (1-based) and `reason` say where and how."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


def valid_path(path: str) -> bool:
    """A render path: relative POSIX, no empty, `.` or `..` segment, no NUL, UTF-8 encodable."""
    if not path or "\x00" in path:
        return False
    if any(part in ("", ".", "..") for part in path.split("/")):
        return False
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def dump_bundle(files: Mapping[str, str]) -> str:
    """The bundle of `files` (render path → text), in path order; ValueError on a bad path."""
    out = [FIRST_LINE, "\n"]
    for path in sorted(files):
        if not valid_path(path):
            raise ValueError(f"not a render path: {path!r}")
        text = files[path]
        lines = text.split("\n")
        final = lines[-1] == ""
        if final:
            lines.pop()
        count = len(lines)
        unit = "line" if count == 1 else "lines"
        tail = "" if final else ", no final newline"
        out.append(f"{HEADER}{json.dumps(path, ensure_ascii=False)} {count} {unit}{tail}\n")
        for line in lines:
            out.append(line)
            out.append("\n")
    return "".join(out)


def parse_bundle(bundle: str) -> dict[str, str]:
    """The files of a bundle; `BundleError` (with its line number) for anything else."""
    lines = bundle.split("\n")
    if lines[-1] != "":
        raise BundleError(len(lines), "the bundle does not end with a newline (cut short?)")
    lines.pop()
    if not lines or not lines[0].startswith(MAGIC):
        raise BundleError(1, f"does not start with {MAGIC!r}")
    files: dict[str, str] = {}
    at = 1
    while at < len(lines):
        path, count, final = _header(lines[at], at + 1)
        if path in files:
            raise BundleError(at + 1, f"{path!r} comes twice")
        body = lines[at + 1 : at + 1 + count]
        if len(body) < count:
            raise BundleError(
                len(lines), f"{path!r} should have {count} line(s); the bundle ends first"
            )
        files[path] = "\n".join(body) + ("\n" if final and count else "")
        at += 1 + count
    return files


def _header(line: str, number: int) -> tuple[str, int, bool]:
    """A file's header line: its path, line count and whether it ends with a newline."""
    if not line.startswith(HEADER + '"'):
        raise BundleError(number, f'expected a file header ({HEADER}"path" N lines)')
    try:
        path, end = json.JSONDecoder().raw_decode(line, len(HEADER))
    except ValueError as exc:
        raise BundleError(number, f"the path is not a JSON string: {exc}") from exc
    if not isinstance(path, str) or not valid_path(path):
        raise BundleError(number, f"not a render path: {line[len(HEADER) : end]}")
    match = _COUNT.fullmatch(line, end)
    if match is None:
        raise BundleError(number, 'expected " N lines" (", no final newline") after the path')
    count, final = int(match[1]), match[2] is None
    if count == 0 and not final:
        raise BundleError(number, "an empty file has no line to lack a newline")
    return path, count, final
