"""Check 7: GitHub workflows and `.gitlab-ci.yml` match their JSON schemas; `needs:` name jobs.

The schemas are the ones check-jsonschema vendors (`vendor.github-workflows`,
`vendor.gitlab-ci`), used in-process and offline on the nodes composed once for every check
(`yaml_data.node_data` reads them as YAML 1.2 and turns `!reference` tags into lists, as
check-jsonschema's `gitlab-ci` transform does); check-jsonschema is imported only when a tree
has CI files whose errors are not in the cache (`ci_schema_cache`) and that jsonschema-rs does
not find valid (`ci_prefilter`).
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from infrascaffold.validate.ci_prefilter import surely_valid
from infrascaffold.validate.ci_schema_cache import SchemaError, cached_schema_errors
from infrascaffold.validate.findings import Finding
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.yaml_data import node_data
from infrascaffold.validate.yaml_docs import (
    line_of,
    line_of_path,
    mapping_get,
    mapping_items,
    sequence_items,
)

if TYPE_CHECKING:  # PyYAML is imported by the functions that read YAML: a tree without any
    import yaml  # does not load it

SCHEMA = "ci-schema"
NEEDS = "ci-needs"
SCHEMA_NAMES = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}
GITLAB_KEYWORDS = frozenset(
    {"default", "include", "stages", "variables", "workflow", "image", "services", "cache"}
    | {"before_script", "after_script", "spec", "types"}
)
MAX_MESSAGE = 200


def ci_kind(path: str) -> str | None:
    """Which CI file a YAML path is: "github", "gitlab" (`.gitlab-ci.yml`) or None."""
    folder, name = posixpath.split(path)
    if folder == ".github/workflows":  # GitHub reads workflows only there, subfolders excluded
        return "github"
    if name == ".gitlab-ci.yml":
        return "gitlab"
    return None


def check(repo: Repo) -> Iterator[Finding]:
    """Schema errors and dangling `needs:` of every CI file that parsed."""
    for path, doc in repo.yaml.items():
        kind = ci_kind(path)
        if kind is None or doc.root is None:
            continue
        yield from _schema_findings(path, doc.root, kind)
        if kind == "github":
            yield from _github_needs(path, doc.root)
        else:
            yield from _gitlab_needs(path, doc.root)


def _schema_findings(path: str, root: yaml.Node, kind: str) -> Iterator[Finding]:
    data = node_data(root)
    errors = cached_schema_errors(SCHEMA_NAMES[kind], data, lambda: _schema_errors(kind, data))
    for steps, message in errors:
        yield Finding(SCHEMA, path, line_of_path(root, steps), message)


def _schema_errors(kind: str, data: Any) -> list[SchemaError]:
    """Each schema error's JSON path and message (`location: reason`, shortened): none when
    jsonschema-rs finds the document valid (`ci_prefilter`), else check-jsonschema's."""
    if surely_valid(SCHEMA_NAMES[kind], data):
        return []
    errors: list[SchemaError] = []
    for error in _validator(kind).iter_errors(data):
        best = _most_relevant(error)
        location = ".".join(str(step) for step in best.absolute_path) or "(top level)"
        message = f"{location}: {best.message}"
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 3] + "..."
        errors.append((list(best.absolute_path), message))
    return errors


def _most_relevant(error: Any) -> Any:
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    return best_match([error])


@functools.cache
def _validator(kind: str) -> Any:
    from infrascaffold.validate.ci_validator import schema_validator

    return schema_validator(SCHEMA_NAMES[kind])


def _github_needs(path: str, root: yaml.Node) -> Iterator[Finding]:
    import yaml

    jobs = mapping_items(mapping_get(root, "jobs"))
    names = {name for name, _, _ in jobs}
    for job, _, body in jobs:
        for item in sequence_items(mapping_get(body, "needs")):
            if isinstance(item, yaml.ScalarNode) and item.value not in names:
                message = f"job {job!r} needs {item.value!r}, which is not a job of this workflow"
                yield Finding(NEEDS, path, line_of(item), message)


def _gitlab_needs(path: str, root: yaml.Node) -> Iterator[Finding]:
    items = mapping_items(root)
    if any(name == "include" for name, _, _ in items):
        return  # needed jobs may come from included files
    jobs = {
        name for name, _, _ in items if name not in GITLAB_KEYWORDS and not name.startswith(".")
    }
    for job, _, body in items:
        if job in GITLAB_KEYWORDS:
            continue
        for item in sequence_items(mapping_get(body, "needs")):
            needed = _needed_job(item)
            if needed is not None and needed.value not in jobs:
                message = f"job {job!r} needs {needed.value!r}, which is not a job of this pipeline"
                yield Finding(NEEDS, path, line_of(needed), message)


def _needed_job(item: yaml.Node) -> yaml.ScalarNode | None:
    """The job name node of one `needs:` entry; None for other pipelines or optional needs."""
    import yaml

    if isinstance(item, yaml.ScalarNode):
        return item
    keys = {name: value for name, _, value in mapping_items(item)}
    if "pipeline" in keys or "project" in keys:
        return None
    optional = keys.get("optional")
    if isinstance(optional, yaml.ScalarNode) and optional.value == "true":
        return None
    job = keys.get("job")
    return job if isinstance(job, yaml.ScalarNode) else None
