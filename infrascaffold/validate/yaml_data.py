"""Plain data from composed YAML nodes, read the way YAML 1.2 (and CI systems) read them.

`on:` stays the string "on" (PyYAML's YAML 1.1 would make it True), custom tags such as GitLab's
`!reference [.job, script]` become their plain list, and `<<` merge keys are applied. Reusing the
nodes composed once for every check is much faster than a second, round-trip parse.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # PyYAML is imported by the functions that read YAML: a tree without any
    import yaml  # does not load it


_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)$|0o[0-7]+$|0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {".inf": float("inf"), "-.inf": float("-inf"), "+.inf": float("inf")}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"


def node_data(node: yaml.Node) -> Any:
    """The Python value of a composed node (YAML 1.2 core schema for plain scalars)."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        return _mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return [node_data(item) for item in node.value]
    return _scalar(node)


def _mapping(node: yaml.MappingNode) -> dict[Any, Any]:
    import yaml

    result: dict[Any, Any] = {}
    merged: dict[Any, Any] = {}
    for key, value in node.value:
        if key.tag == _MERGE_TAG:
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in sources:
                data = node_data(source)
                if isinstance(data, dict):
                    merged.update(data)
            continue
        result[_key(node_data(key))] = node_data(value)
    return {**merged, **result}


def _key(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _scalar(node: yaml.Node) -> Any:
    text = str(node.value)
    if node.tag == _STR_TAG or getattr(node, "style", None) in ("'", '"', "|", ">"):
        return text
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~", ""):
        return None
    if _INT.match(text):
        return (
            int(text, 0) if not text.lstrip("+-").startswith("0") or text in "0" else int(text, 0)
        )
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text)
    if lowered in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[lowered]
    return text
