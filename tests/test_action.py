"""The project's GitHub composite action (`action.yml`): schema-valid, pinned, and its command
step run for real against renders (validate findings as annotations, update --check as a gate)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.builders import ROOT, run_step
from tests.commands.test_update_lifecycle import run_cli

ACTION = ROOT / "action.yml"
BIN = Path(sys.executable).parent


def action() -> dict[str, object]:
    loaded = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def steps() -> list[dict[str, object]]:
    runs = action()["runs"]
    assert isinstance(runs, dict)
    return list(runs["steps"])


def run_command(
    directory: Path, command: str, strict: str = "false"
) -> subprocess.CompletedProcess[str]:
    """The action's command step, as the runner runs a composite `shell: bash` step, from the
    workspace (DIRECTORY's parent) with a workspace-relative directory."""
    return run_step(
        str(steps()[-1]["run"]), directory.parent, COMMAND=command, DIRECTORY=directory.name,
        STRICT=strict, INFRASCAFFOLD=str(BIN / "infrascaffold"),  # the install step's GITHUB_ENV
    )  # fmt: skip


def test_the_action_matches_github_s_schema() -> None:
    checker = BIN / "check-jsonschema"
    if not checker.exists():
        pytest.skip("check-jsonschema is not installed")
    done = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_step_is_pinned_and_installs_the_action_s_own_ref() -> None:
    uses = [str(step["uses"]) for step in steps() if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses)
    text = ACTION.read_text(encoding="utf-8")
    assert all(f"{u} # v" in text for u in uses)
    install = str(steps()[1]["run"])
    assert '"$GITHUB_ACTION_PATH"' in install and "-m venv" in install
    # the caller's Python stays the caller's
    assert steps()[0]["with"]["update-environment"] is False  # type: ignore[index]
    # inputs reach the shell through the environment, never as expressions in the script
    assert all("${{" not in str(step.get("run", "")) for step in steps())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("action") / "infra"
    done = run_cli("new", str(dest), "--example", "aws-containers", "--no-input")
    assert done.returncode == 0, done.stderr
    return dest


def test_validate_passes_a_render_and_annotates_a_broken_one(
    rendered: Path, tmp_path: Path
) -> None:
    good = run_command(rendered, "validate")
    assert good.returncode == 0, good.stdout + good.stderr
    broken = tmp_path / "broken"
    shutil.copytree(rendered, broken)
    main = broken / "main.tf"
    main.write_text(main.read_text() + '\noutput "x" {\n  value = module.nowhere.id\n}\n')
    bad = run_command(broken, "validate")
    assert bad.returncode == 1
    # workspace-relative paths, which GitHub needs to place the annotation on the file
    assert re.search(r"^::error file=broken/main\.tf,line=\d+,", bad.stdout, re.M), bad.stdout


def test_update_check_fails_a_stale_folder(rendered: Path, tmp_path: Path) -> None:
    fresh = run_command(rendered, "update-check")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    stale = tmp_path / "stale"
    shutil.copytree(rendered, stale)
    record = stale / ".infrascaffold" / "pack.yaml"  # rendered by an older release of the pack
    record.write_text(record.read_text().replace("version: ", "version: 0.0.1\n# was ", 1))
    done = run_command(stale, "update-check")
    assert done.returncode == 1 and "0.0.1 →" in done.stdout, done.stdout + done.stderr


def test_an_unknown_command_is_an_error(rendered: Path) -> None:
    done = run_command(rendered, "deploy")
    assert done.returncode == 2 and done.stdout.startswith("::error::")
