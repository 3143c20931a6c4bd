"""The interview, driven in a real pseudo-terminal."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

EXE = Path(sys.executable).with_name("infrascaffold")
DOWN, ENTER, CTRL_U, CTRL_C = "\x1b[B", "\r", "\x15", "\x03"

pytestmark = pytest.mark.skipif(
    not EXE.exists() or os.name != "posix", reason="needs the installed CLI"
)


def spawn(*args: str) -> pexpect.spawn:
    env = {
        "TERM": "xterm",
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    child = pexpect.spawn(
        str(EXE), list(args), encoding="utf-8", timeout=30, dimensions=(40, 160), env=env
    )
    return child


def answer(child: pexpect.spawn, prompt: str, keys: str = ENTER) -> None:
    child.expect(prompt)
    time.sleep(0.15)  # let the prompt finish drawing before typing, as a person would
    child.send(keys)


def test_interview_reasks_invalid_answers_and_edits_environments(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    child = spawn("new", str(dest))
    answer(child, r"Project name", "Bad!" + ENTER)
    child.expect("lowercase slug")  # the reason, shown under the prompt; the answer is asked again
    child.send(CTRL_U + "shop" + ENTER)
    answer(child, r"Owning team")
    answer(child, r"Cloud provider")
    answer(child, r"How the application runs")
    answer(child, r"Relational database")
    answer(child, r"Cache")
    answer(child, r"CI/CD system")
    answer(child, r"Repository path", CTRL_U * 3 + "acme/shop-infra" + ENTER)
    answer(child, r"Deployment strategy", DOWN + DOWN + ENTER)  # canary
    # The default environments' prod is protected: it needs a domain and an alert e-mail.
    answer(child, r"DNS domain", "example.com" + ENTER)
    answer(child, r"E-mail address", "oncall@example.com" + ENTER)
    for n in range(3):  # AWS: each environment's own account (no default)
        answer(child, r"AWS account ID of the environment", f"{n + 1}" * 12 + ENTER)
    child.expect(r"#2 prod")
    answer(child, r"edit the list or choose Done", DOWN + ENTER)  # Add
    answer(child, r"Environment name", "qa" + ENTER)
    answer(child, r"Region")
    answer(child, r"Network CIDR", "10.20.0.0/16" + ENTER)  # overlaps staging: re-asked at Done
    answer(child, r"Size")
    answer(child, r"Protected")
    answer(child, r"Self-hosted runner label")
    answer(child, r"AWS account ID of the environment", "444444444444" + ENTER)
    answer(child, r"Monthly budget")  # default by size
    answer(child, r"edit the list or choose Done", ENTER)
    child.expect(r"overlaps environments\[1\]\.cidr")
    # Remove staging (#1): Done, Add, Edit #0, Rename #0, Remove #0, Edit #1, Rename #1, Remove #1
    answer(child, r"edit the list or choose Done", DOWN * 7 + ENTER)
    child.expect(r"#2 qa")
    answer(child, r"edit the list or choose Done", ENTER)
    answer(child, r"AWS account holding the Terraform state", "999999999999" + ENTER)
    answer(child, r"OIDC provider")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    recorded = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert recorded["project_name"] == "shop"
    assert recorded["deploy_strategy"] == "canary"
    assert recorded["repository"] == "acme/shop-infra"
    assert [e["name"] for e in recorded["environments"]] == ["dev", "prod", "qa"]


def test_ctrl_c_leaves_nothing_behind(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    child = spawn("new", str(dest))
    answer(child, r"Project name", "shop" + ENTER)
    answer(child, r"Owning team", CTRL_C)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []


def test_no_terminal_means_no_prompt(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(
        [str(EXE), "new", str(tmp_path / "x")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "project_name: is required and has no default" in result.stderr
    assert shutil.which("true")  # nothing written either
    assert not (tmp_path / "x").exists()
