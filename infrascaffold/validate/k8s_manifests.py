"""Check 9: Kubernetes manifests under a kustomize tree match their schemas; patches and
replacements name objects the kustomization's resources hold.

A folder with a `kustomization.yaml` and everything below it is a kustomize tree. Every YAML
document there with `apiVersion` and `kind` (not the kustomizations, not patch files) is checked
against the vendored schema of its kind (`k8s_schemas`); a kind of a built-in group or Argo
Rollouts without one is a warning, other custom resources are not checked. Strategic-merge patches
are checked against their kind's schema without `required`; every patch, `replacements` source
and target names a kind/name the resources (files, folders and generators, recursively) define.
JSON 6902 patch operations are not checked beyond their target.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.yaml_data import node_data
from infrascaffold.validate.yaml_docs import line_of, line_of_path

if TYPE_CHECKING:  # PyYAML is imported by the functions that read YAML: a tree without any
    import yaml  # does not load it

SCHEMA = "k8s-schema"
NOT_VENDORED = "k8s-kind-not-vendored"
TARGET = "k8s-patch-target"
KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")
BUILT_IN_GROUPS = frozenset(
    {"", "apps", "autoscaling", "policy", "networking.k8s.io", "batch", "argoproj.io"}
)
Objects = set[tuple[str, str]]


def check(repo: Repo) -> Iterator[Finding]:
    """Schema and patch-target findings of every kustomize tree in `repo`."""
    roots = {path: posixpath.dirname(path) for path in repo.yaml if _is_kustomization(path)}
    if not roots:
        return
    patch_files = {p for path in roots for p in _patch_files(repo, path)}
    for path, doc in repo.yaml.items():
        if path in roots or path in patch_files or not _under(path, roots.values()):
            continue
        for node in doc.nodes:
            yield from _object_findings(path, node, patch=False)
    for path in roots:
        yield from _kustomization_findings(repo, path)


def _is_kustomization(path: str) -> bool:
    return posixpath.basename(path) in KUSTOMIZATIONS


def _under(path: str, folders: Any) -> bool:
    return any(not folder or path.startswith(folder + "/") for folder in folders)


def _kustomization(repo: Repo, path: str) -> dict[str, Any]:
    doc = repo.yaml.get(path)
    data = node_data(doc.root) if doc is not None and doc.root is not None else None
    return data if isinstance(data, dict) else {}


def _patch_files(repo: Repo, path: str) -> Iterator[str]:
    data = _kustomization(repo, path)
    folder = posixpath.dirname(path)
    entries = [p.get("path") for p in data.get("patches") or [] if isinstance(p, dict)]
    for entry in [*entries, *(data.get("patchesStrategicMerge") or [])]:
        if isinstance(entry, str) and "\n" not in entry:
            yield posixpath.normpath(posixpath.join(folder, entry))


def _object_findings(path: str, node: yaml.Node, *, patch: bool) -> Iterator[Finding]:
    data = node_data(node)
    if not isinstance(data, dict):
        return
    api, kind = data.get("apiVersion"), data.get("kind")
    if not isinstance(api, str) or not isinstance(kind, str):
        return
    from infrascaffold.validate import k8s_schemas

    key = f"{api}/{kind}"
    if not k8s_schemas.is_vendored(key):
        group = api.split("/")[0] if "/" in api else ""
        if group in BUILT_IN_GROUPS:
            message = f"{key}: no vendored Kubernetes 1.33 schema for this kind (not checked)"
            yield Finding(NOT_VENDORED, path, line_of(node), message, "warning")
        return
    for steps, message in k8s_schemas.schema_errors(key, data, patch=patch):
        yield Finding(SCHEMA, path, line_of_path(node, steps), f"{kind}: {message}")


def defined_objects(repo: Repo, path: str, seen: frozenset[str] = frozenset()) -> Objects:
    """(kind, name) of every object the kustomization at `path` builds (before patches)."""
    data = _kustomization(repo, path)
    folder = posixpath.dirname(path)
    found: Objects = set()
    for generator, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
        found |= {
            (kind, str(g.get("name"))) for g in data.get(generator) or [] if isinstance(g, dict)
        }
    for entry in data.get("resources") or []:
        target = posixpath.normpath(posixpath.join(folder, str(entry)))
        nested = [f"{target}/{name}" for name in KUSTOMIZATIONS if f"{target}/{name}" in repo.yaml]
        if nested and nested[0] not in seen:
            found |= defined_objects(repo, nested[0], seen | {path})
        elif target in repo.yaml:
            found |= {_kind_name(node_data(node)) for node in repo.yaml[target].nodes}
    return found - {("", "")}


def _kind_name(data: Any) -> tuple[str, str]:
    if not isinstance(data, dict) or not isinstance(data.get("metadata"), dict):
        return ("", "")
    return (str(data.get("kind", "")), str(data["metadata"].get("name", "")))


def _kustomization_findings(repo: Repo, path: str) -> Iterator[Finding]:
    data = _kustomization(repo, path)
    root = repo.yaml[path].root
    if root is None:
        return
    objects = defined_objects(repo, path)
    for index, patch in enumerate(data.get("patches") or []):
        if isinstance(patch, dict):
            yield from _patch_findings(repo, path, root, objects, ["patches", index], patch)
    for index, item in enumerate(data.get("replacements") or []):
        if not isinstance(item, dict):
            continue
        selectors = [(["source"], item.get("source"))] + [
            ([ "targets", n, "select"], t.get("select"))
            for n, t in enumerate(item.get("targets") or []) if isinstance(t, dict)
        ]  # fmt: skip
        for steps, selector in selectors:
            where = ["replacements", index, *steps]
            yield from _target_findings(path, root, objects, where, selector)


def _patch_findings(
    repo: Repo, path: str, root: yaml.Node, objects: Objects, where: list[Any], patch: Any
) -> Iterator[Finding]:
    import yaml

    if patch.get("target") is not None:
        yield from _target_findings(path, root, objects, [*where, "target"], patch["target"])
        return
    text, source = patch.get("patch"), path
    if not isinstance(text, str) and isinstance(patch.get("path"), str):
        source = posixpath.normpath(posixpath.join(posixpath.dirname(path), patch["path"]))
        text = repo.files.get(source)
    if not isinstance(text, str):
        return
    for node in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if node is None:
            continue
        kind, name = _kind_name(node_data(node))
        if (kind, name) not in objects:
            line = line_of_path(root, where) if source == path else line_of(node)
            message = f"the patch names {kind}/{name}, which the resources do not define"
            yield Finding(TARGET, source, line, message)
        elif source != path:
            yield from _object_findings(source, node, patch=True)


def _target_findings(
    path: str, root: yaml.Node, objects: Objects, where: list[Any], selector: Any
) -> Iterator[Finding]:
    if not isinstance(selector, dict) or not selector.get("kind") or not selector.get("name"):
        return
    kind, name = str(selector["kind"]), str(selector["name"])
    if (kind, name) not in objects:
        message = (
            f"{'.'.join(map(str, where))} names {kind}/{name}, which the resources do not define"
        )
        yield Finding(TARGET, path, line_of_path(root, where), message)
