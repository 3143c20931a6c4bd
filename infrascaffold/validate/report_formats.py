"""Findings in the formats CI systems read: JSON, SARIF 2.1.0, GitHub annotations, GitLab Code
Quality. One function per format, chosen by name in `FORMATS`.

Machine formats name files relative to the repository: `prefix` (the validated folder as given on
the command line, `""` for `.`) is put before each finding's path.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Callable, Sequence

from infrascaffold import __version__
from infrascaffold.validate.catalogue import CATALOGUE
from infrascaffold.validate.findings import Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_CODE_QUALITY_SEVERITY = {"error": "major", "warning": "minor"}


def _path(prefix: str, finding: Finding) -> str:
    return posixpath.join(prefix, finding.path) if prefix else finding.path


def as_json(findings: Sequence[Finding], prefix: str) -> str:
    """A JSON list of the findings (paths relative to the validated folder)."""
    return json.dumps([finding.as_dict() for finding in findings], indent=2)


def as_sarif(findings: Sequence[Finding], prefix: str) -> str:
    """One SARIF 2.1.0 run, for GitHub code scanning and other SARIF readers."""
    rules = [
        {
            "id": info.id,
            "name": info.id,
            "shortDescription": {"text": info.summary},
            "defaultConfiguration": {"level": info.severity},
            "properties": {"group": info.group},
        }
        for info in CATALOGUE
    ]
    index = {info.id: number for number, info in enumerate(CATALOGUE)}
    results = [_sarif_result(finding, prefix, index) for finding in findings]
    driver = {
        "name": "infrascaffold",
        "version": __version__,
        "rules": rules,
    }
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(log, indent=2)


def _sarif_result(finding: Finding, prefix: str, index: dict[str, int]) -> dict[str, object]:
    region: dict[str, int] = {"startLine": max(1, finding.line)}
    if finding.column > 0:
        region["startColumn"] = finding.column
    result: dict[str, object] = {
        "ruleId": finding.check,
        "level": finding.severity,
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _path(prefix, finding), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": _fingerprint(finding, prefix)},
    }
    if finding.check in index:
        result["ruleIndex"] = index[finding.check]
    return result


def as_github(findings: Sequence[Finding], prefix: str) -> str:
    """GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding."""
    lines = []
    for finding in findings:
        properties = f"file={_property(_path(prefix, finding))},line={max(1, finding.line)}"
        if finding.column > 0:
            properties += f",col={finding.column}"
        properties += f",title={_property(finding.check)}"
        lines.append(f"::{finding.severity} {properties}::{_data(finding.message)}")
    return "\n".join(lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def as_gitlab(findings: Sequence[Finding], prefix: str) -> str:
    """A GitLab Code Quality report (the `artifacts:reports:codequality` JSON)."""
    seen: dict[str, int] = {}
    issues = []
    for finding in findings:
        fingerprint = _fingerprint(finding, prefix)
        seen[fingerprint] = seen.get(fingerprint, 0) + 1
        if seen[fingerprint] > 1:  # the same finding twice in one file: GitLab wants each once
            fingerprint = _fingerprint(finding, prefix, seen[fingerprint])
        issues.append(_code_quality_issue(finding, prefix, fingerprint))
    return json.dumps(issues, indent=2)


def _code_quality_issue(finding: Finding, prefix: str, fingerprint: str) -> dict[str, object]:
    return {
        "description": f"[{finding.check}] {finding.message}",
        "check_name": finding.check,
        "fingerprint": fingerprint,
        "severity": _CODE_QUALITY_SEVERITY[finding.severity],
        "location": {"path": _path(prefix, finding), "lines": {"begin": max(1, finding.line)}},
    }


def _fingerprint(finding: Finding, prefix: str, occurrence: int = 1) -> str:
    """Stable across runs while the finding stays (its line may move: not part of it)."""
    key = "\0".join((finding.check, _path(prefix, finding), finding.message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


FORMATS: dict[str, Callable[[Sequence[Finding], str], str]] = {
    "json": as_json,
    "sarif": as_sarif,
    "github": as_github,
    "gitlab": as_gitlab,
}
