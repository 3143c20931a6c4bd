"""The CLI through click's CliRunner: `new`, its flags, exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from infrascaffold import __version__
from infrascaffold.cli import cli
from infrascaffold.write.record import load_record
from tests.builders import EXAMPLES, build_file_tree

EXAMPLE = str(EXAMPLES / "aws-containers.yml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    for command in ([], ["new"], ["validate"]):
        code, out, _ = run(*command, "--help")
        assert code == 0 and "Example:" in out and "infrascaffold " in out


def test_new_renders_validates_and_records(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    code, out, err = run("new", str(dest), "--answers", EXAMPLE, "--no-input")
    assert code == 0, err
    assert "Rendered" in out
    record = dest / ".infrascaffold"
    meta = yaml.safe_load((record / "pack.yaml").read_text())
    assert meta["pack"] == "platform" and meta["infrascaffold_version"] == __version__
    answers = yaml.safe_load((record / "answers.yaml").read_text())
    assert answers["project_name"] == "shop"
    rendered = sorted(
        p.relative_to(dest).as_posix()
        for p in dest.rglob("*")
        if p.is_file() and ".infrascaffold" not in p.parts
    )
    assert rendered
    base = load_record(dest).base  # one bundle, `.infrascaffold/base.txt`
    assert sorted(base) == rendered and not (record / "base").exists()
    for rel in rendered:
        assert base[rel] == (dest / rel).read_text()


def test_dry_run_lists_files_and_writes_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    code, out, _ = run("new", str(dest), "--answers", EXAMPLE, "--no-input", "--dry-run")
    assert code == 0
    assert "README.md" in out and "dry run:" in out
    assert not dest.exists()


def test_set_overrides_the_answers_file(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    code, _, err = run(
        "new",
        str(dest),
        "--answers",
        EXAMPLE,
        "--no-input",
        "--set",
        "environments.1.region=eu-west-3",
        "--set",
        "owner=web-team",
    )
    assert code == 0, err
    answers = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert answers["environments"][1]["region"] == "eu-west-3"
    assert answers["owner"] == "web-team"


def test_no_input_lists_every_missing_key(tmp_path: Path) -> None:
    answers = build_file_tree(tmp_path, {"a.yml": "environments:\n  - {name: dev}\n"}) / "a.yml"
    code, _, err = run("new", str(tmp_path / "out"), "--answers", str(answers), "--no-input")
    assert code == 2
    assert "error: project_name: is required and has no default" in err
    assert "error: environments[0].cidr: is required and has no default" in err
    assert not (tmp_path / "out").exists()


def test_defaults_take_defaults(tmp_path: Path) -> None:
    # The default prod is protected: it needs a domain and an alert e-mail; no repository is guessed;
    # AWS accounts have no default.
    given = ["project_name=shop", "repository=acme/shop", "domain=shop.example.com"]
    given += ["alert_email=oncall@example.com", "aws_state_account_id=999999999999"]
    given += [f"environments.{i}.account_id={str(i + 1) * 12}" for i in range(3)]
    sets = [arg for value in given for arg in ("--set", value)]
    code, _, err = run("new", str(tmp_path / "out"), "--defaults", *sets)
    assert code == 0, err


def test_invalid_answers_each_on_one_line_exit_2(tmp_path: Path) -> None:
    code, _, err = run(
        "new",
        str(tmp_path / "out"),
        "--answers",
        EXAMPLE,
        "--no-input",
        "--set",
        "environments.2.cidr=10.10.0.0/16",
        "--set",
        "cloud=mars",
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert "error: cloud: 'mars' is not one of: aws, gcp, azure" in lines
    assert all(line.startswith("error: ") for line in lines)
    assert "Traceback" not in err


def test_files_the_render_would_overwrite_need_force(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"mine.txt": "x", "README.md": "mine\n"})
    code, _, err = run("new", str(dest), "--answers", EXAMPLE, "--no-input")
    assert code == 2
    assert err.strip() == (
        f"error: {dest}: the render would overwrite 1 file(s): README.md (use --force)"
    )
    assert sorted(p.name for p in dest.iterdir()) == ["README.md", "mine.txt"]
    code, _, err = run("new", str(dest), "--answers", EXAMPLE, "--no-input", "--force")
    assert code == 0, err
    assert (dest / "mine.txt").read_text() == "x"


def test_a_fresh_git_repository_is_accepted(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "repo", {"LICENSE": "MIT\n", "NOTES.md": "ours\n"})
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    code, _, err = run("new", str(dest), "--example", "aws-containers", "--no-input")
    assert code == 0, err
    assert (dest / "LICENSE").read_text() == "MIT\n" and (dest / "main.tf").is_file()
    code, _, err = run("new", str(dest), "--example", "aws-containers", "--no-input")
    assert code == 2 and "already holds an infrascaffold render" in err


def test_example_names_a_shipped_answer_set(tmp_path: Path) -> None:
    code, _, err = run("new", str(tmp_path / "x"), "--example", "nope", "--no-input")
    assert code == 2 and "--example: unknown example 'nope' (known: aws-containers," in err
    code, _, err = run("new", str(tmp_path / "x"), "--example", "a", "--answers", EXAMPLE)
    assert code == 2 and "either --answers or --example" in err
    code, out, _ = run("template", "list")
    assert code == 0 and "aws-serverless-bluegreen" in out and "--example NAME" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pack", "nope"], "nope: unknown pack"),
        (["--answers", "/nonexistent.yml"], "/nonexistent.yml: No such file"),
        (["--set", "novalue"], "novalue: expected KEY=VALUE"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run("new", str(tmp_path / "out"), "--no-input", *args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_render_failing_validation_writes_nothing(tmp_path: Path) -> None:
    pack = build_file_tree(
        tmp_path / "pack",
        {
            "pack.yaml": "name: bad\nversion: 1.0.0\nquestions: [{key: name, default: x}]\n",
            "files/main.tf.j2": 'resource "null_resource" "x" {\n  triggers = {\n}\n',
        },
    )
    code, _, err = run("new", str(tmp_path / "out"), "--pack", str(pack), "--no-input")
    assert code == 1
    assert "main.tf" in err and "nothing was written" in err
    assert not (tmp_path / "out").exists()


def test_ctrl_c_exits_130_through_main() -> None:
    script = (
        "import sys; from infrascaffold import cli\n"
        "def boom(*a, **k): raise KeyboardInterrupt\n"
        "cli.cli.main = boom\nsys.argv=['infrascaffold']\ncli.main()"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 130
    assert "Interrupted" in result.stderr


def process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a process (`python -m infrascaffold`): the exit code the shell sees."""
    return subprocess.run(
        [sys.executable, "-m", "infrascaffold", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_exit_1_of_a_command_reaches_the_process(tmp_path: Path) -> None:
    # click's non-standalone mode returns ctx.exit's code: main() used to drop it (exit 0).
    bad = build_file_tree(tmp_path / "bad", {"main.tf": 'output "x" {\n  value = var.nope\n}\n'})
    result = process("validate", str(bad))
    assert result.returncode == 1, result.stderr
    assert "undeclared-reference" in result.stdout


def test_sigterm_exits_143_with_a_message() -> None:
    script = (
        "import os, signal, sys; from infrascaffold import cli\n"
        "def term(*a, **k): os.kill(os.getpid(), signal.SIGTERM); raise AssertionError\n"
        "cli.cli.main = term\nsys.argv=['infrascaffold']\ncli.main()"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 143
    assert "Terminated; nothing was written." in result.stderr


def test_update_rolls_back_what_a_killed_run_left_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infrascaffold.write import journal

    dest = tmp_path / "infra"
    assert run("new", str(dest), "--answers", EXAMPLE, "--no-input")[0] == 0
    before = {p: p.read_bytes() for p in sorted(dest.rglob("*")) if p.is_file()}
    real_apply = journal._apply

    def killed(dest: Path, folder: Path, plan: dict[str, object]) -> None:
        writes = plan["writes"]
        assert isinstance(writes, list)
        real_apply(dest, folder, {"created": plan["created"], "writes": writes[:3], "deletes": []})
        raise SystemExit(137)  # as if SIGKILLed: the journal stays, nothing is rolled back

    with monkeypatch.context() as patch:
        patch.setattr(journal, "_apply", killed)
        patch.setattr(journal, "roll_back", lambda dest, folder: 0)
        run("update", str(dest), "--set", "owner=other-team")
    assert (dest / ".infrascaffold" / "journal").is_dir()
    code, out, err = run("update", str(dest), "--check")
    assert "rolled back an interrupted earlier run (3 file(s) restored)" in err
    assert code == 0, out
    assert {p: p.read_bytes() for p in sorted(dest.rglob("*")) if p.is_file()} == before


def test_an_interview_refused_for_overwrites_keeps_the_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infrascaffold.answers import interview, review
    from infrascaffold.commands import new as command
    from infrascaffold.errors import WriteError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # Every answer given in the interview: the example's, or the default.
    provided = yaml.safe_load(Path(EXAMPLE).read_text())
    monkeypatch.setattr(
        interview,
        "make_asker",
        lambda env: lambda q, default, ctx, key: provided.get(key, default),
    )
    monkeypatch.setattr(review, "review", lambda *args: review.WRITE)  # "Write N files? y"
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "ours\n"})
    with pytest.raises(WriteError) as caught:
        command.run(
            dest,
            pack_ref="platform",
            answers_file=None,
            sets=(),
            interactive=True,
            force=False,
            dry_run=False,
        )
    message = caught.value.format_message()
    assert "would overwrite 1 file(s): main.tf (use --force); your answers are in " in message
    saved = Path(message.rsplit("--answers ", 1)[1].rstrip(")"))
    assert yaml.safe_load(saved.read_text())["project_name"] == provided["project_name"]
    assert (dest / "main.tf").read_text() == "ours\n"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["new", "out", "--bogus"],
            "error: no such option --bogus (see 'infrascaffold new --help')",
        ),
        (["new"], "error: missing argument 'DEST' (see 'infrascaffold new --help')"),
        (
            ["new", "out", "--dry-rn"],
            "error: no such option --dry-rn (did you mean --dry-run?)"
            " (see 'infrascaffold new --help')",
        ),
        (
            ["template", "lnt", "x"],
            "error: no such command 'lnt' (did you mean lint?) (see 'infrascaffold template --help')",
        ),
        (
            ["validate", ".", "--format", "xml"],
            "error: invalid value for '--format': 'xml' is not one of 'text', 'json', 'sarif',"
            " 'github', 'gitlab' (see 'infrascaffold validate --help')",
        ),
    ],
)
def test_a_usage_error_is_one_line_exit_2(
    args: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from infrascaffold.cli import run_cli

    assert run_cli(args) == 2
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", [line])


def test_template_init_force_writes_into_a_non_empty_folder(tmp_path: Path) -> None:
    pack = tmp_path / "acme"
    build_file_tree(pack, {"NOTES.md": "mine\n", "pack.yaml": "name: old\n"})
    code, _, err = run("template", "init", str(pack))
    assert code == 2 and "is not empty (use --force" in err
    code, _, err = run("template", "init", str(pack), "--force")
    assert code == 0, err
    assert (pack / "NOTES.md").read_text() == "mine\n"  # kept
    assert yaml.safe_load((pack / "pack.yaml").read_text())["name"] == "acme"  # replaced
    assert (pack / "tests" / "default" / "expected").is_dir()


def test_a_next_steps_message_that_fails_writes_nothing(tmp_path: Path) -> None:
    pack = build_file_tree(
        tmp_path / "pack",
        {
            "pack.yaml": "name: p\nversion: 1.0.0\nquestions: [{key: name, default: x}]\n"
            "message_after: '{{ nope }}'\n",
            "files/README.md": "hi\n",
        },
    )
    code, _, err = run("new", str(tmp_path / "out"), "--pack", str(pack), "--no-input")
    assert code == 2 and "pack.yaml: message_after: 'nope' is undefined" in err
    assert not (tmp_path / "out").exists()


def test_an_interview_whose_render_fails_keeps_the_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infrascaffold.answers import interview, review
    from infrascaffold.commands import new as command
    from infrascaffold.errors import RenderError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    pack = build_file_tree(
        tmp_path / "pack",
        {
            "pack.yaml": "name: p\nversion: 1.0.0\nquestions: [{key: name}]\n",
            "files/main.tf.j2": 'resource "x" {\n  name = {{ name | hcl }}\n',  # unclosed
        },
    )
    monkeypatch.setattr(interview, "make_asker", lambda env: lambda q, d, ctx, key: "shop")
    monkeypatch.setattr(review, "review", lambda *args: pytest.fail("reviewed a failed render"))
    with pytest.raises(RenderError) as caught:
        command.run(
            tmp_path / "out",
            pack_ref=str(pack),
            answers_file=None,
            sets=(),
            interactive=True,
            force=False,
            dry_run=False,
        )
    message = caught.value.format_message()
    assert "nothing was written" in message and "your answers are in " in message
    rerun = message.rsplit("once fixed, run ", 1)[1].split()
    assert rerun[:3] == ["infrascaffold", "new", str(tmp_path / "out")]
    assert rerun[3] == "--answers" and rerun[5:] == ["--pack", str(pack)]
    assert yaml.safe_load(Path(rerun[4]).read_text()) == {"name": "shop"}
    assert not (tmp_path / "out").exists()


def test_a_command_loads_only_its_own_module() -> None:
    """`validate` does not import the other commands' modules (start-up, issue 19)."""
    script = (
        "import sys\nfrom infrascaffold.cli import cli\n"
        "cli.get_command(None, 'validate')\n"
        "print(sorted(m for m in sys.modules if m.startswith('infrascaffold.commands.cli.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['infrascaffold.commands.cli.validate']"
    code, help_text, _ = run("--help")
    assert code == 0
    for name in ("completion", "cost", "diagram", "env", "new", "regen", "template", "update"):
        assert f"  {name} " in help_text


def test_an_unknown_command_is_guessed_among_commands_not_loaded_yet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from infrascaffold.cli import COMMANDS, cli, run_cli

    # the root group loads a command's module on lookup: the guess must not depend on that
    cli.commands.clear()
    assert run_cli(["vaildate"]) == 2
    assert "(did you mean validate?)" in capsys.readouterr().err
    assert set(COMMANDS) >= {"new", "validate"}
