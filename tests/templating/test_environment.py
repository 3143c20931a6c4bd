"""The pack environment's compiled expressions and strings, cached across runs like templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import pytest

from infrascaffold.templating import bytecode, environment
from infrascaffold.templating.environment import evaluate, make_environment, render_string


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _refuse_compiling(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("compiled again instead of loaded from the bytecode cache")


def _next_run() -> None:
    """What a new process sees: the bundles written, nothing kept in memory."""
    bytecode.flush_compiled()
    bytecode._BUNDLES.clear()


def test_expressions_and_strings_are_compiled_once_across_runs(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_environment([tmp_path])
    assert evaluate(first, "cloud == 'aws' and n > 2", {"cloud": "aws", "n": 3}) is True
    assert (
        render_string(first, "{{ name }}-{{ env }}", {"name": "shop", "env": "dev"}) == "shop-dev"
    )
    _next_run()
    assert len(list(cache_home.rglob("bundle-*.bin"))) == 1

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
        _next_run()


def test_a_syntax_error_is_reported_as_jinja_reports_it(cache_home: Path, tmp_path: Path) -> None:
    env = make_environment([tmp_path])
    with pytest.raises(jinja2.TemplateSyntaxError):
        evaluate(env, "{{ (", {})
    with pytest.raises(jinja2.TemplateSyntaxError, match="chunk after expression"):
        evaluate(env, "a b", {})


def test_a_release_never_reads_another_release_s_compiled_code(
    cache_home: Path, tmp_path: Path
) -> None:
    cache = environment._bytecode_cache([tmp_path])
    assert isinstance(cache, bytecode.BundleBytecodeCache)
    folder = cache.bundle.path.parent.name
    assert folder == f"jinja-{environment.__version__}-{jinja2.__version__}"


def _pack(root: Path, count: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (root / f"f{i}.tf.j2").write_text(f'f{i} = "{{{{ name }}}}"\n')
    return root


def test_the_templates_of_a_pack_are_stored_in_one_file_and_read_by_the_next_run(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one file per template cost a tenth of a cold render of 2,000 files (and 2,000 opens warm)
    pack = _pack(tmp_path / "pack", 30)
    env = make_environment([pack])
    assert [env.get_template(f"f{i}.tf.j2").render(name="a") for i in (0, 29)] == [
        'f0 = "a"\n',
        'f29 = "a"\n',
    ]
    for i in range(30):
        env.get_template(f"f{i}.tf.j2")
    _next_run()
    stored = [p for p in cache_home.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].suffix == ".bin"  # no temporary file left behind
    assert stored[0].stat().st_mode & 0o777 == 0o600

    later = make_environment([pack])
    monkeypatch.setattr(later, "compile", _refuse_compiling)
    assert later.get_template("f29.tf.j2").render(name="b") == 'f29 = "b"\n'


def test_an_edited_template_is_compiled_again(cache_home: Path, tmp_path: Path) -> None:
    pack = _pack(tmp_path / "pack", 1)
    assert make_environment([pack]).get_template("f0.tf.j2").render(name="a") == 'f0 = "a"\n'
    _next_run()
    (pack / "f0.tf.j2").write_text('edited = "{{ name }}"\n')
    assert make_environment([pack]).get_template("f0.tf.j2").render(name="a") == 'edited = "a"\n'


def test_two_runs_compiling_different_templates_both_keep_theirs(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = _pack(tmp_path / "pack", 2)
    one = make_environment([pack])
    one.get_template("f0.tf.j2")
    bytecode._BUNDLES.clear()  # another process, started before the first one wrote
    other = make_environment([pack])
    other.get_template("f1.tf.j2")
    bytecode.flush_compiled()  # the second process writes
    assert one.bytecode_cache is not None
    assert isinstance(one.bytecode_cache, bytecode.BundleBytecodeCache)
    one.bytecode_cache.bundle.flush()  # then the first
    _next_run()
    later = make_environment([pack])
    monkeypatch.setattr(later, "compile", _refuse_compiling)
    assert [later.get_template(f"f{i}.tf.j2").render(name="x") for i in (0, 1)] == [
        'f0 = "x"\n',
        'f1 = "x"\n',
    ]


@pytest.mark.parametrize("damage", [b"", b"not a bundle", None])
def test_a_damaged_or_foreign_bundle_is_compiled_again(
    cache_home: Path, tmp_path: Path, damage: bytes | None
) -> None:
    pack = _pack(tmp_path / "pack", 1)
    make_environment([pack]).get_template("f0.tf.j2")
    _next_run()
    (bundle,) = cache_home.rglob("bundle-*.bin")
    if damage is None:  # another Python or Jinja bytecode format
        bundle.write_bytes(b"j2" + bundle.read_bytes()[2:][::-1])
    else:
        bundle.write_bytes(jinja2.bccache.bc_magic + damage)
    assert make_environment([pack]).get_template("f0.tf.j2").render(name="a") == 'f0 = "a"\n'
    _next_run()
    assert make_environment([pack]).get_template("f0.tf.j2").render(name="b") == 'f0 = "b"\n'


def test_a_cache_that_cannot_be_written_is_skipped(cache_home: Path, tmp_path: Path) -> None:
    env = make_environment([tmp_path])
    assert render_string(env, "{{ a }}", {"a": 1}) == "1"
    cache = env.bytecode_cache
    assert isinstance(cache, bytecode.BundleBytecodeCache)
    folder = cache.bundle.path.parent
    folder.rmdir()
    folder.write_text("")  # not a folder any more (root may write anywhere)
    bytecode.flush_compiled()
    assert folder.read_text() == ""


def test_a_write_cut_short_removes_its_temporary_file(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    render_string(make_environment([tmp_path]), "{{ a }}", {"a": 1})

    def interrupted(entries: Any) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(bytecode, "_encode", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bytecode.flush_compiled()
    assert not [p for p in cache_home.rglob("*") if p.is_file()]


def test_a_bundle_past_its_size_keeps_what_the_last_run_used(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = _pack(tmp_path / "pack", 4)
    env = make_environment([pack])
    for i in range(4):
        env.get_template(f"f{i}.tf.j2")
    _next_run()
    monkeypatch.setattr(bytecode, "MAX_ENTRIES", 2)
    env = make_environment([pack])
    env.get_template("f0.tf.j2")  # used (loaded)
    (pack / "f1.tf.j2").write_text("changed\n")
    env.get_template("f1.tf.j2")  # compiled again
    _next_run()
    (bundle,) = cache_home.rglob("bundle-*.bin")
    entries = bytecode._read(bundle)
    assert len(entries) == 2


def test_a_run_that_compiles_nothing_leaves_the_bundle_alone(
    cache_home: Path, tmp_path: Path
) -> None:
    pack = _pack(tmp_path / "pack", 3)
    env = make_environment([pack])
    for i in range(3):
        env.get_template(f"f{i}.tf.j2")
    _next_run()
    (bundle,) = cache_home.rglob("bundle-*.bin")
    before = bundle.stat()
    env = make_environment([pack])
    for i in range(3):
        env.get_template(f"f{i}.tf.j2")
    _next_run()
    after = bundle.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
