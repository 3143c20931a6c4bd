"""`infrascaffold diagram` as a process: `--env` draws that environment, svg/png go through
Graphviz's `dot` (a stand-in here: CI machines have no Graphviz), and its absence is one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import example_answers, render_answers, write_tree_to

EXE = Path(sys.executable).with_name("infrascaffold")
STAND_IN_DOT = """#!/bin/sh
[ "$1" = "-T$WANTED" ] || { echo "unexpected arguments: $*" >&2; exit 3; }
cat > "$SEEN"
printf 'drawn'
"""


@pytest.fixture(scope="module")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("diagram") / "infra"
    return write_tree_to(root, render_answers(example_answers("aws-containers")))


def diagram(infra: Path, *args: str, path: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(EXE), "diagram", str(infra), *args],
        capture_output=True,
        env={**os.environ, "PATH": path, **env},
        timeout=120,
        check=False,
    )


def test_env_draws_that_environments_sizes_and_protection(infra: Path) -> None:
    path = os.environ["PATH"]
    dev = diagram(infra, "--env", "dev", "--format", "dot", path=path).stdout.decode()
    prod = diagram(infra, "--env", "prod", "--format", "dot", path=path).stdout.decode()
    assert 'label="dev · eu-west-1 · 10.10.0.0/16 · unprotected"' in dev
    assert 'label="prod · eu-west-1 · 10.30.0.0/16 · protected"' in prod
    assert "cpu 256 · memory 512 · min_count 1 · max_count 3" in dev
    assert "cpu 1024 · memory 2048 · min_count 3 · max_count 12" in prod
    assert "instance_class db.m7g.large" in prod
    # Tiers left to right from the Internet; what flows along an edge is a tooltip, not a label.
    assert "rankdir=LR" in prod and "subgraph cluster_edge {" in prod
    assert "internet -> m_app__edge;" in prod
    assert not any(" -> " in line and "label=" in line for line in prod.splitlines())


@pytest.mark.parametrize("picture", ["svg", "png"])
def test_pictures_are_drawn_by_dot(infra: Path, tmp_path: Path, picture: str) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "dot").write_text(STAND_IN_DOT, encoding="utf-8")
    (tools / "dot").chmod(0o755)
    seen = tmp_path / "seen.dot"
    path = f"{tools}:/usr/bin:/bin"
    done = diagram(infra, "--env", "prod", "--format", picture, path=path, WANTED=picture,
                   SEEN=str(seen))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"drawn"
    assert seen.read_text(encoding="utf-8").startswith("digraph architecture {")


def test_without_graphviz_a_picture_is_one_line(infra: Path, tmp_path: Path) -> None:
    done = diagram(infra, "--format", "svg", path=str(tmp_path))
    assert done.returncode == 2
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and "Graphviz's `dot`, which is not on PATH" in lines[0]
    assert done.stdout == b""


def test_a_failing_dot_is_one_line(infra: Path, tmp_path: Path) -> None:
    (tmp_path / "dot").write_text("#!/bin/sh\necho 'syntax error in line 3' >&2\nexit 1\n")
    (tmp_path / "dot").chmod(0o755)
    done = diagram(infra, "--format", "png", path=f"{tmp_path}:/usr/bin:/bin")
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        f"error: {tmp_path}/dot: could not draw the diagram: syntax error in line 3"
    ]


def test_an_unknown_environment_is_one_line(infra: Path) -> None:
    done = diagram(infra, "--env", "qa", path=os.environ["PATH"])
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        f"error: {infra}/environments/qa.tfvars: no such environment"
        " (environments found: dev, prod, staging)"
    ]
