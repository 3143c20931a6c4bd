"""Check 8: no literal credentials in any file.

Line by line: AWS access key ids, private key blocks, and quoted literals assigned to names
ending in password, secret, token or key-like words (`password = "..."`, `api_token: "..."`);
values that are interpolations (`"${var.x}"`, `"${{ secrets.X }}"`) are references, not secrets.
In Terraform, a variable named like a credential must not have a literal default.

Literal credentials are looked for in code only: not in comment lines, not in Markdown outside
fenced code blocks; obvious placeholders (`XXX`, `<password>`, `example`, `changeme`, ...) are
not credentials. Access key ids and private keys are looked for everywhere.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.repo import Repo

SECRET = "secret"
CREDENTIAL_WORD = r"(?:password|passwd|secret|token|api_?key|access_?key|private_?key)"
ACCESS_KEY = re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")
# Searched in the lower-cased text (an ignore-case search is ten times slower): a name ending in
# a credential word, `=` (or `:` outside HCL, where `:` is a `for` or conditional), then a
# quoted literal that is no reference (`"${...}"`, `"%{...}"`, `"$SHELL_VARIABLE"`).
_VALUE = r"[ \t]*\"(?!\$)(?![^\"\n]*[$%]\{)(?P<value>[^\"\s]{8,})\""
HCL_CREDENTIAL = re.compile(rf"{CREDENTIAL_WORD}[ \t]*={_VALUE}")
OTHER_CREDENTIAL = re.compile(rf"{CREDENTIAL_WORD}[\"']?[ \t]*[=:]{_VALUE}")
# values that stand for a credential someone fills in, lower-cased: placeholder words, the
# credential's own name (`mySecret`, `SuperSecretPassw0rd`), expressions
PLACEHOLDER = re.compile(
    r"xxx|^<.*>$|\{\{|example|change_?-?me|placeholder|dummy|redacted|your|^my|mock|fake"
    r"|sample|replace|\*\*\*|^\.\.\.|todo|fixme|^test|foo|bar"
    r"|passw|pwd|secret|token|key"
    r"|^\[.*\]$"  # an ARM template expression: `[parameters('domainPassword')]`
)
MARKDOWN_MIN_LENGTH = 16  # shorter values in a README's code block are made up for the example
_COMMENT_STARTS = ("#", "//", ";", "/*", "*")
HCL_SUFFIXES = (".tf", ".tfvars", ".tfbackend", ".hcl")
CREDENTIAL_VARIABLE = re.compile(rf"(?i)^[\w-]*{CREDENTIAL_WORD}$")
EXAMPLE_SUFFIX = "EXAMPLE"  # AWS documents its sample keys with this suffix
# Configuration and documentation; program source is for code scanners, not for this check.
SCANNED_SUFFIXES = (
    *(".tf", ".tfvars", ".tfbackend", ".hcl", ".yml", ".yaml", ".json", ".toml"),
    *(".md", ".sh", ".env", ".ini", ".cfg", ".conf", ".properties"),
)


def check(repo: Repo) -> Iterator[Finding]:
    """Literal credentials in every file, and credential variables with literal defaults."""
    for path, text in repo.files.items():
        if path.endswith(SCANNED_SUFFIXES) or posixpath.basename(path).startswith(".env"):
            yield from _scan_text(path, text)
    for module in repo.modules.values():
        for path, block in module.top_blocks("variable"):
            default = block.body.attr("default")
            name = block.labels[0] if block.labels else ""
            if (
                default is not None
                and isinstance(default.value, str)
                and default.value
                and CREDENTIAL_VARIABLE.match(name)
            ):
                message = f"variable {name!r} has a literal default: pass credentials at apply time"
                yield Finding(SECRET, path, default.line, message)


def _scan_text(path: str, text: str) -> Iterator[Finding]:
    """One finding per line that holds a credential."""
    reported: set[int] = set()
    for line, what in _matches(text, path.endswith(HCL_SUFFIXES), path.endswith(".md")):
        if line not in reported:
            reported.add(line)
            yield Finding(SECRET, path, line, f"{what} is written in the file")


def _matches(text: str, hcl: bool, markdown: bool) -> Iterator[tuple[int, str]]:
    for match in ACCESS_KEY.finditer(text):
        start = match.start()
        boundary = start == 0 or not text[start - 1].isalnum()
        if boundary and not match.group(0).endswith(EXAMPLE_SUFFIX):
            yield _line(text, start), "an AWS access key id"
    for match in PRIVATE_KEY.finditer(text):
        yield _line(text, match.start()), "a private key"
    lowered = text.lower()
    pattern = HCL_CREDENTIAL if hcl else OTHER_CREDENTIAL
    if pattern.search(lowered) is None:  # most files: no need to blank their comments first
        return
    # A match never spans lines, so blanking comment lines only drops the matches on them.
    lowered = code_only(lowered, markdown)
    for match in pattern.finditer(lowered):
        value = match.group("value")
        if markdown and len(value) < MARKDOWN_MIN_LENGTH or PLACEHOLDER.search(value):
            continue
        yield _line(lowered, match.start()), "a literal credential"


def code_only(text: str, markdown: bool) -> str:
    """`text` with comment lines (and, in Markdown, lines outside fenced code) blanked."""
    kept: list[str] = []
    fenced = False
    for line in text.split("\n"):
        stripped = line.lstrip()
        if markdown and stripped.startswith(("```", "~~~")):
            fenced = not fenced
            kept.append("")
        elif (markdown and not fenced) or stripped.startswith(_COMMENT_STARTS):
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
