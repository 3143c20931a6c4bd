"""Rendering a pack into an in-memory tree: POSIX path relative to DEST → file text."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.errors import PackError, RenderError
from infrascaffold.jinja_env import evaluate, render_string
from infrascaffold.pack import FileRule, Pack, is_build_dropping

Tree = dict[str, str]
TEMPLATE_SUFFIX = ".j2"


def render_pack(
    pack: Pack,
    env: SandboxedEnvironment,
    context: Mapping[str, Any],
    keep: Mapping[str, str] | None = None,
) -> Tree:
    """Render every selected file of the pack; raise RenderError naming template and path.

    Paths in `keep` (an earlier pass's render) take that text instead of being rendered again.
    """
    keep = keep or {}
    tree: Tree = {}
    for source in iter_pack_files(pack):
        rules = matching_rules(pack.rules, source)
        for scope in _scopes(env, rules, source, context):
            dest = _destination(env, rules, source, scope)
            if dest is None:
                continue
            if dest in tree:
                raise RenderError(f"files/{source} → {dest}", "two templates render to this path")
            if dest in keep:
                tree[dest] = keep[dest]
            else:
                tree[dest] = _render_file(pack, env, source, dest, scope)
    return dict(sorted(tree.items()))


def iter_pack_files(pack: Pack) -> list[str]:
    """Paths in the `files/` trees of the pack (and the packs it extends), relative, sorted.

    Links may not point outside their pack.
    """
    found: set[str] = set()
    for root in pack.search_roots:
        files = root / "files"
        if not files.is_dir():
            continue
        pack_root = root.resolve()
        for path in files.rglob("*"):
            if path.is_symlink() and not path.resolve().is_relative_to(pack_root):
                raise PackError(str(path), "is a link pointing outside the pack")
            rel = path.relative_to(files).as_posix()
            if path.is_file() and not is_build_dropping(rel):
                found.add(rel)
    if not found and not any((r / "files").is_dir() for r in pack.search_roots):
        raise PackError(str(pack.root / "files"), "the pack has no files/ folder")
    return sorted(found)


def matching_rules(rules: tuple[FileRule, ...], source: str) -> list[FileRule]:
    """The rules whose path is a whole-segment prefix of `source`, shortest first."""
    found = [r for r in rules if source == r.path or source.startswith(r.path + "/")]
    return sorted(found, key=lambda r: len(r.path))


def _scopes(
    env: SandboxedEnvironment, rules: list[FileRule], source: str, context: Mapping[str, Any]
) -> Iterator[dict[str, Any]]:
    scope = dict(context)
    repeat = [r for r in rules if r.for_each]
    if len(repeat) > 1:
        raise PackError(f"files/{source}", "more than one `for_each` rule applies to this file")
    if not all(_holds(env, r, scope, source) for r in rules if not r.for_each):
        return
    if not repeat:
        yield scope
        return
    rule = repeat[0]
    items = _items(env, rule, scope, source)
    for item in items:
        item_scope = {**scope, rule.as_name: item}
        if _holds(env, rule, item_scope, source):
            yield item_scope


def _holds(
    env: SandboxedEnvironment, rule: FileRule, scope: Mapping[str, Any], source: str
) -> bool:
    if not rule.when:
        return True
    try:
        return bool(evaluate(env, rule.when, scope))
    except jinja2.TemplateError as exc:
        raise RenderError(f"files/{source}", f"rule `when: {rule.when}`: {exc}") from exc


def _items(
    env: SandboxedEnvironment, rule: FileRule, scope: Mapping[str, Any], source: str
) -> list[Any]:
    try:
        items = evaluate(env, str(rule.for_each), scope)
    except jinja2.TemplateError as exc:
        raise RenderError(f"files/{source}", f"rule `for_each: {rule.for_each}`: {exc}") from exc
    if not isinstance(items, list | tuple):
        raise RenderError(f"files/{source}", f"`for_each: {rule.for_each}` is not a list")
    return list(items)


def _destination(
    env: SandboxedEnvironment, rules: list[FileRule], source: str, scope: Mapping[str, Any]
) -> str | None:
    """The rendered destination path, or None when a path segment renders empty."""
    moved = [r for r in rules if r.to is not None]
    relative = source
    if moved:
        rule = moved[-1]
        rest = source[len(rule.path) :].lstrip("/")
        relative = "/".join(p for p in (str(rule.to), rest) if p and p != ".")
    segments = []
    for segment in relative.split("/"):
        try:
            rendered = render_string(env, segment, scope) if "{" in segment else segment
        except jinja2.TemplateError as exc:
            raise RenderError(f"files/{source}", f"path segment {segment!r}: {exc}") from exc
        if not rendered.strip():
            return None
        segments.append(rendered)
    if segments[-1].endswith(TEMPLATE_SUFFIX):
        segments[-1] = segments[-1][: -len(TEMPLATE_SUFFIX)]
    return _safe_path("/".join(segments), source)


def _safe_path(path: str, source: str) -> str:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path or "\0" in path:
        raise RenderError(f"files/{source}", f"renders to {path!r}, which is outside DEST")
    return pure.as_posix()


def _render_file(
    pack: Pack, env: SandboxedEnvironment, source: str, dest: str, scope: Mapping[str, Any]
) -> str:
    if not source.endswith(TEMPLATE_SUFFIX):
        path = next(
            r / "files" / source for r in pack.search_roots if (r / "files" / source).is_file()
        )
        return _read_text(path, source)
    try:
        return env.get_template(f"files/{source}").render(**scope)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(
            f"files/{source}:{exc.lineno}", f"template syntax error: {exc.message}"
        ) from exc
    except jinja2.TemplateError as exc:
        raise RenderError(f"files/{source} → {dest}", str(exc)) from exc


def _read_text(path: Path, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(f"files/{source}", "only text files are supported") from exc
