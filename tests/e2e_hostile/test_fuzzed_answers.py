"""Fuzzed answers files through the installed CLI: never exit 70, never a traceback.

Hypothesis generates batches of answers files (YAML built from random values for the pack's
keys, raw text and bytes, YAML specials: aliases, tags, deep nesting, huge numbers, line
separators); each file is one `infrascaffold new --dry-run` process of the installed wheel, run
over a small process pool. Over the whole test: at least 500 inputs, 0 exits 70, 0 tracebacks,
and every error is `error: …` lines only, bounded in size.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import build_file_tree

BATCH = 26
BATCHES = 20  # 520 inputs
WORKERS = 3
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


def run_one(exe: Path, pack: str, content: bytes) -> tuple[bytes, int, str]:
    with tempfile.TemporaryDirectory() as work:
        answers = Path(work) / "answers.yml"
        answers.write_bytes(content)
        env = {"PATH": f"{exe.parent}:/usr/bin:/bin", "HOME": work, "LANG": "C.UTF-8",
               "XDG_CACHE_HOME": str(Path(work) / "cache")}  # fmt: skip
        result = subprocess.run(
            [str(exe), "new", "dest", "--pack", pack, "--answers", str(answers), "--no-input",
             "--dry-run"],
            cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        return content, result.returncode, result.stderr


SEEN: list[int] = []


@settings(
    max_examples=BATCHES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=bool(os.environ.get("CI")),
)
@given(batch=st.lists(answers_files, min_size=BATCH, max_size=BATCH))
def test_fuzzed_answers_never_crash(
    installed_cli: Path, small_pack: Path, batch: list[bytes]
) -> None:
    packs = [str(small_pack) if i % 5 else "platform" for i in range(len(batch))]
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(
            pool.map(lambda a: run_one(installed_cli, *a), zip(packs, batch, strict=True))
        )
    SEEN.append(len(results))
    for content, code, stderr in results:
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


def test_at_least_500_inputs_were_run() -> None:
    """Runs after the property test in file order (xdist keeps a module on one worker with
    `--dist loadfile`; otherwise it is skipped)."""
    if not SEEN:
        pytest.skip("the property test ran in another process")
    assert sum(SEEN) >= 500
