"""Each check against its passing and failing fixture (tests/fixtures/validate/<check>/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.repo import build_repo
from infrascaffold.validate.settings import load_settings
from infrascaffold.validate.validation import CHECKS, read_tree

FIXTURES = Path(__file__).parents[1] / "fixtures" / "validate"

# check → the findings of its failing fixture, as "path:line: [id] severity"
FAILING: dict[str, list[str]] = {
    "syntax": [
        "config.yaml:4: [yaml-syntax] error",
        "dev.tfvars:2: [hcl-syntax] error",
        "main.tf:4: [hcl-duplicate] error",
        "unclosed.hcl:3: [hcl-syntax] error",
    ],
    "references": [
        "main.tf:6: [duplicate-declaration] error",
        "main.tf:12: [undeclared-reference] error",
        "main.tf:16: [undeclared-reference] error",
        "main.tf:17: [each-outside-for-each] error",
        "main.tf:21: [undeclared-reference] error",
        "main.tf:22: [undeclared-reference] error",
        "main.tf:26: [count-outside-count] error",
        "main.tf:32: [undeclared-reference] error",
    ],
    "module-calls": [
        "main.tf:1: [module-missing-argument] error",
        "main.tf:4: [module-unknown-argument] error",
        "main.tf:8: [module-source] error",
        "main.tf:13: [module-unknown-output] error",
    ],
    "provider-schemas": [
        "main.tf:1: [schema-unknown-type] error",
        "main.tf:5: [schema-not-vendored] warning",
        "main.tf:13: [schema-missing-argument] error",
        "main.tf:16: [schema-missing-argument] error",
        "main.tf:20: [schema-unknown-argument] error",
        "main.tf:25: [schema-missing-argument] error",
        "main.tf:26: [schema-unknown-argument] error",
    ],
    "conventions": [
        "main.tf:1: [variable-type] warning",
        "main.tf:10: [output-description] warning",
        "modules/db/main.tf:1: [required-version] warning",
        "modules/db/main.tf:1: [variable-description] warning",
        "versions.tf:1: [backend] warning",
        "versions.tf:5: [provider-version] warning",
    ],
    "environments": [
        "environments/prod.tfvars:1: [tfvars-missing-variable] error",
        "environments/prod.tfvars:5: [tfvars-unknown-variable] error",
        "environments/staging.tfvars:1: [env-keys-differ] warning",
    ],
    "environment-cidrs": [
        "environments/prod.tfvars:2: [env-cidr-overlap] error",
    ],
    "ci-files": [
        ".github/workflows/ci.yml:9: [ci-needs] error",
        ".github/workflows/ci.yml:11: [ci-schema] error",
        ".gitlab-ci.yml:10: [ci-needs] error",
        ".gitlab-ci.yml:13: [ci-schema] error",
    ],
    "secrets": [
        "deploy.yml:2: [secret] error",
        "id_rsa.md:3: [secret] error",
        "main.tf:4: [secret] error",
        "main.tf:9: [secret] error",
        "main.tf:15: [secret] error",
    ],
    "k8s-manifests": [
        "k8s/base/job.yaml:1: [k8s-kind-not-vendored] warning",
        "k8s/base/rollout.yaml:16: [k8s-schema] error",
        "k8s/base/service.yaml:7: [k8s-schema] error",
        "k8s/overlays/prod/kustomization.yaml:6: [k8s-patch-target] error",
    ],
}
FIXTURE_OF = {"environment-cidrs": "environments"}  # two checks share one pair of fixtures


def run_check(check: str, case: str, cache: Path) -> list[Finding]:
    folder = FIXTURES / FIXTURE_OF.get(check, check) / case
    findings = CHECKS[check](build_repo(read_tree(folder), cache, load_settings(folder)))
    return sorted(findings, key=lambda f: (f.path, f.line, f.check))


def summary(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}: [{finding.check}] {finding.severity}"


def test_every_check_has_fixtures() -> None:
    assert sorted(FAILING) == sorted(CHECKS)


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_passing_fixture_has_no_findings(check: str, parse_cache: Path) -> None:
    assert [f.format_text() for f in run_check(check, "pass", parse_cache)] == []


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_failing_fixture_has_the_expected_findings(check: str, parse_cache: Path) -> None:
    assert [summary(f) for f in run_check(check, "fail", parse_cache)] == FAILING[check]


@pytest.mark.parametrize("case", ["pass", "fail"])
@pytest.mark.parametrize("check", sorted(set(CHECKS) - set(FIXTURE_OF)))
def test_fixtures_show_no_other_check_errors(check: str, case: str, parse_cache: Path) -> None:
    """A fixture exercises its own check: other checks find no errors in it."""
    folder = FIXTURES / check / case
    repo = build_repo(read_tree(folder), parse_cache, load_settings(folder))
    own = {check, *(k for k, v in FIXTURE_OF.items() if v == check)}
    others = [
        f.format_text()
        for name, other in CHECKS.items()
        if name not in own and name != "conventions"
        for f in other(repo)
        if f.severity == "error"
    ]
    assert others == []
