"""README's exit-code table, row by row, for every command that can produce the row: the code
the shell sees from the installed console script, and the line that explains it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from tests.builders import build_file_tree
from tests.e2e.conftest import Installed, copy_of

CLEAN_TF = (
    'terraform {\n  required_version = ">= 1.6.0"\n  backend "local" {}\n}\n\n'
    'variable "name" {\n  type        = string\n  description = "Name."\n}\n\n'
    'output "name" {\n  description = "Name."\n  value       = var.name\n}\n'
)
UNDECLARED_TF = CLEAN_TF + 'output "bad" {\n  description = "x"\n  value       = var.nope\n}\n'
WARNING_TF = 'terraform {\n  backend "local" {}\n}\n'
BAD_HCL_PACK = {
    "pack.yaml": "name: bad\nversion: 1.0.0\nquestions: [{key: name, default: x}]\n",
    "files/main.tf.j2": 'resource "null_resource" "x" {\n  triggers = {\n}\n',
}
BUGGY_PACK = {  # a template that raises a plain Python error: reported as an internal error
    "pack.yaml": "name: boom\nversion: 1.0.0\nquestions: [{key: name, default: x}]\n",
    "files/README.md.j2": "{{ 1 // 0 }}\n",
}
DEV_CIDR = 'vpc_cidr = "10.10.0.0/16"'


@dataclass(frozen=True)
class Env:
    """What a case's setup may use: the install, a working folder, a rendered folder."""

    installed: Installed
    work: Path
    rendered: Path

    def infra(self) -> str:
        """A fresh copy of the rendered aws-containers folder, as a path relative to `work`."""
        return copy_of(self.rendered, self.work).name

    def folder(self, files: dict[str, str], name: str = "repo") -> str:
        build_file_tree(self.work / name, files)
        return name

    def pack(self, name: str = "acme") -> str:
        assert self.installed.run("template", "init", name, cwd=self.work).returncode == 0
        return name

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.work / rel
        path.write_text(path.read_text().replace(old, new))


@dataclass(frozen=True)
class Case:
    code: int
    command: str
    args: Callable[[Env], list[str]]
    says: str  # a fragment of stdout + stderr


def conflicted(env: Env) -> list[str]:
    infra = env.infra()
    env.edit(f"{infra}/environments/dev.tfvars", DEV_CIDR, 'vpc_cidr = "10.12.0.0/16"')
    return ["update", infra, "--set", "environments.0.cidr=10.11.0.0/16"]


def unresolved(env: Env) -> list[str]:
    infra = env.infra()
    env.edit(
        f"{infra}/main.tf",
        "\n",
        "\n<<<<<<< yours\na\n=======\nb\n>>>>>>> template\n",
    )
    return ["update", infra]


def changed_case(env: Env) -> list[str]:
    pack = env.pack()
    env.edit(f"{pack}/files/README.md.j2", "# ", "# changed ")
    return ["template", "test", pack]


def lint_error(env: Env) -> list[str]:
    pack = env.pack()
    (env.work / pack / "files" / "bad.tf.j2").write_text('x = "{{ nope }}"\n')
    return ["template", "lint", pack, "--max-renders", "1"]


def overwriting(env: Env) -> list[str]:
    env.folder({"README.md": "ours\n", ".git/HEAD": "ref: refs/heads/main\n"}, "infra")
    return ["new", "infra", "--example", "aws-static-site", "--no-input"]


CASES = [
    # 0: success
    Case(0, "--version", lambda e: ["--version"], "infrascaffold, version"),
    Case(
        0,
        "new",
        lambda e: ["new", "site", "--example", "aws-static-site", "--no-input"],
        "Rendered",
    ),
    Case(0, "validate", lambda e: ["validate", e.infra()], "OK: "),
    Case(
        0,
        "validate --strict",
        lambda e: ["validate", e.folder({"main.tf": CLEAN_TF}), "--strict"],
        "0 warning(s)",
    ),
    Case(0, "update", lambda e: ["update", e.infra()], "nothing to change"),
    Case(0, "update --check", lambda e: ["update", e.infra(), "--check"], "up to date"),
    Case(0, "diagram", lambda e: ["diagram", e.infra()], "flowchart"),
    Case(0, "template list", lambda e: ["template", "list"], "aws-containers"),
    Case(0, "template init", lambda e: ["template", "init", "acme"], "Created pack acme"),
    Case(0, "template test", lambda e: ["template", "test", e.pack()], "passed"),
    # 1: the command ran and found problems
    Case(
        1,
        "validate",
        lambda e: ["validate", e.folder({"main.tf": UNDECLARED_TF})],
        "[undeclared-reference]",
    ),
    Case(
        1,
        "validate --strict",
        lambda e: ["validate", e.folder({"main.tf": WARNING_TF}), "--strict"],
        "FAILED: ",
    ),
    Case(
        1,
        "new",
        lambda e: ["new", "out", "--pack", e.folder(BAD_HCL_PACK, "pack"), "--no-input"],
        "nothing was written",
    ),
    Case(1, "update", conflicted, "1 conflict"),
    Case(
        1,
        "update --check",
        lambda e: ["update", e.infra(), "--check", "--set", "owner=other-team"],
        "stale",
    ),
    Case(1, "template lint", lint_error, "[undeclared-name]"),
    Case(1, "template test", changed_case, "FAILED   default"),
    # 2: bad invocation or bad input
    Case(
        2,
        "new",
        lambda e: ["new", "x", "--example", "aws-containers", "--set", "cloud=mars", "--no-input"],
        "error: cloud: 'mars' is not one of",
    ),
    Case(2, "new", lambda e: ["new", "x", "--pack", "nope", "--no-input"], "nope: unknown pack"),
    Case(2, "new", overwriting, "would overwrite 1 file(s): README.md (use --force)"),
    Case(2, "new", lambda e: ["new"], "error: missing argument 'DEST'"),
    Case(2, "new", lambda e: ["new", "x", "--example", "nope"], "unknown example 'nope'"),
    Case(2, "validate", lambda e: ["validate", "missing"], "missing: no such folder"),
    Case(
        2,
        "validate",
        lambda e: ["validate", e.folder({"README.md": "# hi\n"})],
        "nothing to validate",
    ),
    Case(
        2,
        "validate",
        lambda e: ["validate", ".", "--format", "xml"],
        "error: invalid value for '--format'",
    ),
    Case(
        2,
        "update",
        lambda e: ["update", e.folder({"main.tf": CLEAN_TF})],
        "not made by infrascaffold",
    ),
    Case(2, "update", unresolved, "holds unresolved conflict markers"),
    Case(2, "diagram", lambda e: ["diagram", "missing"], "missing: no such folder"),
    Case(2, "template init", lambda e: ["template", "init", e.folder({"f": "x"})], "is not empty"),
    Case(
        2,
        "template lint",
        lambda e: ["template", "lint", e.folder({"f": "x"})],
        "no pack.yaml here",
    ),
    Case(2, "template test", lambda e: ["template", "test", e.folder({"f": "x"})], "pack.yaml"),
    # A pack's own template error is bad input of that pack, named with its file.
    Case(
        2,
        "new",
        lambda e: ["new", "out", "--pack", e.folder(BUGGY_PACK, "pack"), "--no-input"],
        "files/README.md.j2",
    ),
]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.code}-{c.command.replace(' ', '_')}-{i}" for i, c in enumerate(CASES)]
)
def test_exit_code(case: Case, installed: Installed, work: Path, rendered: Path) -> None:
    args = case.args(Env(installed, work, rendered))
    result = installed.run(*args, cwd=work)
    output = result.stdout + result.stderr
    assert result.returncode == case.code, output
    assert case.says in output
    assert "Traceback" not in output
    if case.code == 2:  # one clean line (click's usage errors add a usage hint)
        errors = [line for line in result.stderr.splitlines() if line.lower().startswith("error")]
        assert len(errors) == 1, result.stderr


# 70: an internal error (a bug). The installed program has none to trigger on purpose, so one is
# injected: the installed package's own `main()` runs with `validate` patched to raise.
FAULT = (
    "import sys, infrascaffold.commands.validate as v\n"
    "def boom(*args, **kwargs):\n"
    "    raise ZeroDivisionError('injected')\n"
    "v.run = boom\n"
    "from infrascaffold.cli import main\n"
    "sys.argv[0] = 'infrascaffold'\n"
    "main()\n"
)


def run_with_fault(installed: Installed, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed.python), "-c", FAULT, *args],
        cwd=work,
        env=installed.env(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_internal_error_exits_70_with_one_line(installed: Installed, work: Path) -> None:
    result = run_with_fault(installed, work, "validate", ".")
    assert result.returncode == 70, result.stderr
    assert "unexpected ZeroDivisionError" in result.stderr and "Traceback" not in result.stderr


def test_debug_shows_the_traceback_of_an_internal_error(installed: Installed, work: Path) -> None:
    result = run_with_fault(installed, work, "--debug", "validate", ".")
    assert result.returncode == 70 and "Traceback" in result.stderr
    assert "ZeroDivisionError" in result.stderr


def interview(installed: Installed, work: Path) -> pexpect.spawn:
    """`infrascaffold new infra` in a real terminal, at its first question."""
    child = pexpect.spawn(
        str(installed.exe),
        ["new", "infra"],
        cwd=str(work),
        env=installed.env(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1"),  # no CPR wait on a loaded machine
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 160),
    )
    child.expect("Project name")
    return child


@pytest.mark.parametrize(
    ("send", "code", "message"),
    [
        ("ctrl-c", 130, "Interrupted; nothing was written."),
        ("sigterm", 143, "Terminated; nothing was written."),
    ],
)
def test_interrupted_interview(
    installed: Installed, work: Path, send: str, code: int, message: str
) -> None:
    child = interview(installed, work)
    if send == "ctrl-c":
        child.sendintr()
    else:
        os.kill(child.pid, signal.SIGTERM)
    child.expect(message)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code and child.signalstatus is None
    assert not (work / "infra").exists()


def wait_for_reader(fifo: Path, proc: subprocess.Popen[str]) -> None:
    """Return once `proc` has opened the FIFO to read it (and so blocks, waiting for data)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # ENXIO until a reader opens
            return
        except OSError:
            time.sleep(0.02)
    raise AssertionError(f"the process never opened {fifo}: {proc.communicate()}")


@pytest.mark.parametrize("command", ["new", "update"])
@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [
        (signal.SIGINT, 130, "Interrupted; nothing was written."),
        (signal.SIGTERM, 143, "Terminated; nothing was written."),
    ],
    ids=["sigint-130", "sigterm-143"],
)
def test_signal_while_running(
    installed: Installed,
    work: Path,
    rendered: Path,
    command: str,
    signum: int,
    code: int,
    message: str,
) -> None:
    # The command blocks reading its --answers file, a FIFO nobody writes to.
    fifo = work / "answers.yml"
    os.mkfifo(fifo)
    dest = copy_of(rendered, work).name if command == "update" else "infra"
    before = sorted(p.relative_to(work).as_posix() for p in work.rglob("*"))
    no_input = ["--no-input"] if command == "new" else []
    proc = subprocess.Popen(
        [str(installed.exe), command, dest, "--answers", str(fifo), *no_input],
        cwd=work,
        env=installed.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_reader(fifo, proc)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, out + err
    assert message in err and "Traceback" not in err
    assert sorted(p.relative_to(work).as_posix() for p in work.rglob("*")) == before
