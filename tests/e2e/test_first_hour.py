"""The first hour of a new user, through the installed console script: every error message of
issue 21's table is one line per root cause (and exit 2), the conventions (`-V`, `--debug`
after the subcommand, shell completion) hold."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from infrascaffold import __version__ as VERSION
from tests.builders import EXAMPLES
from tests.e2e.conftest import Installed
from tests.e2e.test_exit_codes import run_with_fault

AWS = ["--example", "aws-containers", "--no-input"]
GCP_DEFAULTS = [
    "--defaults",
    "--set", "cloud=gcp",
    "--set", "repository=acme/shop-infra",
    "--set", "domain=shop.example.com",
    "--set", "alert_email=ops@example.com",
]  # fmt: skip


def run(installed: Installed, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`infrascaffold ARGS` with stdin from /dev/null: never a terminal, whoever runs the tests."""
    return subprocess.run(
        [str(installed.exe), *args],
        cwd=cwd,
        env=installed.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        # One root cause, one line: no region default computed from the wrong cloud.
        (
            ["new", "x", *AWS, "--set", "cloud=aw"],
            ["error: cloud: 'aw' is not one of: aws, gcp, azure (did you mean aws?)"],
        ),
        # No project IDs derived from the wrong project name.
        (
            ["new", "x", *GCP_DEFAULTS, "--set", "project_name=Shop"],
            [
                "error: project_name: Shop is not a lowercase slug of 3-24 characters starting"
                " with a letter"
            ],
        ),
        (
            ["new", "x", *AWS, "--set", "colud=aws"],
            ["error: colud: not a question of pack platform (did you mean cloud?)"],
        ),
        (
            ["new", "x", *AWS, "--set", "environments[0].regoin=eu-west-1"],
            ["error: environments[0].regoin: unknown field (did you mean region?)"],
        ),
        # The key path printed is one `--set` takes back.
        (
            ["new", "x", *AWS, "--set", "environments[1].cidr=10.10.0.0/16"],
            ["error: environments[1].cidr: overlaps environments[0].cidr 10.10.0.0/16"],
        ),
        # click's usage errors: one line, with click's guess.
        (
            ["new", "out", "--bogus"],
            ["error: no such option --bogus (see 'infrascaffold new --help')"],
        ),
        (
            ["new", "out", "--forc"],
            [
                "error: no such option --forc (did you mean --force?) (see 'infrascaffold new --help')"
            ],
        ),
        (["new"], ["error: missing argument 'DEST' (see 'infrascaffold new --help')"]),
        (
            ["nwe", "x"],
            ["error: no such command 'nwe' (did you mean new?) (see 'infrascaffold --help')"],
        ),
    ],
    ids=[
        "wrong-cloud",
        "gcp-project-name",
        "unknown-key",
        "unknown-field",
        "set-path-form",
        "no-such-option",
        "option-guess",
        "missing-dest",
        "command-guess",
    ],
)
def test_one_root_cause_one_line(
    installed: Installed, work: Path, args: list[str], lines: list[str]
) -> None:
    result = run(installed, *args, cwd=work)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == lines
    assert result.stdout == ""
    assert list(work.iterdir()) == []  # nothing half-written


def test_set_takes_the_index_in_brackets_too(installed: Installed, work: Path) -> None:
    result = run(installed, "new", "x", *AWS, "--set", "environments[1].region=eu-west-3", cwd=work)
    assert result.returncode == 0, result.stderr
    staging = (work / "x" / "environments" / "staging.tfvars").read_text()
    assert re.search(r'^region += "eu-west-3"$', staging, re.MULTILINE)


def test_a_yaml_error_names_file_line_and_column(installed: Installed, work: Path) -> None:
    (work / "answers.yml").write_text("project_name: shop\ncloud: aws\n  owner: x\n")
    result = run(installed, "new", "x", "--answers", "answers.yml", "--no-input", cwd=work)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: answers.yml:3:8: invalid YAML: mapping values are not allowed in this context"
    ]


def test_a_missing_answer_without_a_terminal_says_how_to_give_it(
    installed: Installed, work: Path
) -> None:
    answers = work.parent / "answers.yml"
    example = (EXAMPLES / "aws-containers.yml").read_text()
    answers.write_text(example.replace("project_name: shop\n", ""))
    result = run(installed, "new", "x", "--answers", str(answers), cwd=work)  # stdin: not a tty
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: project_name: is required and has no default (--set project_name=VALUE,"
        " --answers FILE, or run in a terminal)"
    ]


def test_a_missing_record_field_is_shown_with_a_set_key_any_shell_takes(
    installed: Installed, work: Path
) -> None:
    example = (EXAMPLES / "aws-containers.yml").read_text()
    answers = work.parent / "answers.yml"
    answers.write_text(example.replace('account_id: "111111111111", ', ""))
    result = run(installed, "new", "x", "--answers", str(answers), cwd=work)
    assert result.returncode == 2
    assert (
        "error: environments[0].account_id: is required and has no default"
        " (--set environments.0.account_id=VALUE, --answers FILE, or run in a terminal)"
    ) in result.stderr.splitlines()


# --- conventions --------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_flags(installed: Installed, work: Path, flag: str) -> None:
    result = run(installed, flag, cwd=work)
    assert (result.returncode, result.stdout.strip()) == (0, f"infrascaffold, version {VERSION}")


def test_debug_after_the_subcommand_shows_the_traceback(installed: Installed, work: Path) -> None:
    result = run_with_fault(installed, work, "validate", ".", "--debug")
    assert result.returncode == 70, result.stderr
    assert "Traceback" in result.stderr and "ZeroDivisionError: injected" in result.stderr


def test_completion_scripts_and_the_completion_they_call(installed: Installed, work: Path) -> None:
    for shell, marker in [
        ("bash", "complete -o"),
        ("zsh", "compdef"),
        ("fish", "complete --no-files --command infrascaffold"),
    ]:
        result = run(installed, "completion", shell, cwd=work)
        assert result.returncode == 0, result.stderr
        assert "_INFRASCAFFOLD_COMPLETE" in result.stdout and marker in result.stdout
    # What the bash script asks the program for, as the shell asks it.
    env = installed.env(
        _INFRASCAFFOLD_COMPLETE="bash_complete",
        COMP_WORDS="infrascaffold new x --dry",
        COMP_CWORD="3",
    )
    result = subprocess.run(
        [str(installed.exe)], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout.split()) == (0, ["plain,--dry-run"])


# --- after `new` ---------------------------------------------------------------------------


def test_new_prints_the_next_steps(installed: Installed, work: Path) -> None:
    result = run(installed, "new", "infra", *AWS, cwd=work)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Rendered ") and lines[0].endswith(" into infra")
    assert lines[1:4] == ["", "Next steps:", "  cd infra"]
    assert "  make plan ENV=dev    # then: make apply ENV=dev" in lines


def test_quiet_prints_nothing_and_verbose_each_file(installed: Installed, work: Path) -> None:
    quiet = run(installed, "new", "quiet", *AWS, "--quiet", cwd=work)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    verbose = run(installed, "new", "verbose", *AWS, "--verbose", cwd=work)
    assert verbose.returncode == 0, verbose.stderr
    created = [line.removeprefix("create ") for line in verbose.stdout.splitlines()
               if line.startswith("create ")]  # fmt: skip
    on_disk = sorted(
        p.relative_to(work / "verbose").as_posix()
        for p in (work / "verbose").rglob("*")
        if p.is_file() and ".infrascaffold" not in p.parts
    )
    assert created == on_disk and "create modules/network/main.tf" in verbose.stdout
    both = run(installed, "new", "both", *AWS, "-q", "-v", cwd=work)
    assert both.returncode == 2 and "--quiet or --verbose" in both.stderr


# --- the generated repository's Makefile -----------------------------------------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("example", "stack"),
    [
        ("gcp-containers", ""),
        ("azure-containers", " [STACK=addons]"),
        ("aws-containers", " [STACK=addons]"),
    ],
)
def test_make_without_a_known_env_lists_the_environments(
    installed: Installed, work: Path, example: str, stack: str
) -> None:
    rendered = run(installed, "new", "infra", "--example", example, "--no-input", "-q", cwd=work)
    assert rendered.returncode == 0, rendered.stderr
    missing = subprocess.run(["make", "plan"], cwd=work / "infra", capture_output=True, text=True)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[0] == (
        f"usage: make plan ENV=<environment>{stack} (environments: dev prod staging)"
    )
    unknown = subprocess.run(
        ["make", "plan", "ENV=qa"], cwd=work / "infra", capture_output=True, text=True
    )
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines()[0] == (
        "unknown environment 'qa': use one of dev prod staging (no ./environments/qa.tfvars)"
    )
