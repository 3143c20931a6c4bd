"""Check 3: calls of local modules match the called module's variables and outputs.

Every argument of a `module` block is a variable of the called module, every variable without a
default is passed, and `module.X.Y` names an output of X. Registry and git sources are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.hcl_doc import Block
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.terraform_model import Module, local_source

SOURCE = "module-source"
UNKNOWN_ARGUMENT = "module-unknown-argument"
MISSING_ARGUMENT = "module-missing-argument"
UNKNOWN_OUTPUT = "module-unknown-output"
META_ARGUMENTS = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})


def check(repo: Repo) -> Iterator[Finding]:
    """Arguments of every local module call, and every `module.X.Y` output reference."""
    for module in repo.modules.values():
        targets: dict[str, Module] = {}
        for path, call in module.top_blocks("module"):
            target = _target(module, path, call, repo.modules)
            if isinstance(target, Finding):
                yield target
            elif target is not None:
                targets[call.labels[0]] = target
                yield from _arguments(path, call, target)
        yield from _outputs(module, targets)


def _target(
    module: Module, path: str, call: Block, modules: Mapping[str, Module]
) -> Module | Finding | None:
    folder = local_source(module, call)
    if folder is None or not call.labels:
        return None
    if folder in modules:
        return modules[folder]
    source = call.body.attr("source")
    line = source.line if source is not None else call.line
    message = (
        f"module {call.labels[0]!r}: source {source.value if source else ''!r} has no .tf files"
    )
    return Finding(SOURCE, path, line, message)


def _arguments(path: str, call: Block, target: Module) -> Iterator[Finding]:
    name = call.labels[0]
    variables = target.declared("variable")
    passed = {attr.name for attr in call.body.attrs}
    for attr in call.body.attrs:
        if attr.name not in META_ARGUMENTS and attr.name not in variables:
            message = f"module {name!r}: {attr.name!r} is not a variable of {target.label}"
            yield Finding(UNKNOWN_ARGUMENT, path, attr.line, message)
    for variable, decl in variables.items():
        required = decl.block is not None and decl.block.body.attr("default") is None
        if required and variable not in passed:
            message = (
                f"module {name!r}: required variable {variable!r} of {target.label} is not passed"
            )
            yield Finding(MISSING_ARGUMENT, path, call.line, message)


def _outputs(module: Module, targets: Mapping[str, Module]) -> Iterator[Finding]:
    outputs = {name: set(target.declared("output")) for name, target in targets.items()}
    for uses in module.uses:
        for ref in uses.refs:
            if ref.root != "module" or len(ref.attrs) < 2 or ref.attrs[0] not in targets:
                continue
            name, output = ref.attrs[0], ref.attrs[1]
            if output not in outputs[name]:
                message = f"module.{name}.{output}: {targets[name].label} has no output {output!r}"
                yield Finding(UNKNOWN_OUTPUT, uses.path, ref.line, message)
