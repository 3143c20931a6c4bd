"""Everything the checks read about a tree, parsed once: HCL documents, YAML nodes, modules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from infrascaffold.validate.hcl_doc import Doc
from infrascaffold.validate.parse_cache import parse_all
from infrascaffold.validate.settings import Settings
from infrascaffold.validate.terraform_model import Module, build_modules
from infrascaffold.validate.tf_json import JSON_SUFFIXES, parse_tf_json
from infrascaffold.validate.yaml_cache import yaml_docs as parse_yaml_docs
from infrascaffold.validate.yaml_docs import YamlDoc

HCL_SUFFIXES = (".tf", ".tfvars", ".hcl")
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Repo:
    """A tree (POSIX path → text) and what was parsed from it."""

    files: Mapping[str, str]
    hcl: Mapping[str, Doc]
    yaml: Mapping[str, YamlDoc]
    modules: Mapping[str, Module]
    settings: Settings = Settings()


def build_repo(
    tree: Mapping[str, str],
    cache_dir: Path | None = None,
    settings: Settings | None = None,
    not_parsed: frozenset[str] = frozenset(),
    tree_key: str | None = None,
) -> Repo:
    """Parse the HCL files (through the parse cache: one bundle for the tree when `tree_key`
    names it), the JSON configuration files and the YAML files of `tree` (their verdicts
    cached beside the bundle, `yaml_cache`; not those in `not_parsed`: templates)."""
    parsed = {path: text for path, text in tree.items() if path not in not_parsed}
    hcl = parse_all(
        {p: t for p, t in parsed.items() if p.endswith(HCL_SUFFIXES)},
        cache_dir,
        tree_key=tree_key,
    )
    hcl.update(
        (path, parse_tf_json(text, path.endswith(".tfvars.json")))
        for path, text in parsed.items()
        if path.endswith(JSON_SUFFIXES)
    )
    yaml_texts = {p: t for p, t in parsed.items() if p.endswith(YAML_SUFFIXES)}
    yaml_docs = {
        path: doc
        for path, doc in parse_yaml_docs(yaml_texts, cache_dir, tree_key).items()
        if not _is_template(doc, yaml_texts[path])
    }
    return Repo(tree, hcl, yaml_docs, build_modules(hcl), settings or Settings())


def _is_template(doc: YamlDoc, text: str) -> bool:
    """YAML that does not parse and holds HCL template markers is a `templatefile` template
    whose call this tree does not show (its path is computed): not a YAML document."""
    return doc.problem is not None and ("${" in text or "%{" in text)
