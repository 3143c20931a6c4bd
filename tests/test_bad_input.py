"""Bad answers through the real CLI: exit 2, one line per problem, values shown safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import resolve_answers
from infrascaffold.errors import shown
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.untrusted_yaml import load_yaml_text
from infrascaffold.templating.environment import make_environment

PACK = load_pack("platform")
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdef", "bcdefg", strict=True)
)

# name → (answers file bytes or a path, a text the one error line must contain)
CASES: dict[str, tuple[bytes | str, str]] = {
    "not-utf8": (b"\xff\xfe\x00", "is not UTF-8 text"),
    "utf16": ("project_name: shop\n".encode("utf-16"), "is not UTF-8 text"),
    "binary": (bytes(range(256)) * 4, "is not UTF-8 text"),
    "nul-byte": (b"project_name: sh\x00op\n", "invalid YAML"),
    "deep-list": (("project_name: " + "[" * 900 + "]" * 900 + "\n").encode(), "nested deeper"),
    "deep-map": (("a: " + "{a: " * 500 + "1" + "}" * 500 + "\n").encode(), "nested deeper"),
    "alias-bomb": (BOMB.encode(), "expands to more than"),
    "dev-zero": ("/dev/zero", "is larger than 1024 KiB"),
    "folder": (".", "is a folder, not a file"),
    "missing": ("no-such-file.yml", "No such file"),
    "not-a-mapping": (b"- a\n- b\n", "must be a YAML mapping"),
    "invalid-yaml": (b"project_name: [\n", "invalid YAML"),
    "environments-null": (b"project_name: shop\nenvironments: null\n", "must be a list, got null"),
    "environments-scalar": (b"project_name: shop\nenvironments: 5\n", "must be a list"),
    "record-not-mapping": (b"project_name: shop\nenvironments: [dev]\n", "must be a mapping"),
    "name-list": (
        b"project_name: shop\nenvironments: [{name: [dev], cidr: 10.1.0.0/16},"
        b" {name: [dev], cidr: 10.2.0.0/16}]\n",
        "must be a string, got a list",
    ),
    "name-map": (
        b"project_name: shop\nenvironments: [{name: {a: 1}, cidr: 10.1.0.0/16}]\n",
        "must be a string, got a mapping",
    ),
    "nan": (b"project_name: .nan\n", "project_name: .nan is not"),
    "bool-choice": (b"project_name: shop\ncloud: true\n", "is not one of"),
    "number-for-bool": (
        b"project_name: shop\nenvironments: [{name: dev, cidr: 10.1.0.0/16, protected: 3}]\n",
        "must be a boolean",
    ),
    "non-string-key": (b"project_name: shop\n1: x\n", "not a question"),
    "repository-dotdot": (b"project_name: shop\nrepository: ../../etc\n", "repository"),
    "loopback-cidr": (
        b"project_name: shop\nenvironments: [{name: dev, cidr: 127.0.0.0/16}]\n",
        "RFC 1918",
    ),
    "huge-int": (
        b"project_name: shop\nenvironments: [{name: dev, cidr: 10.1.0.0/16, size: "
        + b"9" * 5000
        + b"}]\n",
        "invalid YAML",
    ),
}


def run_cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "infrascaffold", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        timeout=60,
        check=False,
    )


def assert_one_line_errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    """Exit 2, every stderr line an `error:` line, no traceback; returns the lines."""
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    assert "Traceback" not in result.stderr and "Usage:" not in result.stderr
    return lines


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_answers_file_is_one_line_exit_2(tmp_path: Path, name: str) -> None:
    content, says = CASES[name]
    if isinstance(content, bytes):
        answers = tmp_path / "answers.yml"
        answers.write_bytes(content)
        target = str(answers)
    else:
        target = content
    result = run_cli(
        tmp_path, "new", str(tmp_path / "dest"), "--answers", target, "--no-input", "--dry-run"
    )
    lines = assert_one_line_errors(result)
    assert any(says in line for line in lines), result.stderr
    assert len(result.stderr) < 2000
    assert not (tmp_path / "dest").exists()


def test_a_huge_value_is_shown_truncated(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    # Projects named explicitly: the huge name is the only cause, so the only line.
    answers.write_text(
        COMPLETE.replace("shop\n", "a" * 1_000_000 + "\n", 1)
        + "gcp_state_project_id: shop-state\n"
        + "environments: [{name: dev, cidr: 10.1.0.0/16, project_id: shop-dev-1}]\n"
    )
    result = run_cli(tmp_path, "new", "dest", "--answers", str(answers), "--no-input")
    (line,) = assert_one_line_errors(result)
    assert len(line) < 300 and "1000000 characters" in line


@pytest.mark.parametrize("separator", ["\\n", "\\r", "\\u2028", "\\u0085", "\\u000b"])
def test_a_line_separator_in_a_value_cannot_start_a_line(tmp_path: Path, separator: str) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(f'project_name: "x{separator}::error::injected"\n')
    result = run_cli(tmp_path, "new", "dest", "--answers", str(answers), "--no-input")
    lines = assert_one_line_errors(result)
    assert not any(line.startswith("::") for line in result.stderr.splitlines(keepends=False))
    assert all("::error::injected" in line for line in lines if "injected" in line)
    # Python's splitlines() honours every Unicode line break: still one line per problem.
    assert len(result.stderr.splitlines()) == len(lines)


def test_set_value_with_a_newline_is_one_line(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "new", "dest", "--set", "owner=a\n::warning::x", "--no-input")
    lines = assert_one_line_errors(result)
    assert all(not line.startswith("::") for line in result.stderr.splitlines())
    assert lines


# Every answer the pack requires without a default (a protected prod needs a domain and an e-mail;
# GCP derives its projects from the project name, AWS would need account ids).
COMPLETE = (
    "project_name: shop\ncloud: gcp\nrepository: acme/shop-infra\n"
    "domain: shop.example.com\nalert_email: ops@example.com\n"
)


def resolve(provided: dict[str, object]) -> tuple[dict[str, object], list[tuple[str, str]]]:
    env = make_environment(PACK.search_roots)
    answers, problems = resolve_answers(PACK, env, provided)
    return answers, problems + check_answers(PACK, env, answers)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("owner: 1234", "1234"), ("owner: 0012", "0012"), ("owner: no", "no"), ("owner: 1e3", "1e3")],
)
def test_a_string_question_keeps_the_text_as_written(text: str, expected: str) -> None:
    provided = load_yaml_text(f"{COMPLETE}{text}\n", ValueError, keep_text=True)
    answers, problems = resolve(provided)
    assert not problems and answers["owner"] == expected and type(answers["owner"]) is str


def test_a_float_given_by_a_program_is_refused_with_a_hint() -> None:
    _, problems = resolve({**yaml.safe_load(COMPLETE), "project_name": float("nan")})
    assert problems == [("project_name", "must be a string, got a number nan; quote it")]


@pytest.mark.parametrize(
    "cidr",
    ["127.0.0.0/16", "169.254.0.0/16", "0.0.0.0/16", "198.18.0.0/16", "240.0.0.0/16",
     "192.0.2.0/24", "100.64.0.0/16", "fd00::/16"],
)  # fmt: skip
def test_only_rfc1918_ranges_are_private(cidr: str) -> None:
    _, problems = resolve({"project_name": "shop", "environments": [{"name": "dev", "cidr": cidr}]})
    assert any(p == "environments[0].cidr" and "RFC 1918" in r for p, r in problems), problems


@pytest.mark.parametrize("cidr", ["10.1.0.0/16", "172.31.0.0/16", "192.168.0.0/16"])
def test_rfc1918_ranges_pass(cidr: str) -> None:
    complete = yaml.safe_load(COMPLETE)
    _, problems = resolve({**complete, "environments": [{"name": "dev", "cidr": cidr}]})
    assert not problems


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\nb", "'a\\nb'"),
        ("a\u2028b\x85c", "'a\\u2028b\\x85c'"),
        ("\u202egnp.exe", "'\\u202egnp.exe'"),
        ([1, 2], "[1, 2]"),
    ],
)
def test_shown_escapes_line_breaks_and_controls(value: object, expected: str) -> None:
    assert shown(value) == expected


def test_shown_truncates_to_about_60_characters() -> None:
    text = shown("x" * 10_000)
    assert text.startswith("'xxx") and text.endswith("(10000 characters)") and len(text) < 90
