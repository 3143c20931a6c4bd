"""The create- and destroy-environment runbooks' infrascaffold steps, run as written.

The bash blocks of a real render's runbooks run in bash against that render (a git work tree),
with the installed console script: `env add` puts the new environment where the runbook says,
and `env remove` refuses until the state check has written its marker, then removes it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.builders import run_step
from tests.commands.test_update_lifecycle import git, run_cli


def block_after(markdown: str, heading: str) -> str:
    """The first bash block of the section titled `heading`."""
    section = markdown.split(f"### {heading}\n", 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, re.S)
    assert match, heading
    return match.group(1)


def env_names(dest: Path) -> list[str]:
    answers = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    return [env["name"] for env in answers["environments"]]


@pytest.mark.parametrize("example", ["aws-containers", "azure-kubernetes-canary"])
def test_an_environment_is_added_and_removed_as_the_runbooks_say(
    example: str, tmp_path: Path
) -> None:
    dest = tmp_path / "infra"
    done = run_cli("new", str(dest), "--example", example, "--no-input")
    assert done.returncode == 0, done.stderr
    git(dest, "init", "-q")
    before = env_names(dest)

    create = (dest / "docs/runbooks/create-environment.md").read_text()
    add = block_after(create, "Add the environment to the answers, in promotion order")
    unset = run_step(add, dest)  # the new environment's own account/subscription is required
    ids = {"ACCOUNT_ID": "444444444444", "SUBSCRIPTION_ID": "5d8c7a1e-0f3b-4c6a-9e2d-7b1f0c3a5e99"}
    if "_ID:?" in add:
        assert unset.returncode == 1 and "export " in unset.stderr
    added = run_step(add, dest, **ids)
    assert added.returncode == 0, added.stdout + added.stderr
    protected = before.index("prod")
    assert env_names(dest) == [*before[:protected], "qa", *before[protected:]]
    assert (dest / "environments/qa.tfvars").is_file()

    destroy = (dest / "docs/runbooks/destroy-environment.md").read_text()
    remove = block_after(destroy, "Remove the environment from the code")
    refused = run_step(remove, dest, ENVIRONMENT="qa")
    assert refused.returncode == 2 and "not known to be destroyed" in refused.stderr
    assert (dest / "environments/qa.tfvars").is_file()

    # what the state check writes once every stack's state is empty
    check = block_after(destroy, "Check that nothing is left, and record it")
    marker = re.search(r'date -u \S+ > "(.+)"', check)
    assert marker and marker.group(1) == ".infrascaffold/destroyed/${ENVIRONMENT}"
    (dest / ".infrascaffold/destroyed").mkdir()
    (dest / ".infrascaffold/destroyed/qa").write_text("2026-12-03T00:00:00Z\n")
    removed = run_step(remove, dest, ENVIRONMENT="qa")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert env_names(dest) == before and not (dest / "environments/qa.tfvars").exists()


def test_the_state_check_covers_every_root_stack() -> None:
    from tests.builders import example_answers, render_answers

    files = render_answers(example_answers("aws-kubernetes-canary"))
    check = block_after(
        files["docs/runbooks/destroy-environment.md"], "Check that nothing is left, and record it"
    )
    stacks = re.findall(r"terraform(?: -chdir=(\S+))? state list", check)
    assert stacks == ["addons", ""]  # the add-ons first, then the main stack
