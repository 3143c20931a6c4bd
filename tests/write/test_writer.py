"""Writing into DEST: all or nothing through the journal, DEST itself kept, never deleting files
that were not rendered, and what killed runs leave rolled back by the next one."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from infrascaffold.errors import Terminated, WriteError
from infrascaffold.write import journal
from infrascaffold.write.writer import (
    apply_changes,
    check_destination,
    clean_up,
    refuse_overwrites,
    replace_tree,
    write_tree,
)
from tests.builders import ROOT, build_file_tree


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def leftovers(dest: Path) -> list[str]:
    beside = [p.name for p in dest.parent.iterdir() if ".infrascaffold-" in p.name]
    record = dest / ".infrascaffold"
    inside = [p.name for p in record.iterdir()] if record.is_dir() else []
    return beside + [n for n in inside if n.startswith((".journal", ".discarded", "journal"))]


def test_writes_a_new_folder(tmp_path: Path) -> None:
    dest = tmp_path / "a" / "infra"
    write_tree(dest, {"main.tf": "x\n", "modules/m/main.tf": "y\n", "run.sh": "#!/bin/sh\n"})
    assert snapshot(dest) == {"main.tf": "x\n", "modules/m/main.tf": "y\n", "run.sh": "#!/bin/sh\n"}
    assert os.access(dest / "run.sh", os.X_OK)
    assert not (dest / ".infrascaffold").exists()  # the journal's folder goes when unused
    assert leftovers(dest) == []


def test_empty_folder_is_accepted(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    dest.mkdir()
    write_tree(dest, {"a": "1"})
    assert snapshot(dest) == {"a": "1"}


def test_non_empty_folder_needs_force(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"keep.txt": "mine\n"})
    with pytest.raises(WriteError, match="not empty"):
        write_tree(dest, {"a": "1"})
    assert snapshot(dest) == {"keep.txt": "mine\n"}


def test_force_keeps_files_it_did_not_render_and_replaces_rendered_ones(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"keep.txt": "mine\n", "main.tf": "old\n"})
    (dest / "keep-link.txt").symlink_to(dest / "keep.txt")
    original_inode = (dest / "main.tf").stat().st_ino
    write_tree(dest, {"main.tf": "new\n", "sub/b.tf": "b\n"}, force=True)
    assert snapshot(dest) == {
        "keep.txt": "mine\n",
        "keep-link.txt": "mine\n",
        "main.tf": "new\n",
        "sub/b.tf": "b\n",
    }
    assert (dest / "keep-link.txt").is_symlink()
    assert (dest / "main.tf").stat().st_ino != original_inode  # replaced, not written through


def test_dest_keeps_its_inode_and_what_others_wrote_meanwhile(tmp_path: Path) -> None:
    # A shell sitting in DEST (or git, an editor) keeps seeing the same folder.
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n", "gone.tf": "x\n"})
    inode = dest.stat().st_ino
    (dest / "notes.txt").write_text("written by someone else\n")
    apply_changes(dest, {"main.tf": "new\n"}, ["gone.tf"])
    assert dest.stat().st_ino == inode
    assert snapshot(dest) == {"main.tf": "new\n", "notes.txt": "written by someone else\n"}


def test_a_file_mode_the_team_chose_is_kept(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"tool": "old\n"})
    (dest / "tool").chmod(0o750)
    apply_changes(dest, {"tool": "new\n"})
    assert (dest / "tool").stat().st_mode & 0o777 == 0o750


def test_dest_that_is_a_file_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    dest.write_text("x")
    with pytest.raises(WriteError, match="not a folder"):
        check_destination(dest, force=True)


def test_paths_outside_dest_are_refused(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"a": "1"})
    (dest / "out").symlink_to(tmp_path)
    for rel in ("../evil", "out/evil"):
        with pytest.raises(WriteError, match="outside DEST"):
            apply_changes(dest, {rel: "x"})
    assert not (tmp_path / "evil").exists() and leftovers(dest) == []


def test_a_file_that_links_outside_dest_is_refused_and_a_folder_linked_inside_is_not(
    tmp_path: Path,
) -> None:
    dest = build_file_tree(tmp_path / "infra", {"real/a.tf": "a\n"})
    (tmp_path / "outside.tf").write_text("theirs\n")
    (dest / "main.tf").symlink_to(tmp_path / "outside.tf")
    with pytest.raises(WriteError, match="outside DEST"):
        apply_changes(dest, {"ok.tf": "x\n", "main.tf": "x\n"})
    assert (tmp_path / "outside.tf").read_text() == "theirs\n" and leftovers(dest) == []
    (dest / "alias").symlink_to(dest / "real")
    apply_changes(dest, {"alias/b.tf": "b\n", "new/deep/c.tf": "c\n"})
    assert (dest / "real/b.tf").read_text() == "b\n" and (dest / "new/deep/c.tf").is_file()


def test_a_path_under_a_file_is_refused_and_a_delete_under_one_is_nothing_to_do(
    tmp_path: Path,
) -> None:
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n"})
    with pytest.raises(WriteError, match="is a file; cannot create a folder there"):
        apply_changes(dest, {"a.tf": "x\n", "main.tf/b.tf": "x\n"})
    apply_changes(dest, {"a.tf": "x\n"}, ["main.tf/gone.tf"])  # was NotADirectoryError, exit 70
    assert snapshot(dest) == {"a.tf": "x\n", "main.tf": "old\n"}


def test_new_files_get_the_umask_s_mode_and_scripts_are_executable(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        apply_changes(tmp_path / "infra", {"a.tf": "x\n", "bin/run.sh": "echo\n"})
    finally:
        os.umask(previous)
    assert (tmp_path / "infra/a.tf").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "infra/bin/run.sh").stat().st_mode & 0o777 == 0o755


def test_each_folder_is_resolved_once_not_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2,000 files cost 2,000 resolves and 4,000 folder checks when each was checked on its own
    resolved = []
    real = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        resolved.append(self)
        return real(self, strict)

    monkeypatch.setattr(Path, "resolve", counting)
    apply_changes(tmp_path / "infra", {f"dir{i % 4}/f{i}.tf": "x\n" for i in range(200)})
    assert len(resolved) < 20
    assert len(list((tmp_path / "infra").rglob("*.tf"))) == 200


def test_fresh_git_repository_is_accepted_and_overwrites_are_named(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "repo", {".git/HEAD": "ref\n", "LICENSE": "MIT\n"})
    refuse_overwrites(dest, ["main.tf", "README.md"], force=False)
    (dest / "README.md").write_text("mine\n")
    (dest / "main.tf").write_text("mine\n")
    with pytest.raises(WriteError) as caught:
        refuse_overwrites(dest, ["main.tf", "README.md", "x.tf"], force=False)
    message = caught.value.format_message()
    assert "would overwrite 2 file(s): README.md, main.tf (use --force)" in message
    assert "\n" not in message
    refuse_overwrites(dest, ["main.tf"], force=True)


def test_an_earlier_render_points_to_update(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {".infrascaffold/pack.yaml": "pack: x\n"})
    with pytest.raises(WriteError, match="infrascaffold update"):
        refuse_overwrites(dest, [], force=False)


def test_replace_tree_holds_exactly_the_files(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "expected", {"old.tf": "1", "d/keep.tf": "k"})
    replace_tree(dest, {"d/keep.tf": "2", "new.tf": "3"})
    assert snapshot(dest) == {"d/keep.tf": "2", "new.tf": "3"}


def test_failure_while_staging_leaves_dest_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n"})
    calls = []
    real = journal._write_text

    def failing(path: Path, *args: Any) -> int:
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(path, *args)

    monkeypatch.setattr(journal, "_write_text", failing)
    with pytest.raises(KeyboardInterrupt):
        apply_changes(dest, {f"f{i}.tf": "new\n" for i in range(5)} | {"main.tf": "new\n"})
    assert snapshot(dest) == {"main.tf": "old\n"}
    assert not (dest / ".infrascaffold").exists()


@pytest.mark.parametrize("signal_error", [KeyboardInterrupt, Terminated])
def test_signal_while_applying_rolls_back_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signal_error: type[BaseException]
) -> None:
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n", "gone.tf": "g\n"})
    real = Path.replace
    moved = []

    def interrupted(self: Path, target: Path) -> Path:
        if "staged" in self.parts and len(moved) == 3:
            raise signal_error()
        moved.append(self)
        return real(self, target)

    monkeypatch.setattr(Path, "replace", interrupted)
    # new folders arrive whole (one rename each), then the files of folders that exist
    writes = {"main.tf": "new\n"} | {f"m{j}/n/f{i}.tf": "new\n" for i in range(5) for j in (0, 1)}
    with pytest.raises(signal_error):
        apply_changes(dest, writes | {"x.tf": "new\n", "y.tf": "new\n"}, ["gone.tf"])
    applied = [p.name for p in moved if "staged" in p.parts]  # then the rollback's renames
    assert len(applied) == 3 and {"m0", "m1"} <= set(applied)
    assert snapshot(dest) == {"main.tf": "old\n", "gone.tf": "g\n"}
    assert not (dest / "m0").exists() and not (dest / ".infrascaffold").exists()


def test_a_new_folder_is_one_rename_with_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = build_file_tree(tmp_path / "infra", {"old/keep.tf": "k\n"})
    real = Path.replace
    moved: list[str] = []

    def counted(self: Path, target: Path) -> Path:
        moved.append(Path(target).relative_to(dest).as_posix())
        return real(self, target)

    monkeypatch.setattr(Path, "replace", counted)
    writes = {f"new/sub{j}/f{i}.tf": f"{i}\n" for i in range(50) for j in range(3)}
    apply_changes(dest, writes | {"old/a.tf": "a\n", "b.tf": "b\n"})
    assert sorted(m for m in moved if not m.startswith(".infrascaffold")) == [
        "b.tf",
        "new",
        "old/a.tf",
    ]
    assert snapshot(dest) == writes | {"old/keep.tf": "k\n", "old/a.tf": "a\n", "b.tf": "b\n"}
    assert leftovers(dest) == []


def test_a_run_killed_after_moving_folders_is_rolled_back_by_the_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n", "d/mine.txt": "m\n"})

    def killed(journal_folder: Path) -> None:  # dies after applying, before the cleanup
        raise SystemExit(137)

    monkeypatch.setattr(journal, "_discard", killed)
    writes = {"main.tf": "new\n", "d/e/f.tf": "f\n", "n/a/b.tf": "b\n", "n/c.tf": "c\n"}
    with pytest.raises(SystemExit):
        apply_changes(dest, writes)
    assert (dest / "n/a/b.tf").read_text() == "b\n" and (dest / journal.JOURNAL).is_dir()
    monkeypatch.undo()
    assert journal.recover(dest) == 4
    assert snapshot(dest) == {"main.tf": "old\n", "d/mine.txt": "m\n"}
    assert not (dest / "n").exists() and not (dest / "d/e").exists()


SLOW_WRITE = """
import sys, time
from pathlib import Path
from infrascaffold.write import journal
phase = sys.argv[2]
if phase == "stage":
    real_write = journal._write_text
    def slow_write(*args):
        time.sleep(0.005)
        return real_write(*args)
    journal._write_text = slow_write
else:
    real_apply = journal._apply
    def slow_apply(dest, folder, plan):
        for entry in plan["writes"]:
            time.sleep(0.005)
            real_apply(dest, folder, {"created": plan["created"], "writes": [entry], "deletes": []})
    journal._apply = slow_apply
journal.apply_changes(Path(sys.argv[1]), {f"f{i}.tf": "new" for i in range(2000)} | {"main.tf": "new"})
"""


def kill_mid_write(dest: Path, phase: str, ready: object) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, str(dest), phase], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not ready():  # type: ignore[operator]
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_9_while_staging_leaves_dest_unchanged(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n"})

    def staged_some() -> bool:
        return len(list((dest / ".infrascaffold").rglob("f*.tf"))) > 20

    kill_mid_write(dest, "stage", staged_some)
    outside_record = {k: v for k, v in snapshot(dest).items() if not k.startswith(".infrascaffold")}
    assert outside_record == {"main.tf": "old\n"}
    clean_up(dest)
    assert snapshot(dest) == {"main.tf": "old\n"}
    assert not (dest / ".infrascaffold").exists()


def test_kill_9_while_applying_is_rolled_back_by_the_rerun(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n", "mine.txt": "m\n"})
    inode = dest.stat().st_ino

    def applied_some() -> bool:
        return len(list(dest.glob("f*.tf"))) > 20

    kill_mid_write(dest, "apply", applied_some)
    assert (dest / journal.JOURNAL).is_dir()  # torn, but journaled
    clean_up(dest)
    assert snapshot(dest) == {"main.tf": "old\n", "mine.txt": "m\n"}
    # The rerun of the same write then completes.
    writes = {f"f{i}.tf": "new" for i in range(2000)} | {"main.tf": "new"}
    apply_changes(dest, writes)
    assert snapshot(dest) == writes | {"mine.txt": "m\n"}
    assert dest.stat().st_ino == inode and leftovers(dest) == []


def test_leftovers_of_dead_runs_are_cleaned(tmp_path: Path) -> None:
    dest = build_file_tree(
        tmp_path / "infra",
        {
            "main.tf": "x\n",
            ".infrascaffold/.journal-0123456789ab/staged/main.tf": "half\n",
            ".infrascaffold/.discarded-0123456789ab/plan.json": "{}",
        },
    )
    old = build_file_tree(tmp_path / ".infra.infrascaffold-1a2b3c4d", {"main.tf": "copy\n"})
    other = build_file_tree(tmp_path / ".other.infrascaffold-1a2b3c4d", {"x": "1"})
    apply_changes(dest, {"b.tf": "b\n"})
    assert snapshot(dest) == {"main.tf": "x\n", "b.tf": "b\n"}
    clean_up(dest)
    assert not old.exists() and other.exists()


def test_a_live_run_is_never_rolled_back(tmp_path: Path) -> None:
    plan = '{"writes": [], "deletes": [], "created": []}'
    dest = build_file_tree(tmp_path / "infra", {".infrascaffold/journal/plan.json": plan})
    with (dest / ".infrascaffold/journal/lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # what a running infrascaffold holds
        with pytest.raises(WriteError, match="another infrascaffold run"):
            apply_changes(dest, {"a": "1"})
    apply_changes(dest, {"a": "1"})  # once it is gone, its journal is rolled back
    assert snapshot(dest) == {"a": "1"}
