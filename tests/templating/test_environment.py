"""The pack environment's compiled expressions and strings, cached across runs like templates."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import jinja2
import pytest

from infrascaffold.templating import environment
from infrascaffold.templating.environment import evaluate, make_environment, render_string


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _refuse_compiling(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("compiled again instead of loaded from the bytecode cache")


def test_expressions_and_strings_are_compiled_once_across_runs(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_environment([tmp_path])
    assert evaluate(first, "cloud == 'aws' and n > 2", {"cloud": "aws", "n": 3}) is True
    assert (
        render_string(first, "{{ name }}-{{ env }}", {"name": "shop", "env": "dev"}) == "shop-dev"
    )
    assert list(cache_home.rglob("*.cache"))

    # a later run: a new environment, whose compiler must not be reached
    later = make_environment([tmp_path])
    monkeypatch.setattr(later, "compile", _refuse_compiling)
    assert evaluate(later, "cloud == 'aws' and n > 2", {"cloud": "gcp", "n": 3}) is False
    assert render_string(later, "{{ name }}-{{ env }}", {"name": "a", "env": "b"}) == "a-b"


def test_the_cached_code_keeps_the_sandbox_and_strict_undefined(
    cache_home: Path, tmp_path: Path
) -> None:
    for _ in range(2):  # compiled, then loaded
        env = make_environment([tmp_path])
        with pytest.raises(jinja2.exceptions.SecurityError):
            evaluate(env, "''.__class__.__mro__", {})
        with pytest.raises(jinja2.UndefinedError):
            evaluate(env, "missing.attr", {})
        with pytest.raises(environment.SandboxLimit):
            evaluate(env, "'x' * 10 ** 9", {})


def test_a_syntax_error_is_reported_as_jinja_reports_it(cache_home: Path, tmp_path: Path) -> None:
    env = make_environment([tmp_path])
    with pytest.raises(jinja2.TemplateSyntaxError):
        evaluate(env, "{{ (", {})
    with pytest.raises(jinja2.TemplateSyntaxError, match="chunk after expression"):
        evaluate(env, "a b", {})


def test_a_release_never_reads_another_release_s_compiled_code(cache_home: Path) -> None:
    cache = environment._bytecode_cache()
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    assert Path(cache.directory).name == f"jinja-{environment.__version__}-{jinja2.__version__}"


def test_a_compiled_template_is_stored_whole_and_read_by_the_next_run(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "main.tf.j2").write_text('name = "{{ name }}"\n')
    assert make_environment([pack]).get_template("main.tf.j2").render(name="a") == 'name = "a"\n'
    stored = [p for p in cache_home.rglob("*") if p.is_file()]
    assert [p.suffix for p in stored] == [".cache"]  # no temporary file left behind
    assert stored[0].stat().st_mode & 0o777 == 0o600

    later = make_environment([pack])
    monkeypatch.setattr(later, "compile", _refuse_compiling)
    assert later.get_template("main.tf.j2").render(name="b") == 'name = "b"\n'


def test_a_cache_that_cannot_be_written_is_skipped(cache_home: Path, tmp_path: Path) -> None:
    env = make_environment([tmp_path])
    cache = env.bytecode_cache
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    Path(cache.directory).rmdir()
    Path(cache.directory).write_text("")  # not a folder any more (root may write anywhere)
    assert render_string(env, "{{ a }}", {"a": 1}) == "1"


def test_storing_a_template_makes_no_named_temporary_file(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Jinja's own dump built one per template: a tenth of a cold render of 2,000 files
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", _refuse_compiling)
    assert render_string(make_environment([tmp_path]), "{{ a }}", {"a": 1}) == "1"
    assert list(cache_home.rglob("*.cache"))


def test_a_write_cut_short_removes_its_temporary_file(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_environment([tmp_path])

    def interrupted(self: Any) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(jinja2.bccache.Bucket, "bytecode_to_string", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render_string(env, "{{ a }}", {"a": 1})
    assert not [p for p in cache_home.rglob("*") if p.is_file()]
