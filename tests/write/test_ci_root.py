"""CI files at the repository root: which files move, where the root is, and the journal's second
root (all or nothing, only the fixed CI paths outside DEST, killed runs rolled back)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.errors import WriteError
from infrascaffold.write import journal
from infrascaffold.write.ci_root import (
    IN_DEST,
    Placement,
    choose_placement,
    find_repository_root,
    is_ci_entry_point,
    placement_from_record,
    refuse_foreign_root_files,
)
from infrascaffold.write.journal import RootChanges, apply_changes
from infrascaffold.write.writer import clean_up
from tests.builders import build_file_tree
from tests.write.test_writer import snapshot


@pytest.mark.parametrize(
    ("path", "moves"),
    [
        (".github/workflows/terraform.yml", True),
        (".github/workflows/sub/x.yml", True),
        (".github/dependabot.yml", True),
        (".github/infrascaffold/requirements.txt", True),
        (".gitlab-ci.yml", True),
        (".gitlab/infrascaffold/requirements.txt", True),
        (".github/CODEOWNERS", False),  # not an entry point of the CI system
        (".github/workflowsx/a.yml", False),
        ("main.tf", False),
        ("docs/.gitlab-ci.yml", False),
        ("../.github/workflows/a.yml", False),
        (".github/workflows/../../main.tf", False),
        ("/.gitlab-ci.yml", False),
    ],
)
def test_only_the_ci_systems_entry_points_move(path: str, moves: bool) -> None:
    assert is_ci_entry_point(path) is moves


def test_the_root_is_found_by_its_git_folder_or_file(tmp_path: Path) -> None:
    (tmp_path / "app" / ".git").mkdir(parents=True)
    assert find_repository_root(tmp_path / "app" / "infra") == tmp_path / "app"
    assert find_repository_root(tmp_path / "app" / "a" / "b") == tmp_path / "app"
    assert find_repository_root(tmp_path / "app") is None  # DEST is the top: nothing moves
    assert find_repository_root(tmp_path / "elsewhere" / "infra") is None
    worktree = build_file_tree(tmp_path / "wt", {".git": "gitdir: /somewhere/.git/worktrees/wt\n"})
    assert find_repository_root(worktree / "infra") == worktree


def test_placement_defaults_to_the_root_and_obeys_the_flags(tmp_path: Path) -> None:
    (tmp_path / "app" / ".git").mkdir(parents=True)
    dest = tmp_path / "app" / "deploy" / "infra"
    assert choose_placement(dest, None) == Placement(to_root="../..", infra_dir="deploy/infra")
    assert choose_placement(dest, True) == choose_placement(dest, None)
    assert choose_placement(dest, False) == IN_DEST
    assert choose_placement(tmp_path / "app", None) == IN_DEST
    with pytest.raises(WriteError, match="--ci-at-root: not inside a git repository"):
        choose_placement(tmp_path / "solo", True)
    with pytest.raises(WriteError, match="use --no-ci-at-root"):
        choose_placement(tmp_path / "app" / "my infra", None)


def test_the_record_round_trips_and_damage_is_named() -> None:
    placement = Placement(to_root="..", infra_dir="infra")
    assert placement_from_record({"ci_at_root": placement.as_record()}) == placement
    assert placement_from_record({}) == IN_DEST  # a record of an older tool: today's placement
    for damaged in (
        {"repository_root": "/etc", "infra_dir": "infra"},
        {"repository_root": "..", "infra_dir": "../x"},
        {"repository_root": "", "infra_dir": "infra"},
    ):
        with pytest.raises(WriteError, match="ci_at_root"):
            placement_from_record({"ci_at_root": damaged})


def test_placed_paths_and_split() -> None:
    placement = Placement(to_root="..", infra_dir="infra")
    files = {".github/workflows/a.yml": "a", "main.tf": "m", ".github/CODEOWNERS": "c"}
    assert placement.split(files) == (
        {"main.tf": "m", ".github/CODEOWNERS": "c"},
        {".github/workflows/a.yml": "a"},
    )
    assert placement.disk_path(".github/workflows/a.yml") == "../.github/workflows/a.yml"
    assert placement.disk_path("main.tf") == "main.tf"
    assert IN_DEST.split(files) == (files, {})


def test_a_root_file_the_tool_did_not_write_is_refused(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "app", {".gitlab-ci.yml": "theirs\n"})
    placement = Placement(to_root="..", infra_dir="infra")
    with pytest.raises(WriteError) as caught:
        refuse_foreign_root_files(root / "infra", placement, [".gitlab-ci.yml"])
    assert caught.value.path == str(root / ".gitlab-ci.yml")
    assert "not written by infrascaffold" in caught.value.reason
    refuse_foreign_root_files(root / "infra", placement, [".github/workflows/a.yml"])


def test_both_roots_are_written_in_one_step(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "app", {"README.md": "app\n", ".gitlab-ci.yml": "old\n"})
    dest = root / "infra"
    changes = RootChanges(root, {".github/workflows/t.yml": "w\n", ".gitlab-ci.yml": "new\n"})
    apply_changes(dest, {"main.tf": "m\n"}, root=changes)
    assert snapshot(root) == {
        "README.md": "app\n",
        ".gitlab-ci.yml": "new\n",
        ".github/workflows/t.yml": "w\n",
        "infra/main.tf": "m\n",
    }
    apply_changes(dest, {}, root=RootChanges(root, deletes=[".github/workflows/t.yml"]))
    assert not (root / ".github").exists()  # the folders it emptied go too


@pytest.mark.parametrize(
    "path", ["README.md", ".github/CODEOWNERS", "../outside.yml", ".github/workflows/../../x"]
)
def test_only_ci_paths_may_land_at_the_root(tmp_path: Path, path: str) -> None:
    root = build_file_tree(tmp_path / "app", {"README.md": "app\n"})
    with pytest.raises(WriteError, match="outside DEST"):
        apply_changes(root / "infra", {"main.tf": "m\n"}, root=RootChanges(root, {path: "x"}))
    assert snapshot(tmp_path) == {"app/README.md": "app\n"}  # nothing written, DEST not made


def test_a_ci_folder_that_is_a_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "app", {"README.md": "app\n"})
    (tmp_path / "elsewhere").mkdir()
    (root / ".github").symlink_to(tmp_path / "elsewhere")
    changes = RootChanges(root, {".github/workflows/t.yml": "w\n"})
    with pytest.raises(WriteError, match="outside DEST"):
        apply_changes(root / "infra", {"main.tf": "m\n"}, root=changes)
    assert not any((tmp_path / "elsewhere").iterdir())


def test_a_failure_at_the_root_rolls_back_dest_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_file_tree(
        tmp_path / "app", {"infra/main.tf": "old\n", ".gitlab-ci.yml": "old ci\n"}
    )
    real = Path.replace

    def interrupted(self: Path, target: Path) -> Path:
        if "staged-root" in self.parts:
            raise KeyboardInterrupt
        return real(self, target)

    monkeypatch.setattr(Path, "replace", interrupted)
    changes = RootChanges(root, {".gitlab-ci.yml": "new ci\n", ".gitlab/x/r.txt": "r\n"})
    with pytest.raises(KeyboardInterrupt):
        apply_changes(root / "infra", {"main.tf": "new\n", "added.tf": "a\n"}, root=changes)
    assert snapshot(root) == {"infra/main.tf": "old\n", ".gitlab-ci.yml": "old ci\n"}
    assert not (root / ".gitlab").exists() and not (root / "infra" / ".infrascaffold").exists()


def test_a_run_killed_after_the_commit_point_is_rolled_back_at_both_roots(tmp_path: Path) -> None:
    root = build_file_tree(
        tmp_path / "app", {"infra/main.tf": "old\n", ".gitlab-ci.yml": "old ci\n"}
    )
    dest = root / "infra"
    changes = RootChanges(root, {".gitlab-ci.yml": "new ci\n", ".github/workflows/t.yml": "w\n"})
    # Everything applied, then the process dies before the journal is discarded.
    with journal._prepared(dest, {"main.tf": "new\n"}, (), [], changes) as (folder, plan):
        journal._apply(dest, folder, plan)
    assert (root / ".gitlab-ci.yml").read_text() == "new ci\n"
    clean_up(dest)
    assert snapshot(root) == {"infra/main.tf": "old\n", ".gitlab-ci.yml": "old ci\n"}
    assert not (root / ".github").exists()
