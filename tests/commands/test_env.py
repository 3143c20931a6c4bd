"""`env add` and `env remove` over `update`, on the built-in pack, as real processes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from infrascaffold.errors import InfrascaffoldError
from infrascaffold.update.env_lifecycle import add_environment, free_cidr
from tests.builders import EXAMPLES
from tests.commands.test_update_lifecycle import run_cli


def test_free_cidr_skips_overlaps() -> None:
    assert free_cidr(["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"]) == "10.40.0.0/16"
    assert free_cidr(["10.0.0.0/9"]) == "10.130.0.0/16"


def test_add_refuses_a_duplicate_and_an_unknown_anchor() -> None:
    envs = [{"name": "dev", "cidr": "10.10.0.0/16"}]
    with pytest.raises(InfrascaffoldError, match="exists already"):
        add_environment(envs, "dev")
    with pytest.raises(InfrascaffoldError, match="no environment named 'qa'"):
        add_environment(envs, "uat", after="qa")


def test_env_add_after_dev_lands_in_promotion_order_everywhere(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    answers = EXAMPLES / "aws-containers.yml"
    assert run_cli("new", str(dest), "--answers", str(answers), "--no-input").returncode == 0
    done = run_cli(
        "env", "add", "qa", "--after", "dev", "--field", "account_id=444444444444",
        "--dir", str(dest),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    recorded = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    names = [e["name"] for e in recorded["environments"]]
    assert names == ["dev", "qa", "staging", "prod"]
    qa = recorded["environments"][1]
    taken = [e["cidr"] for e in recorded["environments"] if e["name"] != "qa"]
    assert qa["cidr"] not in taken and qa["protected"] is False
    assert (dest / "environments" / "qa.tfvars").is_file()
    assert (dest / "environments" / "qa.backend.hcl").is_file()
    for text in (
        "".join(p.read_text() for p in sorted((dest / ".github" / "workflows").glob("*.yml"))),
        (dest / "docs" / "INFRASTRUCTURE.md").read_text(),
    ):
        positions = [text.find(name) for name in ("dev", "qa", "staging", "prod")]
        assert -1 not in positions and positions == sorted(positions), positions
    # The pipeline diagram (mermaid) promotes dev → qa → staging.
    doc = (dest / "docs" / "INFRASTRUCTURE.md").read_text()
    assert doc.index('["plan-qa"]') < doc.index('["plan-staging"]')
    assert doc.index('["apply-dev"]') < doc.index('["apply-qa"]') < doc.index('["apply-staging"]')


def test_env_remove_refuses_until_the_state_is_destroyed(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    answers = EXAMPLES / "aws-containers.yml"
    assert run_cli("new", str(dest), "--answers", str(answers), "--no-input").returncode == 0
    refused = run_cli("env", "remove", "staging", "--dir", str(dest))
    assert refused.returncode == 2
    assert "destroyed/staging" in refused.stderr and "--force" in refused.stderr
    assert "Destroy" in refused.stdout  # the runbook's steps are printed
    assert (dest / "environments" / "staging.tfvars").is_file()
    marker = dest / ".infrascaffold" / "destroyed" / "staging"
    marker.parent.mkdir(parents=True)
    marker.touch()
    done = run_cli("env", "remove", "staging", "--dir", str(dest))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (dest / "environments" / "staging.tfvars").exists()
    recorded = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert [e["name"] for e in recorded["environments"]] == ["dev", "prod"]
