"""The pack loader reads templates inside the pack only, links followed, each folder resolved
once."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from infrascaffold.errors import PackError
from infrascaffold.templating.containment import ContainedLoader
from tests.builders import build_file_tree


def _pack(tmp_path: Path) -> Path:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.j2").write_text("outside marker\n")
    return build_file_tree(
        tmp_path / "pack", {"files/a/one.j2": "one\n", "files/b/two.j2": "two\n"}
    )


def _source(pack: Path, template: str) -> str:
    return ContainedLoader([pack]).get_source(jinja2.Environment(), template)[0]


def test_templates_inside_the_pack_are_read_links_inside_included(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    (pack / "files/a/alias.j2").symlink_to(pack / "files/b/two.j2")
    (pack / "files/c").symlink_to(pack / "files/b")
    assert _source(pack, "files/a/one.j2") == "one\n"
    assert _source(pack, "files/a/alias.j2") == "two\n"
    assert _source(pack, "files/c/two.j2") == "two\n"


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_template_leading_outside_is_refused_naming_it(tmp_path: Path, linked: str) -> None:
    pack = _pack(tmp_path)
    if linked == "file":
        (pack / "files/a/evil.j2").symlink_to(tmp_path / "outside/secret.j2")
        template = "files/a/evil.j2"
    else:
        (pack / "files/evil").symlink_to(tmp_path / "outside")
        template = "files/evil/secret.j2"
    loader = ContainedLoader([pack])
    assert loader.get_source(jinja2.Environment(), "files/a/one.j2")[0] == "one\n"
    with pytest.raises(PackError, match="outside the pack") as caught:
        loader.get_source(jinja2.Environment(), template)
    assert template in str(caught.value)


def test_each_folder_is_resolved_once_not_each_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = build_file_tree(
        tmp_path / "pack", {f"files/d{i % 2}/t{i}.j2": f"{i}\n" for i in range(20)}
    )
    loader = ContainedLoader([pack])
    resolved = []
    real = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        resolved.append(self)
        return real(self, strict)

    monkeypatch.setattr(Path, "resolve", counting)
    texts = [
        loader.get_source(jinja2.Environment(), f"files/d{i % 2}/t{i}.j2")[0] for i in range(20)
    ]
    assert texts == [f"{i}\n" for i in range(20)]
    assert len(resolved) <= 4
