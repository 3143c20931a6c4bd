"""The update scenario on the built-in pack: new → edits → add an environment → check clean."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from infrascaffold.cli import cli
from infrascaffold.update.lines import has_conflict_markers
from tests.builders import EXAMPLES


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def infra(tmp_path: Path) -> Path:
    dest = tmp_path / "repo" / "infra"
    code, _, err = invoke(
        "new", str(dest), "--answers", str(EXAMPLES / "aws-containers.yml"), "--no-input"
    )
    assert code == 0, err
    return dest


def test_edits_are_kept_and_a_new_environment_appears_everywhere(infra: Path) -> None:
    network = infra / "modules" / "network" / "main.tf"
    network.write_text(
        network.read_text() + "\n# Team note: peering with the shared VPC is planned.\n"
    )
    dev = infra / "environments" / "dev.tfvars"
    dev.write_text(
        dev.read_text().replace(
            'alert_email        = "ops@example.com"',
            'alert_email        = "dev-oncall@example.com"',
        )
    )
    assert "dev-oncall@example.com" in dev.read_text()

    code, out, err = invoke(
        "update",
        str(infra),
        "--set",
        "environments.3.name=qa",
        "--set",
        "environments.3.cidr=10.40.0.0/16",
        "--set",
        "environments.3.account_id=444444444444",
    )
    assert code == 0, out + err

    assert "# Team note: peering with the shared VPC is planned." in network.read_text()
    assert "dev-oncall@example.com" in dev.read_text()
    assert (infra / "environments" / "qa.tfvars").is_file()
    assert (infra / "environments" / "qa.backend.hcl").is_file()
    workflows = "".join(p.read_text() for p in (infra / ".github" / "workflows").glob("*.yml"))
    assert "qa" in workflows
    assert "| qa |" in (infra / "docs" / "INFRASTRUCTURE.md").read_text()
    assert not any(
        has_conflict_markers(p.read_text())
        for p in infra.rglob("*")
        if p.is_file() and ".infrascaffold" not in p.parts
    )
    recorded = yaml.safe_load((infra / ".infrascaffold" / "answers.yaml").read_text())
    assert [e["name"] for e in recorded["environments"]] == ["dev", "staging", "prod", "qa"]

    assert invoke("update", str(infra), "--check") == (0, "up to date\n", "")
    assert invoke("validate", str(infra))[0] == 0


def test_unchanged_answers_change_nothing(infra: Path) -> None:
    before = {p: p.read_bytes() for p in infra.rglob("*") if p.is_file()}
    code, out, _ = invoke("update", str(infra))
    assert code == 0 and "nothing to change" in out
    assert {p: p.read_bytes() for p in infra.rglob("*") if p.is_file()} == before


def test_changed_strategy_supersedes_its_decision_record(infra: Path) -> None:
    code, _, err = invoke("update", str(infra), "--set", "deploy_strategy=canary")
    assert code == 0, err
    old = (infra / "docs" / "adr" / "0005-deploy-strategy.md").read_text()
    new = (infra / "docs" / "adr" / "0007-deploy-strategy.md").read_text()  # 0006: regions
    assert old.startswith("---\nstatus: superseded")
    assert "# 0005. Deployment strategy: rolling" in old
    assert new.startswith("---\nstatus: accepted")
    assert "# 0007. Deployment strategy: canary" in new
    assert "Supersedes [ADR-0005](0005-deploy-strategy.md)" in new
