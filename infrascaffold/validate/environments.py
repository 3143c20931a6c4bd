"""Check 6a: each `.tfvars` file matches the root module it configures; environments agree.

A `.tfvars` file configures the module its settings map it to (`validate.tfvars`), else the
module in its own folder, else, in the generated layout (`environments/<env>.tfvars`), the
module beside the `environments/` folder. Other `.tfvars` files are not guessed at: they are not
checked. A file may set only variables that module declares, and must set every variable
without a default (values in `terraform.tfvars` and `*.auto.tfvars` beside the module count:
Terraform loads them always).
The environment files of one module set the same optional variables.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.hcl_doc import HCL_SYNTAX, Attr
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.scope import matches
from infrascaffold.validate.terraform_model import Module

UNKNOWN_VARIABLE = "tfvars-unknown-variable"
MISSING_VARIABLE = "tfvars-missing-variable"
NO_MODULE = "tfvars-no-module"
KEYS_DIFFER = "env-keys-differ"


def tfvars_files(repo: Repo) -> list[str]:
    """The `.tfvars` files of the tree that parsed."""
    return sorted(
        path
        for path, doc in repo.hcl.items()
        if path.endswith((".tfvars", ".tfvars.json"))
        and not any(p.check == HCL_SYNTAX for p in doc.problems)
    )


def is_auto_loaded(path: str) -> bool:
    """Terraform loads `terraform.tfvars` and `*.auto.tfvars` without being asked."""
    name = posixpath.basename(path).removesuffix(".json")
    return name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def check(repo: Repo) -> Iterator[Finding]:
    """Unknown and missing variables of every `.tfvars`, and keys environments disagree on."""
    files = tfvars_files(repo)
    if not files or not repo.modules:
        return
    assigned: dict[str, list[str]] = {}
    for path in files:
        mapped = _mapped_folder(path, repo)
        if mapped is not None and mapped not in repo.modules:
            message = f"validate.tfvars maps this file to {mapped or '.'}, which is no module"
            yield Finding(NO_MODULE, path, 1, message, "warning")
            continue
        folder = mapped if mapped is not None else module_folder_of(path, repo.modules)
        if folder is not None:
            assigned.setdefault(folder, []).append(path)
    for folder, paths in assigned.items():
        module = repo.modules[folder]
        settings = {path: _settings(repo, path) for path in paths}
        yield from _against_module(module, settings)
        yield from _keys_differ(
            module, {p: s for p, s in settings.items() if not is_auto_loaded(p)}
        )


def _settings(repo: Repo, path: str) -> dict[str, Attr]:
    return {attr.name: attr for attr in repo.hcl[path].body.attrs}


def _mapped_folder(path: str, repo: Repo) -> str | None:
    for pattern, folder in repo.settings.tfvars.items():
        if matches(path, [pattern]):
            return posixpath.normpath(folder).removeprefix(".")
    return None


def module_folder_of(path: str, modules: Mapping[str, Module]) -> str | None:
    """The module a `.tfvars` file configures by its place: its own folder, or the folder
    beside the `environments/` folder it is in."""
    folder = posixpath.dirname(path)
    if folder in modules:
        return folder
    if posixpath.basename(folder) == "environments":
        parent = posixpath.dirname(folder)
        if parent in modules:
            return parent
    return None


def _against_module(module: Module, settings: Mapping[str, dict[str, Attr]]) -> Iterator[Finding]:
    variables = module.declared("variable")
    required = {
        name
        for name, decl in variables.items()
        if decl.block and decl.block.body.attr("default") is None
    }
    auto_keys = {
        key
        for path, values in settings.items()
        if is_auto_loaded(path) and posixpath.dirname(path) == module.dir
        for key in values
    }
    for path, values in settings.items():
        for name, attr in values.items():
            if name not in variables:
                message = f"{name!r} is not a variable of module {module.label}"
                yield Finding(UNKNOWN_VARIABLE, path, attr.line, message)
        if is_auto_loaded(path):
            continue  # the rest may come from -var, TF_VAR_ or the environment files
        for name in sorted(required - set(values) - auto_keys):
            message = (
                f"does not set {name!r}, a variable of module {module.label} without a default"
            )
            yield Finding(MISSING_VARIABLE, path, 1, message)


def _keys_differ(module: Module, settings: Mapping[str, dict[str, Attr]]) -> Iterator[Finding]:
    """Optional variables set by some environments only: reported where the minority is."""
    if len(settings) < 2:
        return
    variables = module.declared("variable")
    optional = {
        name
        for name, decl in variables.items()
        if decl.block and decl.block.body.attr("default") is not None
    }
    for name in sorted(optional & {key for values in settings.values() for key in values}):
        setters = [path for path, values in settings.items() if name in values]
        lackers = [path for path in settings if path not in setters]
        if not lackers:
            continue
        if len(setters) <= len(lackers):
            for path in setters:
                verb = "does" if len(lackers) == 1 else "do"
                message = f"sets {name!r}, which {_names(lackers)} {verb} not set"
                yield Finding(KEYS_DIFFER, path, settings[path][name].line, message, "warning")
        else:
            for path in lackers:
                verb = "sets" if len(setters) == 1 else "set"
                message = f"does not set {name!r}, which {_names(setters)} {verb}"
                yield Finding(KEYS_DIFFER, path, 1, message, "warning")


def _names(paths: Sequence[str]) -> str:
    return ", ".join(posixpath.basename(path) for path in paths)
