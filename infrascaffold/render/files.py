"""Rendering a pack into an in-memory tree: POSIX path relative to DEST → file text."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.errors import PackError, RenderError, one_line, shown
from infrascaffold.pack.model import FileRule, Pack, is_build_dropping
from infrascaffold.render.limits import DEFAULT_LIMITS, RenderBudget
from infrascaffold.templating.containment import contained, read_pack_text
from infrascaffold.templating.environment import (
    EVALUATION_ERRORS,
    evaluate,
    failure_text,
    render_string,
)

Tree = dict[str, str]
TEMPLATE_SUFFIX = ".j2"


def render_pack(
    pack: Pack,
    env: SandboxedEnvironment,
    context: Mapping[str, Any],
    keep: Mapping[str, str] | None = None,
    budget: RenderBudget | None = None,
    sources: list[str] | None = None,
) -> Tree:
    """Render every selected file of the pack; raise RenderError naming template and path.

    Paths in `keep` (an earlier pass's render) take that text instead of being rendered again.
    The tree is bounded by `budget` (default limits when none is given). `sources`: the pack's
    files as `iter_pack_files` lists them, when a caller rendering twice has them already.
    """
    keep = keep or {}
    budget = budget or RenderBudget(DEFAULT_LIMITS)
    tree: Tree = {}
    for source in iter_pack_files(pack) if sources is None else sources:
        rules = matching_rules(pack.rules, source)
        for scope in _scopes(env, rules, source, context):
            dest = _destination(env, rules, source, scope)
            if dest is None:
                continue
            if dest in tree:
                raise RenderError(f"files/{source} → {dest}", "two templates render to this path")
            budget.add_file(dest)
            if dest in keep:
                tree[dest] = keep[dest]
                budget.add_text(dest, len(keep[dest]))
            else:
                tree[dest] = _render_file(pack, env, source, dest, scope, budget)
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
        contained(files, root)  # `files` itself may be a link
        for path in files.rglob("*"):
            rel = path.relative_to(files).as_posix()
            if not is_build_dropping(rel) and _is_pack_file(path, root):
                found.add(rel)
    if not found and not any((r / "files").is_dir() for r in pack.search_roots):
        raise PackError(str(pack.root / "files"), "the pack has no files/ folder")
    return sorted(found)


def _is_pack_file(path: Path, root: Path) -> bool:
    """A regular file of the pack; a link (or a path through one) out of the pack is refused.

    `rglob` does not descend into linked folders, so only a link itself can lead out of a
    contained `files/`: the others are not resolved (that took most of the listing's time).
    """
    if path.is_symlink():
        contained(path, root)
    return path.is_file()


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
    except EVALUATION_ERRORS as exc:
        raise PackError(
            f"pack.yaml: files ({rule.path})", f"`when: {rule.when}`: {failure_text(exc)}"
        ) from exc


def _items(
    env: SandboxedEnvironment, rule: FileRule, scope: Mapping[str, Any], source: str
) -> list[Any]:
    try:
        items = evaluate(env, str(rule.for_each), scope)
    except EVALUATION_ERRORS as exc:
        raise PackError(
            f"pack.yaml: files ({rule.path})", f"`for_each: {rule.for_each}`: {failure_text(exc)}"
        ) from exc
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
        except EVALUATION_ERRORS as exc:
            raise RenderError(
                f"files/{source}", f"path segment {segment!r}: {failure_text(exc)}"
            ) from exc
        if not rendered.strip():
            return None
        segments.append(rendered)
    if segments[-1].endswith(TEMPLATE_SUFFIX):
        segments[-1] = segments[-1][: -len(TEMPLATE_SUFFIX)]
    return _safe_path("/".join(segments), source)


def _safe_path(path: str, source: str) -> str:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path or "\0" in path:
        raise RenderError(f"files/{source}", f"renders to {shown(path)}, which is outside DEST")
    _refuse_owned_path(pure, source)
    return pure.as_posix()


# Segments no pack may write: git runs hooks and `core.fsmonitor` commands from `.git/` on the
# user's next `git status`; `.infrascaffold/` is the tool's own record.
RESERVED_SEGMENTS = (".git", ".infrascaffold")


def _refuse_owned_path(pure: PurePosixPath, source: str) -> None:
    for part in pure.parts:
        folded = part.lower().rstrip(". ")  # `.GIT`, `.git.` name the same folder on some systems
        if folded in RESERVED_SEGMENTS:
            raise PackError(
                f"files/{source}",
                f"renders to {shown(pure.as_posix())}: a pack may not write into {part}/",
            )


def _render_file(
    pack: Pack,
    env: SandboxedEnvironment,
    source: str,
    dest: str,
    scope: Mapping[str, Any],
    budget: RenderBudget,
) -> str:
    if not source.endswith(TEMPLATE_SUFFIX):
        root = next(r for r in pack.search_roots if (r / "files" / source).is_file())
        text = read_pack_text(root / "files" / source, root, f"files/{source}")
        budget.add_text(dest, len(text))
        return text
    try:
        template = env.get_template(f"files/{source}")
        return budget.collect(dest, template.generate(**scope))
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(
            f"files/{source}:{exc.lineno}", f"template syntax error: {one_line(exc.message or '')}"
        ) from exc
    except jinja2.TemplateError as exc:
        raise RenderError(f"files/{source} → {dest}", one_line(str(exc), 400)) from exc
    except EVALUATION_ERRORS as exc:
        raise PackError(f"files/{source} → {dest}", failure_text(exc)) from exc
