"""Fuzzed answers files: never exit 70, never a traceback, errors as bounded `error:` lines.

Hypothesis generates answers files (YAML built from random values for the pack's keys, raw text
and bytes, YAML specials: aliases, tags, deep nesting, huge numbers, line separators), each one
`infrascaffold new --dry-run`. The bulk, 500 inputs, runs in this process through `run_cli`, the
function the console script calls, with UTF-8 streams like a process's (strict stdout,
`backslashreplace` stderr), so a crash shows as exit 70 or a traceback just as it would there.
A sample runs as real processes of the installed wheel: every YAML special and 40 generated
inputs, for what only a process shows (the console script's exit code, the interpreter's own
output, a crash below Python). Over the whole module: at least 500 inputs, 0 exits 70, 0
tracebacks, and every error is `error: …` lines only, bounded in size.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infrascaffold.cli import run_cli
from tests.builders import build_file_tree

IN_PROCESS = 500
BATCH = 20
BATCHES = 2  # and every special against both packs: 70 processes
WORKERS = 2
# A small pack with every question type and validator, so each process is quick; a fifth of
# the inputs go to the built-in pack.
SMALL_PACK = {
    "pack.yaml": """\
name: fuzz
version: 1.0.0
questions:
  - {key: project_name, validators: [{regex: "[a-z][a-z0-9-]{2,23}"}, {name: true}]}
  - {key: owner, default: team}
  - {key: count, type: int, default: 1, validators: [{min: 1}, {max: 9}]}
  - {key: flag, type: bool, default: false}
  - {key: cloud, type: choice, choices: [aws, gcp, azure], default: aws}
  - {key: tags, type: multichoice, choices: [a, b, c], default: []}
  - key: environments
    type: list
    min_items: 1
    max_items: 5
    default: [{name: dev, cidr: 10.1.0.0/16}]
    validators: [{unique: name}, {disjoint: cidr}]
    fields:
      - {key: name, validators: [{regex: "[a-z]+"}]}
      - {key: cidr, validators: [{cidr: {private: true, min_prefix: 16, max_prefix: 24}}]}
      - {key: size, type: choice, choices: [small, large], default: small}
      - {key: protected, type: bool, default: false}
""",
    "files/main.tf.j2": "name = {{ project_name | hcl }}\nowner = {{ owner | hcl }}\n",
    "files/envs/{{ env.name }}.tfvars.j2": "cidr = {{ env.cidr | hcl }}\n",
    "files/ci.yml.j2": "name: {{ project_name | yaml }}\nrun: echo {{ owner | sh }}\n",
}
KEYS = ["project_name", "owner", "count", "flag", "cloud", "tags", "environments", "repository",
        "ci", "domain", "alert_email", "compute", "nope", "__class__"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["shop", "dev", "10.1.0.0/16", "127.0.0.0/16", "aws", "..", "../../etc",
                     "a\nb", "x\u2028y", "::error::x", "${{ secrets.X }}", "$(touch p)"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["name", "cidr", "size", "protected", "x"]) | st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
record = st.fixed_dictionaries(
    {"name": st.sampled_from(["dev", "prod"]) | values, "cidr": st.sampled_from(["10.1.0.0/16", "10.1.0.0/24"]) | values},
    optional={"size": values, "protected": values, "zone": values},
)  # fmt: skip
mappings = st.dictionaries(st.sampled_from(KEYS), values, max_size=6) | st.fixed_dictionaries(
    {"project_name": st.sampled_from(["shop", "x"]) | values, "environments": st.lists(record | values, max_size=4) | values}
)  # fmt: skip
SPECIALS = [
    b"a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b]\n",
    b"project_name: !!python/object/apply:os.system ['touch pwned']\n",
    b"project_name: !!binary aGVsbG8=\n",
    b"project_name: 2001-12-14t21:59:43.10-05:00\n",
    b"project_name: .nan\nowner: .inf\n",
    b"project_name: 0x1f\nowner: 1_000\n",
    b"? [a, b]\n: c\n",
    b"project_name: " + b"[" * 300 + b"]" * 300 + b"\n",
    b"\xef\xbb\xbfproject_name: shop\n",
    b"project_name: shop\n---\nowner: x\n",
    b"%YAML 1.1\n---\nproject_name: shop\n",
    b"project_name: 9" + b"9" * 4400 + b"\n",
    b"environments: {name: dev}\n",
    b"environments: [[[]]]\n",
    b'project_name: "\\u2028::warning::x"\n',
]


def _dump(value: object) -> bytes:
    try:
        return yaml.safe_dump(value, allow_unicode=True).encode()
    except (yaml.YAMLError, ValueError):
        return repr(value).encode()


answers_files = st.one_of(
    mappings.map(_dump),
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.sampled_from(SPECIALS),
    st.tuples(mappings.map(_dump), st.binary(max_size=8), st.integers(0, 200)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    ),
)


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_file_tree(tmp_path_factory.mktemp("fuzz-pack"), SMALL_PACK)


def new_args(work: str, pack: str) -> list[str]:
    return ["new", str(Path(work) / "dest"), "--pack", pack, "--answers",
            str(Path(work) / "answers.yml"), "--no-input", "--dry-run"]  # fmt: skip


def run_one(exe: Path, pack: str, content: bytes) -> tuple[bytes, int, str]:
    """One input through the installed console script, as a process."""
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "answers.yml").write_bytes(content)
        env = {"PATH": f"{exe.parent}:/usr/bin:/bin", "HOME": work, "LANG": "C.UTF-8",
               "XDG_CACHE_HOME": str(Path(work) / "cache")}  # fmt: skip
        result = subprocess.run(
            [str(exe), *new_args(work, pack)],
            cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        return content, result.returncode, result.stderr


def run_in_process(pack: str, content: bytes) -> tuple[bytes, int, str]:
    """One input through `run_cli` in this process, with a process's UTF-8 streams."""
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "answers.yml").write_bytes(content)
        out, err = io.BytesIO(), io.BytesIO()
        stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
        stderr = io.TextIOWrapper(
            err, encoding="utf-8", errors="backslashreplace", write_through=True
        )
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = run_cli(new_args(work, pack))
        return content, code, err.getvalue().decode()


def check(content: bytes, code: int, stderr: str) -> None:
    assert code in (0, 1, 2), (content[:200], code, stderr[-500:])
    crashed = "Traceback" in stderr or re.search(r"^error: unexpected \w+: ", stderr, re.M)
    assert not crashed, (content[:200], stderr[-500:])
    if code == 2:
        lines = stderr.splitlines()
        assert lines and all(line.startswith("error: ") for line in lines), (
            content[:200],
            stderr[-500:],
        )
        assert len(stderr) < 20_000


@pytest.fixture(scope="module")
def user_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A HOME and cache of their own for the in-process runs, as each process has."""
    home = tmp_path_factory.mktemp("fuzz-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
        yield


SEEN: list[int] = []
RAN: set[str] = set()  # the counted tests that ran in this process


@pytest.fixture(scope="module", autouse=True)
def at_least_500_inputs() -> Iterator[None]:
    """After the module's tests, in whatever order they ran: at least 500 inputs, counted in
    the process that ran the in-process bulk (xdist may run the process samples elsewhere)."""
    yield
    if "in-process" in RAN:
        assert sum(SEEN) >= 500, SEEN
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=bool(os.environ.get("CI")),
)


@settings(FUZZ, max_examples=IN_PROCESS)
@given(content=answers_files, built_in=st.integers(0, 4).map(lambda i: i == 0))
def test_fuzzed_answers_never_crash_in_process(
    user_home: None, small_pack: Path, content: bytes, built_in: bool
) -> None:
    """The bulk: a fifth of the inputs go to the built-in pack, the rest to the small one."""
    check(*run_in_process("platform" if built_in else str(small_pack), content))
    SEEN.append(1)
    RAN.add("in-process")


def run_processes(exe: Path, runs: list[tuple[str, bytes]]) -> None:
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda run: run_one(exe, *run), runs))
    SEEN.append(len(results))
    for result in results:
        check(*result)


def test_yaml_specials_never_crash_a_process(installed_cli: Path, small_pack: Path) -> None:
    """Each special against both packs: the ones that matter most at the process level (alias
    bombs, deep nesting at the interpreter's real stack depth, huge numbers)."""
    run_processes(installed_cli, [(p, c) for c in SPECIALS for p in (str(small_pack), "platform")])
    RAN.add("specials")


@settings(FUZZ, max_examples=BATCHES)
@given(batch=st.lists(answers_files, min_size=BATCH, max_size=BATCH))
def test_fuzzed_answers_never_crash_a_process(
    installed_cli: Path, small_pack: Path, batch: list[bytes]
) -> None:
    packs = [str(small_pack) if i % 5 else "platform" for i in range(len(batch))]
    run_processes(installed_cli, list(zip(packs, batch, strict=True)))
    RAN.add("processes")
