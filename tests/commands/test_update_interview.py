"""`update` asks a new pack version's questions in a real terminal, or names them with --no-input."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.builders import build_file_tree
from tests.commands.test_update_lifecycle import run_cli

EXE = Path(sys.executable).with_name("infrascaffold")
ENTER, CTRL_U = "\r", "\x15"

V1 = "name: svc\nversion: 1.0.0\nquestions:\n  - {key: greeting, default: hello}\n"
V2 = V1.replace("1.0.0", "2.0.0") + "  - {key: owner, help: Team that owns it}\n"


def packs(root: Path) -> tuple[Path, Path]:
    v1 = build_file_tree(root / "v1", {"pack.yaml": V1, "files/notes.md.j2": "{{ greeting }}\n"})
    v2 = build_file_tree(
        root / "v2",
        {"pack.yaml": V2, "files/notes.md.j2": "{{ greeting }} from {{ owner }}\n"},
    )
    return v1, v2


def test_no_input_names_the_missing_answer(tmp_path: Path) -> None:
    v1, v2 = packs(tmp_path)
    dest = tmp_path / "infra"
    assert run_cli("new", str(dest), "--pack", str(v1), "--defaults").returncode == 0
    done = run_cli("update", str(dest), "--pack", str(v2), "--no-input")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: owner: is required and has no default"
        " (--set owner=VALUE, --answers FILE, or run in a terminal)"
    ]
    assert (dest / "notes.md").read_text() == "hello\n"
    answered = run_cli("update", str(dest), "--pack", str(v2), "--no-input", "--set", "owner=web")
    assert answered.returncode == 0, answered.stderr
    assert (dest / "notes.md").read_text() == "hello from web\n"


def spawn(*args: str) -> pexpect.spawn:
    env = {
        "TERM": "xterm",
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    return pexpect.spawn(
        str(EXE), list(args), encoding="utf-8", timeout=30, dimensions=(40, 160), env=env
    )


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect(prompt)
    time.sleep(0.15)  # let the prompt finish drawing before typing
    child.send(keys)


@pytest.mark.skipif(not EXE.exists() or os.name != "posix", reason="needs the installed CLI")
def test_a_new_question_is_asked_in_a_terminal(tmp_path: Path) -> None:
    v1, v2 = packs(tmp_path)
    dest = tmp_path / "infra"
    assert (
        run_cli(
            "new", str(dest), "--pack", str(v1), "--defaults", "--set", "greeting=hi"
        ).returncode
        == 0
    )
    child = spawn("update", str(dest), "--pack", str(v2))
    answer(child, "owner", "payments" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert (dest / "notes.md").read_text() == "hi from payments\n"
    recorded = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert recorded == {"greeting": "hi", "owner": "payments"}  # greeting was not asked again

    child = spawn("update", str(dest), "--reask")
    answer(child, "greeting", CTRL_U + "hey" + ENTER)  # the recorded answer is the default
    answer(child, "owner", ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert (dest / "notes.md").read_text() == "hey from payments\n"
