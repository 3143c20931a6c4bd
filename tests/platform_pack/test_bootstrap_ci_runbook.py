"""The bootstrap runbook gives GitHub what its workflows read, on every cloud.

A review found the GCP runbook with its own GitHub section: no "Protect main", no GitHub
environments (GitHub creates an unprotected one the first time a job names it, so a branch's job
could deploy to prod), and no `GCP_SERVICE_ACCOUNT_PLAN_<ENV>` variables the plan jobs read. Every
cloud now includes the CI system's own steps; these tests derive the variables from the rendered
workflows, so a variable a workflow starts reading fails here until the runbook sets it.
"""

from __future__ import annotations

import re

import pytest

from tests.builders import example_answers, render_answers

# Variables the tool's own pieces set (the GitHub App of fleet updates, the CI root's folder).
NOT_CLOUD = {"INFRASCAFFOLD_APP_CLIENT_ID", "TF_ROOT"}


def workflow_variables(tree: dict[str, str]) -> set[str]:
    text = "\n".join(v for k, v in tree.items() if k.startswith(".github/workflows/"))
    # `env.X || fromJSON(vars.X_MAP)[env.TF_ENV]`: a map kept as a fallback, not required.
    names = set(re.findall(r"(?<!fromJSON\()vars\.([A-Z][A-Z0-9_]*)", text))
    plan = set(re.findall(r"vars\[format\('([A-Z][A-Z0-9_]*)_PLAN_\{0\}'", text))
    return (names - NOT_CLOUD) | {f"{name}_PLAN_" for name in plan}


@pytest.mark.parametrize(
    "example", ["aws-containers", "gcp-containers", "gcp-services", "azure-containers"]
)
def test_the_github_bootstrap_protects_main_creates_environments_and_sets_every_variable(
    example: str,
) -> None:
    answers = example_answers(example)
    assert answers["ci"] == "github-actions"
    tree = render_answers(answers)
    runbook = tree["docs/runbooks/bootstrap.md"]
    assert "### Protect main" in runbook and "branches/main/protection" in runbook
    assert "### Create the GitHub environments" in runbook
    protected = [e["name"] for e in answers["environments"] if e.get("protected")]
    assert all(
        name in runbook[runbook.index("### Create the GitHub environments") :] for name in protected
    )
    variables = workflow_variables(tree)
    assert variables
    for name in variables:
        if name.endswith("_PLAN_"):
            for env in answers["environments"]:
                suffix = env["name"].upper().replace("-", "_")
                assert f"gh variable set {name}{suffix} " in runbook, (name, suffix)
        else:
            assert f"gh variable set {name} " in runbook, name
