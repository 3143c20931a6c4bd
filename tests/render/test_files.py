"""Rendering a pack into an in-memory tree: rules, repetition, path segments, sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infrascaffold.errors import PackError, RenderError
from infrascaffold.render.context import build_context
from infrascaffold.render.files import render_pack
from infrascaffold.templating.environment import make_environment
from tests.builders import build_file_tree, pack_from

MANIFEST = """\
name: tiny
version: 1.0.0
questions:
  - {key: cloud, type: choice, choices: [aws, gcp], default: aws}
  - {key: db, type: bool, default: false}
  - key: envs
    type: list
    default: [{name: dev}, {name: prod}]
    fields: [{key: name}]
context:
  names: "envs | map(attribute='name') | join(',')"
files:
  - {path: aws, to: ., when: "cloud == 'aws'"}
  - {path: gcp, to: ., when: "cloud == 'gcp'"}
  - {path: aws/db, when: "db"}
  - {path: aws/envs, to: environments, for_each: envs, as: env}
"""


def tiny_pack(tmp_path: Path, files: dict[str, str] | None = None, manifest: str = MANIFEST) -> Any:
    build_file_tree(
        tmp_path,
        {
            "pack.yaml": manifest,
            **(
                files
                or {
                    "files/README.md.j2": "# {{ cloud }} {{ names }}\n",
                    "files/aws/main.tf.j2": '{% import "partials/m.j2" as m %}{{ m.tag(cloud) }}\n',
                    "files/aws/db/db.tf": "# copied verbatim {{ not rendered }}\n",
                    "files/aws/envs/{{ env.name }}.tfvars.j2": "name = {{ env.name | hcl }}\n",
                    "files/gcp/main.tf.j2": "# gcp\n",
                    "partials/m.j2": "{% macro tag(v) %}cloud = {{ v | hcl }}{% endmacro %}",
                }
            ),
        },
    )
    return pack_from(tmp_path)


def render(pack: Any, **answers: Any) -> dict[str, str]:
    env = make_environment(pack.search_roots)
    defaults = {"cloud": "aws", "db": False, "envs": [{"name": "dev"}, {"name": "prod"}]}
    return render_pack(pack, env, build_context(pack, env, {**defaults, **answers}))


def test_rules_select_rewrite_and_repeat(tmp_path: Path) -> None:
    tree = render(tiny_pack(tmp_path))
    assert tree == {
        "README.md": "# aws dev,prod\n",
        "environments/dev.tfvars": 'name = "dev"\n',
        "environments/prod.tfvars": 'name = "prod"\n',
        "main.tf": 'cloud = "aws"\n',
    }


def test_nested_when_and_copied_files(tmp_path: Path) -> None:
    tree = render(tiny_pack(tmp_path), db=True)
    assert tree["db/db.tf"] == "# copied verbatim {{ not rendered }}\n"


def test_other_branch(tmp_path: Path) -> None:
    tree = render(tiny_pack(tmp_path), cloud="gcp")
    assert sorted(tree) == ["README.md", "main.tf"]
    assert tree["main.tf"] == "# gcp\n"


def test_empty_path_segment_drops_the_file(tmp_path: Path) -> None:
    pack = tiny_pack(tmp_path, {"files/{% if db %}extra{% endif %}/x.txt": "x\n"})
    assert render(pack) == {}
    assert render(pack, db=True) == {"extra/x.txt": "x\n"}


def test_undefined_variable_names_template_and_path(tmp_path: Path) -> None:
    pack = tiny_pack(tmp_path, {"files/a.tf.j2": "x = {{ nope }}\n"})
    with pytest.raises(RenderError, match=r"files/a.tf.j2 → a.tf.*'nope' is undefined"):
        render(pack)


def test_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    pack = tiny_pack(tmp_path, {"files/a.tf.j2": "ok\n{% if %}\n"})
    with pytest.raises(RenderError, match=r"files/a.tf.j2:2"):
        render(pack)


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ self._TemplateReference__context }}",
    ],
)
def test_sandbox_blocks_escapes(tmp_path: Path, payload: str) -> None:
    pack = tiny_pack(tmp_path, {"files/a.txt.j2": payload})
    with pytest.raises(RenderError):
        render(pack)


def test_path_segment_cannot_escape_dest(tmp_path: Path) -> None:
    pack = tiny_pack(tmp_path, {"files/aws/envs/{{ env.name }}/x.txt": "x"})
    with pytest.raises(RenderError, match="outside DEST"):
        render(pack, envs=[{"name": "../../etc"}])


def test_duplicate_destination_is_an_error(tmp_path: Path) -> None:
    pack = tiny_pack(tmp_path, {"files/a.txt": "1", "files/{{ 'a.txt' }}": "2"})
    with pytest.raises(RenderError, match="two templates"):
        render(pack)


def test_link_out_of_the_pack_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("s")
    pack = tiny_pack(tmp_path / "pack", {"files/a.txt": "a"})
    (pack.root / "files" / "leak.txt").symlink_to(outside)
    with pytest.raises(PackError, match="outside the pack"):
        render(pack)


def test_include_cannot_read_outside_the_pack(tmp_path: Path) -> None:
    pack = tiny_pack(tmp_path / "pack", {"files/a.txt.j2": "{% include '../../etc/passwd' %}"})
    with pytest.raises(RenderError):
        render(pack)
