"""`update` of a folder recorded by an earlier version (a copy per file under
`.infrascaffold/base/`): it merges as before and moves the record to `base.txt` in the same
journaled write; a damaged bundle stops `update` with one line and writes nothing."""

from __future__ import annotations

from pathlib import Path

from infrascaffold.write.record import BASE_FILE, LEGACY_BASE_DIR, load_record
from tests.commands.test_update_lifecycle import git, run_cli
from tests.update.test_plan import make_pack


def old_format(dest: Path) -> dict[str, str]:
    """Rewrite DEST's record as earlier versions wrote it; its base."""
    base = dict(load_record(dest).base)
    for rel, text in base.items():
        path = dest / LEGACY_BASE_DIR / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (dest / BASE_FILE).unlink()
    return base


def committed_render(tmp_path: Path) -> Path:
    pack = make_pack(tmp_path / "pack")
    repo = tmp_path / "repo"
    dest = repo / "infra"
    assert git(tmp_path, "init", "-q", str(repo)).returncode == 0
    done = run_cli("new", str(dest), "--pack", str(pack), "--defaults", "--set", "envs.1.name=qa")
    assert done.returncode == 0, done.stderr
    return dest


def commit(repo: Path) -> None:
    assert git(repo, "add", "-A").returncode == 0
    assert git(repo, "commit", "-qm", "infra").returncode == 0


def test_update_of_an_old_record_merges_and_moves_the_base_into_the_bundle(
    tmp_path: Path,
) -> None:
    dest = committed_render(tmp_path)
    repo = dest.parent
    assert set(old_format(dest)) == {"notes.md", "environments/dev.txt", "environments/qa.txt"}
    (dest / "notes.md").write_text("# Notes\n\nhello\n\nline a\nline b EDITED\nline c\n")
    commit(repo)

    dry = run_cli("update", str(dest), "--set", "greeting=hi", "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert git(repo, "status", "--porcelain").stdout == ""  # a dry run moves nothing

    # The team's edit merges with the pack's change, read against the old base; qa goes.
    answers = tmp_path / "answers.yml"
    answers.write_text("greeting: hi\nenvs: [{name: dev}]\n")
    done = run_cli("update", str(dest), "--answers", str(answers))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (dest / "notes.md").read_text() == "# Notes\n\nhi\n\nline a\nline b EDITED\nline c\n"
    assert not (dest / "environments" / "qa.txt").exists()
    status = git(repo, "status", "--porcelain", "--untracked-files=all").stdout.splitlines()
    assert sorted(status) == [
        " D infra/.infrascaffold/base/environments/dev.txt",
        " D infra/.infrascaffold/base/environments/qa.txt",
        " D infra/.infrascaffold/base/notes.md",
        " D infra/environments/qa.txt",
        " M infra/.infrascaffold/answers.yaml",
        " M infra/notes.md",
        "?? infra/.infrascaffold/base.txt",
    ]
    assert not (dest / LEGACY_BASE_DIR).exists()  # its emptied folders go too
    record = load_record(dest)
    assert record.legacy_files == ()
    assert record.base == {
        "notes.md": "# Notes\n\nhi\n\nline a\nline b\nline c\n",
        "environments/dev.txt": "env dev\n",
    }
    commit(repo)
    check = run_cli("update", str(dest), "--check")
    assert (check.returncode, check.stdout) == (0, "up to date\n")


def test_an_old_record_with_nothing_to_change_is_still_moved(tmp_path: Path) -> None:
    dest = committed_render(tmp_path)
    base = old_format(dest)
    commit(dest.parent)
    done = run_cli("update", str(dest))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (dest / LEGACY_BASE_DIR).exists() and load_record(dest).base == base


def test_a_damaged_bundle_stops_update_with_one_line(tmp_path: Path) -> None:
    dest = committed_render(tmp_path)
    bundle = dest / BASE_FILE
    bundle.write_text(bundle.read_text().replace('"notes.md" 7 lines', '"notes.md" 70 lines'))
    commit(dest.parent)
    done = run_cli("update", str(dest), "--set", "greeting=hi")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {bundle}:")
    assert "the base bundle is damaged: 'notes.md' should have 70 line(s)" in done.stderr
    assert done.stderr.count("\n") == 1 and done.stdout == ""
    assert git(dest.parent, "status", "--porcelain").stdout == ""
