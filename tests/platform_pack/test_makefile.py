"""The generated Makefile's `bootstrap` target runs what docs/runbooks/bootstrap.md shows, asks
before applying, and follows the bootstrap state once it has moved into the bucket."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.builders import example_answers, render_answers, write_tree_to

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

FAKE_TERRAFORM = '#!/bin/sh\necho "terraform $*" >> "$TF_LOG_FILE"\n'


def runbook_apply_block(runbook: str) -> list[str]:
    """The Terraform commands of the runbook's "Apply the bootstrap stack" step (signing in to the
    cloud before them is the user's)."""
    step = runbook.split("### Apply the bootstrap stack", 1)[1]
    block = re.search(r"```bash\n(.*?)```", step, re.S)
    assert block, "the step has a bash block"
    lines = block.group(1).splitlines()
    return [" ".join(line.split()) for line in lines if line.startswith(("terraform ", "sed "))]


def make_dry_run(infra: Path) -> list[str]:
    """The commands `make bootstrap` runs, but the confirmation."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "bootstrap", "TERRAFORM=terraform"],
        cwd=infra,
        capture_output=True,
        text=True,
        check=True,
    )
    return [" ".join(line.split()) for line in done.stdout.splitlines() if "printf" not in line]


def make_bootstrap(infra: Path, tmp_path: Path, reply: str) -> tuple[int, list[str], str]:
    fake = tmp_path / "terraform"
    fake.write_text(FAKE_TERRAFORM, encoding="utf-8")
    fake.chmod(0o755)
    log = tmp_path / "calls.log"
    log.write_text("", encoding="utf-8")
    done = subprocess.run(
        ["make", "--no-print-directory", "bootstrap", "TERRAFORM=terraform"],
        cwd=infra,
        input=reply,
        capture_output=True,
        text=True,
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", "TF_LOG_FILE": str(log)},
        timeout=60,
        check=False,
    )
    return done.returncode, log.read_text(encoding="utf-8").splitlines(), done.stderr


@pytest.mark.parametrize("example", ["aws-containers", "gcp-containers", "azure-containers"])
def test_make_bootstrap_is_the_runbook_step(example: str, tmp_path: Path) -> None:
    infra = write_tree_to(tmp_path / "infra", render_answers(example_answers(example)))
    runbook = (infra / "docs/runbooks/bootstrap.md").read_text(encoding="utf-8")
    assert make_dry_run(infra) == runbook_apply_block(runbook)


def test_make_bootstrap_applies_after_a_yes(tmp_path: Path) -> None:
    infra = write_tree_to(tmp_path / "infra", render_answers(example_answers("gcp-containers")))
    code, calls, _ = make_bootstrap(infra, tmp_path, "y\n")
    assert code == 0
    assert calls[-1] == "terraform -chdir=bootstrap apply bootstrap.tfplan"


def test_make_bootstrap_applies_nothing_without_a_yes(tmp_path: Path) -> None:
    infra = write_tree_to(tmp_path / "infra", render_answers(example_answers("aws-containers")))
    code, calls, stderr = make_bootstrap(infra, tmp_path, "\n")
    assert code != 0
    assert "not applied" in stderr
    assert not any(" apply" in call for call in calls)
    assert calls[-1] == "terraform -chdir=bootstrap plan -out=bootstrap.tfplan"


def test_make_bootstrap_reads_the_bucket_once_the_state_moved(tmp_path: Path) -> None:
    infra = write_tree_to(tmp_path / "infra", render_answers(example_answers("gcp-containers")))
    backend = infra / "bootstrap/backend.tf"
    backend.write_text(backend.read_text().replace('backend "local"', 'backend "gcs"'))
    _, calls, _ = make_bootstrap(infra, tmp_path, "n\n")
    assert calls[0] == "terraform -chdir=bootstrap init -backend-config=backend.hcl"
