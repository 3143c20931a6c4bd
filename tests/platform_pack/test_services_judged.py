"""Several services (issue 25), judged by the CI systems' own tools on every cloud.

Each `examples/answers/*services*.yml` answer set (three or four services: http, worker, job,
static) renders on both CI systems; actionlint (with shellcheck on every `run:` step, infos
included) judges the GitHub workflows, shellcheck and GitLab's schema the GitLab pipeline. The
per-service deploy steps are the seams between the shared pipelines and the clouds' partials:
a helper a step defines but never calls (a worker's step with the http smoke test) is a finding.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builders import example_answers, render_answers, write_tree_to

ROOT = Path(__file__).parents[2]
SERVICES_EXAMPLES = sorted(p.stem for p in (ROOT / "examples" / "answers").glob("*services*.yml"))
BIN = Path(sys.executable).parent
GITLAB_KEYWORDS = {"stages", "variables", "workflow", "default", "include", "image", "cache"}


def tool(name: str) -> str:
    local = BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def answers_for(example: str, ci: str) -> dict[str, Any]:
    return {**example_answers(example), "ci": ci}


def test_every_cloud_has_a_services_example() -> None:
    clouds = {example_answers(name)["cloud"] for name in SERVICES_EXAMPLES}
    assert clouds == {"aws", "gcp", "azure"}
    for name in SERVICES_EXAMPLES:
        kinds = {s.get("kind", "http") for s in example_answers(name)["services"]}
        assert {"http", "worker"} <= kinds, name


@pytest.mark.parametrize("example", SERVICES_EXAMPLES)
def test_github_workflows_pass_actionlint_with_shellcheck(example: str, tmp_path: Path) -> None:
    tree = render_answers(answers_for(example, "github-actions"))
    repo = write_tree_to(tmp_path / "repo", tree)
    subprocess.run(["git", "init", "-q", str(repo)], check=False)
    workflows = sorted(str(p) for p in (repo / ".github" / "workflows").glob("*.yml"))
    assert workflows
    result = subprocess.run(
        [tool("actionlint"), "-shellcheck", tool("shellcheck"), *workflows],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def gitlab_scripts(pipeline: dict[str, Any]) -> dict[str, str]:
    scripts = {}
    for name, job in pipeline.items():
        if name in GITLAB_KEYWORDS or not isinstance(job, dict):
            continue  # hidden jobs (.deploy) hold the scripts the environments' jobs extend
        for key in ("before_script", "script", "after_script"):
            if key in job:
                scripts[f"{name} {key}"] = "#!/bin/sh\nset -e\n" + "\n".join(job[key]) + "\n"
    return scripts


@pytest.mark.parametrize("example", SERVICES_EXAMPLES)
def test_gitlab_pipeline_passes_its_schema_and_shellcheck(example: str, tmp_path: Path) -> None:
    tree = render_answers(answers_for(example, "gitlab-ci"))
    pipeline_file = write_tree_to(tmp_path / "repo", tree) / ".gitlab-ci.yml"
    schema = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
         "--data-transform", "gitlab-ci", str(pipeline_file)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert schema.returncode == 0, schema.stdout + schema.stderr
    scripts = gitlab_scripts(yaml.safe_load(tree[".gitlab-ci.yml"]))
    names = {}
    for i, (label, text) in enumerate(sorted(scripts.items())):
        path = tmp_path / f"{i}.sh"
        path.write_text(text, encoding="utf-8")
        names[str(path)] = label
    assert any("deploy" in label for label in names.values())
    result = subprocess.run(
        [tool("shellcheck"), "-S", "warning", "-f", "json", *names],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    findings = [
        f"{names[f['file']]} line {f['line'] - 2}: SC{f['code']} {f['message']}"
        for f in json.loads(result.stdout or "[]")
    ]
    assert findings == []
