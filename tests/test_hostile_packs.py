"""Hostile packs through the real CLI: 0 effects, one line, never exit 70.

Each case is a small pack built in a temp folder, rendered with `infrascaffold new` in a
subprocess (a fresh interpreter, real exit codes). After every run:

- nothing outside the pack was read: a marker kept in a file beside the pack appears nowhere in
  DEST, in the user cache or in the command's output;
- nothing outside DEST was written: the temp folder (but DEST and the user cache) is unchanged;
- nothing was executed: the file the payloads try to create does not exist;
- the command printed one `error:` line, no traceback, and exited with the expected code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.builders import build_file_tree

MARKER = "OUTSIDE-SECRET-4242"
MANIFEST = """\
name: hostile
version: 1.0.0
questions:
  - {key: project_name, default: shop}
"""
BASIC_FILES = {"files/README.md.j2": "# {{ project_name }}\n"}


@dataclass(frozen=True)
class Case:
    """A hostile pack: its files, links (pack path → target), CLI flags and the expected exit."""

    files: dict[str, str | bytes]
    links: dict[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    exit_code: int = 2
    says: str = ""


def manifest(extra: str = "", questions: str = "") -> str:
    return MANIFEST + questions + extra


def with_template(text: str, name: str = "files/a.txt.j2", **kwargs: object) -> Case:
    return Case(files={"pack.yaml": manifest(), name: text}, **kwargs)  # type: ignore[arg-type]


PWNED = "{tmp}/pwned"
CASES: dict[str, Case] = {
    # Code execution without --trust.
    "git-config-fsmonitor": Case(
        {
            "pack.yaml": manifest(),
            "files/.git/config.j2": f'[core]\n\tfsmonitor = "touch {PWNED}"\n',
        },
        says="may not write into .git/",
    ),
    "git-hook-by-path-segment": Case(
        {"pack.yaml": manifest(), "files/{{ '.git' }}/hooks/post-checkout": "#!/bin/sh\n"},
        says="may not write into .git/",
    ),
    "git-upper-case": Case(
        {"pack.yaml": manifest(), "files/.GIT/config": "[core]\n"}, says="may not write into"
    ),
    "record-folder": Case(
        {"pack.yaml": manifest(), "files/.infrascaffold/answers.yaml": "x: 1\n"},
        says="may not write into .infrascaffold/",
    ),
    "tasks-without-trust": Case(
        {"pack.yaml": manifest(f"tasks: ['touch {PWNED}']\n"), **BASIC_FILES}, says="--trust"
    ),
    "extends-git-option": Case(
        {"pack.yaml": manifest(f"extends: 'git+--upload-pack=touch {PWNED}'\n"), **BASIC_FILES},
        says="needs --trust",
    ),
    "extends-git-option-trusted": Case(
        {"pack.yaml": manifest(f"extends: 'git+--upload-pack=touch {PWNED}'\n"), **BASIC_FILES},
        flags=("--trust",),
        says="may not start with `-`",
    ),
    "extends-remote-untrusted": Case(
        {"pack.yaml": manifest("extends: 'git+file:///{tmp}/remote'\n"), **BASIC_FILES},
        says="needs --trust",
    ),
    "extends-ext-transport": Case(
        {"pack.yaml": manifest(f"extends: 'git+ext::sh -c touch% {PWNED}'\n"), **BASIC_FILES},
        flags=("--trust",),
    ),
    # Reading outside the pack.
    "partial-link-to-file": Case(
        {"pack.yaml": manifest(), "files/a.txt.j2": "{% include 'partials/p' %}"},
        links={"partials/p": "{tmp}/outside/secret.txt"},
        says="outside the pack",
    ),
    "partials-folder-link": Case(
        {"pack.yaml": manifest(), "files/a.txt.j2": "{% include 'partials/secret.txt' %}"},
        links={"partials": "{tmp}/outside"},
        says="outside the pack",
    ),
    "files-folder-link": Case(
        {"pack.yaml": manifest()}, links={"files": "{tmp}/outside"}, says="outside the pack"
    ),
    "copied-file-link": Case(
        {"pack.yaml": manifest(), **BASIC_FILES},
        links={"files/leak.txt": "{tmp}/outside/secret.txt"},
        says="outside the pack",
    ),
    "folder-link-inside-files": Case(
        {"pack.yaml": manifest(), **BASIC_FILES},
        links={"files/sub": "{tmp}/outside"},
        says="outside the pack",
    ),
    "data-file-dotdot": Case(
        {"pack.yaml": manifest("data: {d: ../outside/secret.yaml}\n"), **BASIC_FILES},
        says="outside the pack",
    ),
    "data-file-link": Case(
        {"pack.yaml": manifest("data: {d: data/d.yaml}\n"), **BASIC_FILES},
        links={"data/d.yaml": "{tmp}/outside/secret.yaml"},
        says="outside the pack",
    ),
    "manifest-link": Case(
        {**BASIC_FILES}, links={"pack.yaml": "{tmp}/outside/pack.yaml"}, says="outside the pack"
    ),
    "overlay-file-link": Case(
        {
            "pack.yaml": manifest("extends: base\n"),
            **BASIC_FILES,
            "base/pack.yaml": manifest().replace("hostile", "base"),
        },
        links={"base/files/leak.txt": "{tmp}/outside/secret.txt"},
        says="outside the pack",
    ),
    "overlay-partial-link": Case(
        {
            "pack.yaml": manifest("extends: base\n"),
            "files/a.txt.j2": "{% include 'partials/p' %}",
            "base/pack.yaml": manifest().replace("hostile", "base"),
            "base/files/b.txt": "b",
        },
        links={"base/partials/p": "{tmp}/outside/secret.txt"},
        says="outside the pack",
    ),
    "include-dotdot": with_template("{% include '../../outside/secret.txt' %}", exit_code=1),
    "include-absolute": with_template("{% include '{tmp}/outside/secret.txt' %}", exit_code=1),
    "path-segment-dotdot": Case(
        {"pack.yaml": manifest(), "files/{{ '..' }}/escape.txt": "x"},
        exit_code=1,
        says="outside DEST",
    ),
    "path-segment-absolute": Case(
        {"pack.yaml": manifest(), "files/{{ '%c' % 47 }}tmp/escape.txt": "x"},
        exit_code=1,
        says="outside DEST",
    ),
    # Cycles.
    "extends-itself": Case({"pack.yaml": manifest("extends: .\n"), **BASIC_FILES}, says="cycle: "),
    "extends-a-b-a": Case(
        {
            "pack.yaml": manifest("extends: b\n"),
            **BASIC_FILES,
            "b/pack.yaml": manifest("extends: ..\n").replace("hostile", "b"),
        },
        says="cycle: ",
    ),
    "include-itself": with_template("{% include 'files/a.txt.j2' %}", says="recursion"),
    "recursive-macro": with_template(
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", says="recursion"
    ),
    # Bad pack content.
    "bad-regex": Case(
        {
            "pack.yaml": manifest(
                questions="  - {key: x, default: a, validators: [{regex: '['}]}\n"
            ),
            **BASIC_FILES,
        },
        says="is not a regular expression",
    ),
    "bad-when": Case(
        {
            "pack.yaml": manifest(questions="  - {key: x, default: a, when: '{{ ('}\n"),
            **BASIC_FILES,
        },
        says="when:",
    ),
    "bad-min-items": Case(
        {
            "pack.yaml": manifest(
                questions="  - {key: x, type: list, min_items: abc, fields: [{key: n}]}\n"
            ),
            **BASIC_FILES,
        },
        says="min_items",
    ),
    "bad-choices": Case(
        {
            "pack.yaml": manifest(questions="  - {key: x, type: choice, choices: 3}\n"),
            **BASIC_FILES,
        },
        says="choices",
    ),
    "division-by-zero": with_template("{{ 1/0 }}", says="ZeroDivisionError"),
    "huge-range": with_template("{% for i in range(10**9) %}{% endfor %}", says="range"),
    "huge-power": with_template("{{ 10 ** 10000000 }}", says="too large"),
    "huge-repeat": with_template("{{ 'x' * 10**9 }}", says="too large"),
    "huge-format-width": with_template("{{ '%0999999999d' % 1 }}", says="too large"),
    "huge-center": with_template("{{ 'x' | center(10**9) }}", says="too large"),
    "default-sandbox-escape": Case(
        {
            "pack.yaml": manifest(
                questions="  - {key: x, default: \"{{ ''.__class__.__mro__[1] }}\"}\n"
            ),
            **BASIC_FILES,
        },
        says="unsafe",
    ),
    "context-division": Case(
        {"pack.yaml": manifest("context: {x: '1/0'}\n"), **BASIC_FILES}, says="ZeroDivision"
    ),
    "rule-when-division": Case(
        {"pack.yaml": manifest("files: [{path: a.txt, when: '1/0'}]\n"), "files/a.txt": "x"},
        says="ZeroDivision",
    ),
    "non-utf8-template": Case(
        {"pack.yaml": manifest(), "files/a.txt.j2": b"\xff\xfe{{ x }}"}, says="UTF-8"
    ),
    "non-utf8-copied-file": Case(
        {"pack.yaml": manifest(), "files/a.bin": b"\xff\x00"}, says="UTF-8"
    ),
    "non-utf8-manifest": Case({"pack.yaml": b"name: \xff\n", **BASIC_FILES}, says="UTF-8"),
    "manifest-alias-bomb": Case(
        {
            "pack.yaml": manifest("data: {d: data/d.yaml}\n"),
            "data/d.yaml": "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
            + "".join(
                f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, c in zip("abcdefg", "bcdefgh", strict=True)
            ),
            **BASIC_FILES,
        },
        says="expands to more than",
    ),
    # Resource limits.
    "output-size": with_template(
        "{% for i in range(3000) %}{{ 'x' * 1000 }}{% endfor %}",
        flags=("--max-output-size", "1"),
        says="--max-output-size",
    ),
    "file-count": Case(
        {
            "pack.yaml": manifest("files: [{path: many, for_each: 'range(100) | list', as: n}]\n"),
            "files/many/{{ n }}.txt": "x",
        },
        flags=("--max-files", "50"),
        says="--max-files",
    ),
    "render-time-silent-loops": with_template(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        flags=("--max-render-time", "1"),
        says="--max-render-time",
    ),
    # Sandbox escapes that already held (exit 1: the template fails to render).
    "sandbox-mro": with_template("{{ ''.__class__.__mro__[1].__subclasses__() }}", exit_code=1),
    "sandbox-globals": with_template("{{ cycler.__init__.__globals__.os }}", exit_code=1),
    "sandbox-template-context": with_template(
        "{{ self._TemplateReference__context }}", exit_code=1
    ),
    "sandbox-lipsum": with_template(
        "{{ lipsum.__globals__['os'].system('touch " + PWNED + "') }}", exit_code=1
    ),
    "sandbox-format": with_template("{{ '{0.__class__.__base__}'.format('') }}", exit_code=1),
    "sandbox-attr-filter": with_template("{{ '' | attr('__class__') }}", exit_code=1),
}


def _materialise(text: str | bytes, tmp: Path) -> bytes:
    raw = text if isinstance(text, bytes) else text.encode()
    return raw.replace(b"{tmp}", str(tmp).encode())


def build_case(tmp: Path, case: Case) -> Path:
    outside = tmp / "outside"
    build_file_tree(
        outside,
        {
            "secret.txt": f"{MARKER}\n",
            "secret.yaml": f"k: {MARKER}\n",
            "pack.yaml": manifest().replace("shop", MARKER.lower()),
            "basepack/pack.yaml": manifest().replace("hostile", "base"),
            "basepack/files/b.txt": MARKER,
        },
    )
    pack = tmp / "pack"
    pack.mkdir()
    for rel, text in case.files.items():
        path = pack / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_materialise(text, tmp))
    for rel, target in case.links.items():
        path = pack / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target.replace("{tmp}", str(tmp)))
    return pack


def snapshot(root: Path, skip: Callable[[Path], bool]) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if skip(path):
            continue
        rel = path.relative_to(root).as_posix()
        out[rel] = path.read_bytes() if path.is_file() and not path.is_symlink() else "other"
    return out


def run_cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOME": str(tmp / "home"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "infrascaffold", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        timeout=60,
        check=False,
    )


def _contents(root: Path) -> str:
    texts = [p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file()]
    return "\n".join(texts)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_pack_has_no_effect(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    pack = build_case(tmp_path, case)
    dest = tmp_path / "dest"
    (tmp_path / "home").mkdir()
    mutable = {dest, tmp_path / "cache"}

    def skip(path: Path) -> bool:
        return any(path == m or m in path.parents for m in mutable)

    before = snapshot(tmp_path, skip)
    result = run_cli(tmp_path, "new", str(dest), "--pack", str(pack), "--no-input", *case.flags)
    output = result.stdout + result.stderr

    assert result.returncode == case.exit_code, output
    assert "Traceback" not in output and not re.search(
        r"error: unexpected \w+(Error|Exception)", output
    ), output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(result.stderr.strip().splitlines()) == 1 and len(errors) == 1, output
    assert case.says in errors[0], output
    assert not (tmp_path / "pwned").exists(), "a payload was executed"
    assert not dest.exists() or not any(dest.iterdir()), "something was written to DEST"
    assert snapshot(tmp_path, skip) == before, "something was written outside DEST"
    leaked = [where for where in (dest, tmp_path / "cache") if where.exists()]
    assert all(MARKER not in _contents(where) for where in leaked)
    assert MARKER not in output and MARKER.lower() not in output
