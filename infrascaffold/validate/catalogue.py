"""Every check id `validate` reports, its group (a key of `validation.CHECKS`) and what it means.

`validate --list-checks` prints this table; `select`, `ignore` and inline ignores accept an id or
a group name.
"""

from __future__ import annotations

from typing import NamedTuple


class CheckInfo(NamedTuple):
    """One check id."""

    id: str
    group: str
    severity: str
    summary: str


CATALOGUE: tuple[CheckInfo, ...] = (
    CheckInfo("hcl-syntax", "syntax", "error", "HCL that Terraform's parser rejects"),
    CheckInfo("hcl-duplicate", "syntax", "error", "an argument set twice in one block"),
    CheckInfo("hcl-block-labels", "syntax", "error", "a block with the wrong number of labels"),
    CheckInfo(
        "hcl-partial-model",
        "syntax",
        "warning",
        "valid HCL whose references cannot be read (its declarations are)",
    ),
    CheckInfo("file-encoding", "syntax", "error", "a configuration file that is not UTF-8"),
    CheckInfo("yaml-syntax", "syntax", "error", "a YAML file that does not parse"),
    CheckInfo(
        "undeclared-reference",
        "references",
        "error",
        "var./local./module./data./resource reference the module does not declare",
    ),
    CheckInfo("duplicate-declaration", "references", "error", "a name declared twice in a module"),
    CheckInfo("each-outside-for-each", "references", "error", "each.* in a block without for_each"),
    CheckInfo("count-outside-count", "references", "error", "count.* in a block without count"),
    CheckInfo("module-source", "module-calls", "error", "a local module source that is no module"),
    CheckInfo(
        "module-unknown-argument", "module-calls", "error", "an argument the called module lacks"
    ),
    CheckInfo(
        "module-missing-argument",
        "module-calls",
        "error",
        "a variable without default the call does not set",
    ),
    CheckInfo(
        "module-unknown-output",
        "module-calls",
        "error",
        "module.X.Y where module X has no output Y",
    ),
    CheckInfo(
        "schema-unknown-type",
        "provider-schemas",
        "error",
        "a resource or data type the aws/google/azurerm/vault provider does not have",
    ),
    CheckInfo(
        "schema-unknown-argument",
        "provider-schemas",
        "error",
        "an argument or block the type's schema lacks (a warning when the module needs a newer"
        " provider than the vendored schema)",
    ),
    CheckInfo(
        "schema-missing-argument", "provider-schemas", "error", "a required argument not set"
    ),
    CheckInfo(
        "schema-not-vendored",
        "provider-schemas",
        "warning",
        "a known type whose arguments are not vendored (not checked)",
    ),
    CheckInfo(
        "schema-version-gap",
        "provider-schemas",
        "warning",
        "the module requires a newer provider than the vendored schema knows",
    ),
    CheckInfo(
        "required-version", "conventions", "warning", "a root module without required_version"
    ),
    CheckInfo(
        "provider-version", "conventions", "warning", "a provider without a version constraint"
    ),
    CheckInfo("backend", "conventions", "warning", "a root module without a backend"),
    CheckInfo("variable-type", "conventions", "warning", "a variable without a type"),
    CheckInfo("variable-description", "conventions", "warning", "a variable without a description"),
    CheckInfo("output-description", "conventions", "warning", "an output without a description"),
    CheckInfo(
        "tfvars-unknown-variable",
        "environments",
        "error",
        "a .tfvars key that is not a variable of its module",
    ),
    CheckInfo(
        "tfvars-missing-variable",
        "environments",
        "error",
        "an environment file that does not set a variable without default",
    ),
    CheckInfo(
        "tfvars-no-module",
        "environments",
        "warning",
        "a configured tfvars mapping whose module folder does not exist",
    ),
    CheckInfo(
        "env-keys-differ",
        "environments",
        "warning",
        "optional variables only some environments set",
    ),
    CheckInfo(
        "env-cidr-overlap",
        "environment-cidrs",
        "error",
        "networks of two known environments overlap",
    ),
    CheckInfo("ci-schema", "ci-files", "error", "a CI file its JSON schema rejects"),
    CheckInfo("ci-needs", "ci-files", "error", "a job that needs a job that does not exist"),
    CheckInfo(
        "secret", "secrets", "error", "a literal credential in configuration or a code block"
    ),
    CheckInfo(
        "k8s-schema",
        "k8s-manifests",
        "error",
        "a manifest under a kustomize tree its Kubernetes 1.33 / Argo Rollouts schema rejects",
    ),
    CheckInfo(
        "k8s-kind-not-vendored",
        "k8s-manifests",
        "warning",
        "a built-in or Argo Rollouts kind without a vendored schema (not checked)",
    ),
    CheckInfo(
        "k8s-patch-target",
        "k8s-manifests",
        "error",
        "a kustomize patch or replacement naming an object the resources do not define",
    ),
)
_GROUPS = {info.id: info.group for info in CATALOGUE}


def group_of(check: str) -> str:
    """The group of a check id (the id itself when it is not catalogued)."""
    return _GROUPS.get(check, check)


def format_catalogue() -> str:
    """The table `validate --list-checks` prints: id, group, default severity, meaning."""
    width = max(len(info.id) for info in CATALOGUE)
    group_width = max(len(info.group) for info in CATALOGUE)
    return "\n".join(
        f"{info.id:<{width}}  {info.group:<{group_width}}  {info.severity:<7}  {info.summary}"
        for info in CATALOGUE
    )
