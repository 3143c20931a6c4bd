"""Pack sources: built-in, folder, git (a local bare repository), installed entry point."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from infrascaffold.errors import PackError
from infrascaffold.pack import sources
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.sources import resolve_source, split_git_ref
from tests.builders import build_file_tree

MANIFEST = (
    "name: gitpack\nversion: {v}\ndescription: from git\nquestions: [{{key: a, default: x}}]\n"
)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def bare_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    work = build_file_tree(
        tmp_path / "work", {"pack.yaml": MANIFEST.format(v="1.0.0"), "files/a.txt": "a\n"}
    )
    env = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    git("init", "-q", "-b", "main", cwd=work)
    git("add", ".", cwd=work)
    git(*env, "commit", "-qm", "v1", cwd=work)
    git("tag", "v1", cwd=work)
    (work / "pack.yaml").write_text(MANIFEST.format(v="2.0.0"))
    git(*env, "commit", "-qam", "v2", cwd=work)
    bare = tmp_path / "pack.git"
    git("clone", "-q", "--bare", str(work), str(bare), cwd=tmp_path)
    return bare


def test_git_source_at_a_tag_and_at_head(bare_repo: Path) -> None:
    v1 = load_pack(f"git+file://{bare_repo}@v1")
    assert v1.version == "1.0.0"
    assert (
        v1.source.startswith(f"git+file://{bare_repo}@") and len(v1.source.rsplit("@", 1)[1]) == 40
    )
    head = load_pack(f"git+file://{bare_repo}")
    assert head.version == "2.0.0"
    # The recorded commit resolves again from the cache, for `update`.
    assert load_pack(v1.source).version == "1.0.0"


def test_git_source_errors(bare_repo: Path) -> None:
    with pytest.raises(PackError, match="no branch, tag or commit named .no-such-tag."):
        load_pack(f"git+file://{bare_repo}@no-such-tag")
    with pytest.raises(PackError, match="git clone failed"):
        load_pack(f"git+file://{bare_repo}-missing")


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("git+https://example.com/a/b.git@v1", ("https://example.com/a/b.git", "v1")),
        ("git+https://example.com/a/b.git", ("https://example.com/a/b.git", "HEAD")),
        ("git+ssh://git@example.com/a/b.git", ("ssh://git@example.com/a/b.git", "HEAD")),
        ("git+git@example.com:a/b.git@main", ("git@example.com:a/b.git", "main")),
    ],
)
def test_split_git_ref(ref: str, expected: tuple[str, str]) -> None:
    assert split_git_ref(ref) == expected


def test_entry_point_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_file_tree(tmp_path / "acme", {"pack.yaml": MANIFEST.format(v="3.0.0"), "files/a": ""})
    entry = metadata.EntryPoint(
        name="acme", value="os.path:curdir", group=sources.ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(sources, "_entry_points", lambda: {"acme": entry})
    monkeypatch.chdir(tmp_path / "acme")
    source = resolve_source("acme")
    assert source.label == "entrypoint:acme" and source.root == (tmp_path / "acme").resolve()
    assert load_pack("acme").version == "3.0.0"
    assert set(sources.installed_packs()) == {"acme"}


def test_builtin_and_folder() -> None:
    assert resolve_source("platform").builtin
    assert resolve_source("builtin:platform").label == "builtin:platform"
    with pytest.raises(PackError, match="unknown pack"):
        resolve_source("./nowhere")
