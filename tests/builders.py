"""Builders shared by the tests: file trees in temp folders, and renders of the built-in pack."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, raise_problems, resolve_answers
from infrascaffold.pack.manifest import load_pack, load_pack_from
from infrascaffold.pack.model import Pack
from infrascaffold.render.files import Tree
from infrascaffold.render.pipeline import render_answers as render_resolved
from infrascaffold.templating.environment import make_environment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "answers"


def build_file_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Create `files` (relative path → text) under `root`; returns `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def example_answers(name: str) -> dict[str, Any]:
    """The answers of `examples/answers/<name>.yml`."""
    loaded = yaml.safe_load((EXAMPLES / f"{name}.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def render_answers(answers: Mapping[str, Any], pack: Pack | None = None) -> Tree:
    """Render the built-in pack (or `pack`) for `answers`, defaults filling the rest.

    Does not run validation, so tests can judge the raw render with any tool.
    """
    pack = pack or load_pack("platform")
    env = make_environment(pack.search_roots)
    layered = apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    resolved, problems = resolve_answers(pack, env, layered)
    raise_problems(problems)
    raise_problems(check_answers(pack, env, resolved))
    return render_resolved(pack, env, resolved)[0]


def write_tree_to(root: Path, tree: Mapping[str, str]) -> Path:
    """Write a rendered tree under `root` (a test's tmp folder) for external tools."""
    return build_file_tree(root, tree)


def pack_from(root: Path) -> Pack:
    """Load a pack built in a temp folder."""
    return load_pack_from(root, str(root))


def run_step(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `script` as a CI `shell: bash` step runs it (`bash -eo pipefail`), with this
    environment's console scripts (`infrascaffold`, the test tools) first on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd, env={**os.environ, "PATH": path, **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
