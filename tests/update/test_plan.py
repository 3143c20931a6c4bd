"""`update`: planning per file (pure), and the command end to end on a small pack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from infrascaffold.cli import cli
from infrascaffold.pack.migrations import Migration, migrate_answers, parse_migrations
from infrascaffold.update.plan import (
    ADDED,
    CONFLICT,
    KEPT_DELETED,
    KEPT_EDITED,
    MERGED,
    RECREATED,
    REMOVED,
    UNCHANGED,
    UPDATED,
    plan_update,
)
from tests.builders import build_file_tree

BASE = "one\ntwo\nthree\nfour\nfive\n"


def action(
    base: dict[str, str], ours: dict[str, str], theirs: dict[str, str], **kw: bool
) -> dict[str, str]:
    return {c.path: c.action for c in plan_update(base, ours, theirs, **kw).changes}


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "expected"),
    [
        ({"f": BASE}, {"f": BASE}, {"f": BASE}, UNCHANGED),
        ({"f": BASE}, {"f": BASE}, {"f": BASE + "six\n"}, UPDATED),
        ({"f": BASE}, {"f": "zero\n" + BASE}, {"f": BASE}, UNCHANGED),
        ({"f": BASE}, {"f": "zero\n" + BASE}, {"f": BASE + "six\n"}, MERGED),
        (
            {"f": BASE},
            {"f": BASE.replace("three", "3")},
            {"f": BASE.replace("three", "III")},
            CONFLICT,
        ),
        ({"f": BASE}, {}, {"f": BASE + "six\n"}, KEPT_DELETED),
        ({}, {}, {"f": BASE}, ADDED),
        ({"f": BASE}, {"f": BASE}, {}, REMOVED),
        ({"f": BASE}, {"f": BASE + "mine\n"}, {}, KEPT_EDITED),
        ({"f": BASE}, {}, {}, UNCHANGED),
        ({}, {"f": "mine\n"}, {"f": "theirs\n"}, CONFLICT),
        ({}, {"f": BASE}, {"f": BASE}, UNCHANGED),
    ],
)
def test_plan_per_file(
    base: dict[str, str], ours: dict[str, str], theirs: dict[str, str], expected: str
) -> None:
    assert action(base, ours, theirs) == {"f": expected}


def test_recreate_deleted() -> None:
    plan = plan_update({"f": BASE}, {}, {"f": BASE}, recreate_deleted=True)
    assert plan.changes[0].action == RECREATED and plan.writes() == {"f": BASE}


lines = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=1, max_size=12)


@given(
    files=st.dictionaries(st.sampled_from(["x.txt", "y.md", "z.txt"]), lines, min_size=1),
    edits=st.dictionaries(st.sampled_from(["x.txt", "y.md", "z.txt"]), lines),
)
@settings(max_examples=150, deadline=None)
def test_unchanged_answers_change_nothing(
    files: dict[str, list[str]], edits: dict[str, list[str]]
) -> None:
    base = {p: "\n".join(ls) + "\n" for p, ls in files.items()}
    ours = {**base, **{p: "\n".join(ls) + "\n" for p, ls in edits.items() if p in base}}
    plan = plan_update(base, ours, base)
    assert plan.changing == ()


def test_migrations_rename_and_default() -> None:
    migrations = parse_migrations(
        [
            {"version": "0.3.0", "defaults": {"cache": "none"}},
            {"version": "0.2.0", "rename": {"size_class": "size"}},
        ],
        "pack.yaml: migrations",
    )
    assert [m.version for m in migrations] == ["0.2.0", "0.3.0"]
    assert migrate_answers({"size_class": "small"}, "0.1.0", migrations) == {
        "size": "small",
        "cache": "none",
    }
    assert migrate_answers({"size_class": "small"}, "0.2.0", migrations) == {
        "size_class": "small",
        "cache": "none",
    }
    assert migrate_answers({"x": 1}, "0.3.0", (Migration("0.3.0", {}, {"y": 2}),)) == {"x": 1}


PACK_V1 = """\
name: tiny
version: 1.0.0
questions:
  - {key: greeting, default: hello}
  - key: envs
    type: list
    default: [{name: dev}]
    fields: [{key: name}]
files:
  - {path: envs, to: environments, for_each: envs, as: env}
"""


def make_pack(root: Path, version: str = "1.0.0", extra: dict[str, str] | None = None) -> Path:
    return build_file_tree(
        root,
        {
            "pack.yaml": PACK_V1.replace("1.0.0", version),
            "files/notes.md.j2": "# Notes\n\n{{ greeting }}\n\nline a\nline b\nline c\n",
            "files/envs/{{ env.name }}.txt.j2": "env {{ env.name }}\n",
            **(extra or {}),
        },
    )


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_update_merges_edits_and_adds_environments(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    dest = tmp_path / "repo" / "infra"
    assert invoke("new", str(dest), "--pack", str(pack), "--defaults")[0] == 0
    (dest / "notes.md").write_text("# Notes\n\nhello\n\nline a\nline b EDITED\nline c\n")
    code, out, err = invoke(
        "update", str(dest), "--set", "greeting=hi", "--set", "envs.1.name=prod"
    )
    assert code == 0, err
    assert (dest / "notes.md").read_text() == "# Notes\n\nhi\n\nline a\nline b EDITED\nline c\n"
    assert (dest / "environments" / "prod.txt").read_text() == "env prod\n"
    assert "added         environments/prod.txt" in out
    recorded = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert recorded["greeting"] == "hi"
    assert invoke("update", str(dest), "--check") == (0, "up to date\n", "")


def test_conflicts_exit_1_then_resolution_makes_the_next_update_clean(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    dest = tmp_path / "infra"
    invoke("new", str(dest), "--pack", str(pack), "--defaults")
    (dest / "notes.md").write_text("# Notes\n\nyo\n\nline a\nline b\nline c\n")
    code, out, _ = invoke("update", str(dest), "--set", "greeting=hi", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["conflicts"] == 1 and report["changes"][0]["path"] == "notes.md"
    text = (dest / "notes.md").read_text()
    assert "<<<<<<< yours\nyo\n||||||| base\nhello\n=======\nhi\n>>>>>>> template\n" in text
    code, _, err = invoke("update", str(dest))
    assert code == 2 and "unresolved conflict markers" in err
    (dest / "notes.md").write_text("# Notes\n\nyo and hi\n\nline a\nline b\nline c\n")
    assert invoke("update", str(dest))[0] == 0
    assert (dest / "notes.md").read_text() == "# Notes\n\nyo and hi\n\nline a\nline b\nline c\n"


def test_deleted_files_stay_deleted_and_dropped_files_are_removed(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    dest = tmp_path / "infra"
    invoke("new", str(dest), "--pack", str(pack), "--defaults", "--set", "envs.1.name=prod")
    (dest / "notes.md").unlink()
    code, out, _ = invoke("update", str(dest), "--set", "greeting=hi")
    assert code == 0 and not (dest / "notes.md").exists()
    (dest / "environments" / "prod.txt").write_text("env prod\nmine\n")
    code, out, _ = invoke(
        "update",
        str(dest),
        "--answers",
        str(build_file_tree(tmp_path, {"a.yml": "envs: [{name: dev}]\n"}) / "a.yml"),
    )
    assert code == 0
    assert "kept-edited" in out and (dest / "environments" / "prod.txt").exists()
    code, _, _ = invoke("update", str(dest), "--recreate-deleted")
    assert (dest / "notes.md").exists()


def test_dry_run_diff_and_check_write_nothing(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    dest = tmp_path / "infra"
    invoke("new", str(dest), "--pack", str(pack), "--defaults")
    before = {p: p.read_text() for p in dest.rglob("*") if p.is_file()}
    code, out, _ = invoke("update", str(dest), "--set", "greeting=hi", "--dry-run", "--diff")
    assert code == 0 and "-hello\n+hi\n" in out
    assert invoke("update", str(dest), "--set", "greeting=hi", "--check")[0] == 1
    assert {p: p.read_text() for p in dest.rglob("*") if p.is_file()} == before


def test_check_reports_a_newer_pack_version(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    dest = tmp_path / "infra"
    invoke("new", str(dest), "--pack", str(pack), "--defaults")
    make_pack(pack, version="1.1.0")
    code, out, _ = invoke("update", str(dest), "--check")
    assert code == 1 and "1.0.0 → 1.1.0" in out


def test_update_of_a_folder_not_made_by_infrascaffold(tmp_path: Path) -> None:
    code, _, err = invoke("update", str(tmp_path))
    assert code == 2 and "not made by infrascaffold" in err
    code, _, err = invoke("update", str(tmp_path / "missing"))
    assert code == 2 and "no such folder" in err
