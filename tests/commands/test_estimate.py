"""`new|update --estimate FILE`: recorded with the answers, re-applied by `update`, replaced by
`update --estimate`; a bad file is one line naming the file and key, exit 2, nothing written.

Run as users run it (the console entry point in a subprocess).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.builders import example_answers


def run_cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "infrascaffold", *args],
        capture_output=True, text=True, env=env, cwd=tmp, timeout=300, check=False,
    )  # fmt: skip


def answers_file(tmp: Path) -> Path:
    path = tmp / "answers.yml"
    path.write_text(yaml.safe_dump(example_answers("aws-services")), encoding="utf-8")
    return path


def estimate_file(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_new_records_the_estimate_and_update_re_applies_then_replaces_it(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    first = estimate_file(tmp_path, "first.yml", "services:\n  api: {rps: 300}\n")
    args = ["--answers", str(answers_file(tmp_path)), "--estimate", str(first), "--no-input"]
    done = run_cli(tmp_path, "new", str(infra), *args)
    assert done.returncode == 0, done.stderr
    # node 100 requests/s per vCPU x 0.5 vCPU (medium): 300 -> 6 tasks in staging
    assert '"api" = { cpu = 512, memory = 1024, min_count = 6, max_count = 6 }' in (
        infra / "environments/staging.tfvars"
    ).read_text(encoding="utf-8")
    check = run_cli(tmp_path, "update", str(infra), "--no-input", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    second = estimate_file(tmp_path, "second.yml", "services:\n  api: {rps: 100}\n")
    done = run_cli(tmp_path, "update", str(infra), "--no-input", "--estimate", str(second))
    assert done.returncode == 0, done.stderr
    assert "min_count = 2, max_count = 6" in (infra / "environments/staging.tfvars").read_text(
        encoding="utf-8"
    )


def test_a_bad_estimate_file_is_one_line_exit_2_and_nothing_written(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    bad = estimate_file(tmp_path, "bad.yml", "services:\n  api: {rps: fast}\n")
    done = run_cli(tmp_path, "new", str(infra), "--answers", str(answers_file(tmp_path)),
                   "--estimate", str(bad), "--no-input")  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"error: {bad}: services.api.rps: 'fast' is not a whole number from 0 to 1000000"
    )
    assert not infra.exists() or not any(infra.iterdir())


def test_an_estimate_of_a_service_that_is_not_http_names_the_file_and_key(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    bad = estimate_file(tmp_path, "bad.yml", "services:\n  worker: {rps: 5}\n")
    done = run_cli(tmp_path, "new", str(infra), "--answers", str(answers_file(tmp_path)),
                   "--estimate", str(bad), "--no-input")  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: {bad}: services.worker: worker is not an http service (the estimate sizes those: api)"
    )
    assert not infra.exists() or not any(infra.iterdir())
