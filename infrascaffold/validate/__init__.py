"""Validation of rendered trees and existing folders: `validate_tree`, `validate_dir`, `Finding`.

One module per check, run in the order of `validation.CHECKS`; each finding names its check id:

| check | ids (severity error unless marked) |
| --- | --- |
| syntax | hcl-syntax, hcl-duplicate, hcl-block-labels, hcl-partial-model (warning), yaml-syntax, file-encoding |
| references | undeclared-reference, duplicate-declaration, each-outside-for-each, count-outside-count |
| module calls | module-source, module-unknown-argument, module-missing-argument, module-unknown-output |
| provider schemas | schema-unknown-type, schema-unknown-argument, schema-missing-argument, schema-not-vendored (warning), schema-version-gap (warning) |
| conventions (warnings) | required-version, provider-version, backend, variable-type, variable-description, output-description |
| environments | tfvars-unknown-variable, tfvars-missing-variable, tfvars-no-module (warning), env-keys-differ (warning), env-cidr-overlap |
| CI files | ci-schema, ci-needs |
| secrets | secret |
"""  # noqa: E501 - a table

from __future__ import annotations

from infrascaffold.validate.findings import Finding, Severity
from infrascaffold.validate.validation import validate_dir, validate_tree

__all__ = ["Finding", "Severity", "validate_dir", "validate_tree"]
