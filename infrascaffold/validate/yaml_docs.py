"""YAML files as node trees with lines (PyYAML's compose step, which ignores custom tags).

Composing without constructing keeps every key a string (`on:` stays "on", as YAML 1.2 and
GitHub read it) and accepts tags such as GitLab's `!reference`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from infrascaffold.validate.hcl_doc import Problem

if TYPE_CHECKING:  # PyYAML is imported by the functions that read YAML: a tree without any
    import yaml  # does not load it

SYNTAX = "yaml-syntax"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_UNCLOSED = ("while parsing a flow", "while scanning a quoted scalar")


@dataclass(frozen=True)
class YamlDoc:
    """One YAML file: the problem that stopped its parse, or None, and its documents.

    A verdict read from the cache (`yaml_cache`) composes the documents only when a check
    asks for them (CI files, kustomize trees): most YAML files of a tree only need the verdict.
    """

    problem: Problem | None
    text: str = field(default="", repr=False, compare=False)

    @functools.cached_property
    def nodes(self) -> tuple[yaml.Node, ...]:
        """Every document's root node; none when the file does not parse."""
        return () if self.problem is not None else _compose(self.text)

    @property
    def root(self) -> yaml.Node | None:
        """The first document, if any."""
        return self.nodes[0] if self.nodes else None


def parse_yaml(text: str, keep_nodes: bool = True) -> YamlDoc:
    """Compose every document of `text`; a syntax error becomes a `yaml-syntax` problem.

    With `keep_nodes=False` the text is only judged (`_judge`) and its documents are composed
    when a check asks for them (`YamlDoc.nodes`), as for a verdict read from the cache.
    """
    import yaml

    try:
        nodes = _compose(text) if keep_nodes else _judge(text)
    except yaml.MarkedYAMLError as exc:
        context = f" ({exc.context})" if exc.context else ""
        message = f"YAML syntax error: {exc.problem}{context}"
        return YamlDoc(Problem(SYNTAX, _error_line(exc), message))
    except yaml.YAMLError as exc:
        return YamlDoc(Problem(SYNTAX, 1, f"YAML error: {exc}"))
    doc = YamlDoc(None, text)
    if keep_nodes:
        doc.__dict__["nodes"] = nodes  # composed already: what `cached_property` would store
    return doc


def _compose(text: str) -> tuple[yaml.Node, ...]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return tuple(node for node in yaml.compose_all(text, Loader=loader) if node is not None)


def _judge(text: str) -> tuple[yaml.Node, ...]:
    """Compose `text` as `_compose` does, for its errors only: the same parser and composer
    (so the same errors, at the same marks), with every tag left unresolved. Resolving a plain
    scalar's tag is PyYAML's only Python-level step of a compose (a third of its time on
    terraform-google-network's 220 KB of YAML) and cannot fail; the nodes are dropped."""
    import yaml

    for _ in yaml.compose_all(text, Loader=_verdict_loader()):
        pass
    return ()


@functools.cache
def _verdict_loader() -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return type("VerdictLoader", (base,), {"resolve": _unresolved_tag})


def _unresolved_tag(loader: object, kind: object, value: object, implicit: object) -> str:
    return _STR_TAG  # no check reads a judged node: any string will do


def _error_line(exc: yaml.MarkedYAMLError) -> int:
    """Where the defect is: the opening of an unclosed bracket or quote, else where it shows."""
    unclosed = (exc.context or "").startswith(_UNCLOSED)
    mark = exc.context_mark if unclosed and exc.context_mark else exc.problem_mark
    return int(mark.line) + 1 if mark is not None else 1


def line_of(node: yaml.Node) -> int:
    """The 1-based line where `node` starts."""
    return int(node.start_mark.line) + 1


def mapping_items(node: yaml.Node | None) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of a mapping with scalar keys, `<<` merges expanded."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return []
    items: list[tuple[str, yaml.Node, yaml.Node]] = []
    for key, value in node.value:
        if key.tag == _MERGE_TAG:
            merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
            items.extend(item for source in merged for item in mapping_items(source))
        elif isinstance(key, yaml.ScalarNode):
            items.append((str(key.value), key, value))
    return items


def mapping_get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node of `key` in a mapping node (the last one wins, as in YAML loaders)."""
    found = None
    for name, _, value in mapping_items(node):
        if name == key:
            found = value
    return found


def sequence_items(node: yaml.Node | None) -> list[yaml.Node]:
    """The items of a sequence node; a scalar counts as a one-item sequence."""
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return [node] if isinstance(node, yaml.ScalarNode) else []


def line_of_path(root: yaml.Node, path: Sequence[str | int]) -> int:
    """The line of the deepest node along a JSON path (keys and list indexes) from `root`."""
    import yaml

    node, line = root, line_of(root)
    for step in path:
        if isinstance(step, int) and isinstance(node, yaml.SequenceNode):
            if step >= len(node.value):
                break
            node = node.value[step]
            line = line_of(node)
            continue
        match = [(key, value) for name, key, value in mapping_items(node) if name == str(step)]
        if not match:
            break
        key_node, node = match[-1]
        line = line_of(key_node)
    return line
