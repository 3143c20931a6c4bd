"""The runbooks protect an environment before bootstrap creates the identity that trusts it.

A review found `docs/runbooks/bootstrap.md` applying bootstrap first, then waiting on DNS
delegation (up to 48 hours), and only then creating the GitHub environments or protecting
GitLab's environments and `deploy/<env>` branches. Meanwhile prod's deploy identity was live:
GitHub creates an environment a job names, with no protection rules (github/docs#3126), and on
GitLab any Developer could create the unprotected deploy branch its role trusts. The protection
steps now come before "Apply the bootstrap stack"; the tests below read the order from the
headings of the rendered runbooks, and the environments from the answers.

Also pinned here: the GitHub self-hosted runner of a private environment (an organization
runner group limited to the render's reusable workflows on `main`, one just-in-time runner per
job, a machine with no cloud identity), the per-cloud claims GitLab's identities check, and the
cookie scoping of the environments' subdomains.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builders import example_answers, render_answers, run_step

# Every cloud with each CI system; each example has a protected prod.
EXAMPLES = [
    "aws-containers",
    "aws-kubernetes-canary",
    "azure-containers",
    "azure-kubernetes-canary",
    "gcp-containers",
    "gcp-kubernetes-canary",
]


def sections(markdown: str) -> list[tuple[str, str]]:
    """The `### ` steps of a runbook, in order: (heading, body)."""
    parts = re.split(r"^### (.+)\n", markdown, flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def position(steps: list[tuple[str, str]], heading: str) -> int:
    """The index of the one step titled `heading`."""
    found = [i for i, (title, _) in enumerate(steps) if title == heading]
    assert len(found) == 1, (heading, [title for title, _ in steps])
    return found[0]


def body(steps: list[tuple[str, str]], heading: str) -> str:
    return steps[position(steps, heading)][1]


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, re.S)


def protected_names(answers: dict[str, Any]) -> list[str]:
    return [env["name"] for env in answers["environments"] if env.get("protected")]


def protection_steps(answers: dict[str, Any], steps: list[tuple[str, str]]) -> dict[str, int]:
    """Each environment's protection step (GitHub environment; GitLab deploy branch for a
    protected one, else its protected environment), found by what its commands name."""
    found: dict[str, int] = {}
    for env in answers["environments"]:
        name = env["name"]
        if answers["ci"] == "github-actions":
            wanted = f"environment={name}\n"
            heading = "Create the GitHub environments"
        elif env.get("protected"):
            wanted = f"--arg name {answers.get('gitlab_deploy_branch_prefix', 'deploy/')}{name} "
            heading = "Protect the deploy branch"
        else:
            wanted = f"--arg name {name} "
            heading = "Protect the environments"
        index = position(steps, heading)
        assert wanted in steps[index][1], (name, heading)
        found[name] = index
    return found


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_environment_is_protected_before_the_bootstrap_apply(example: str) -> None:
    answers = example_answers(example)
    assert protected_names(answers), example
    tree = render_answers(answers)
    steps = sections(tree["docs/runbooks/bootstrap.md"])
    apply = position(steps, "Apply the bootstrap stack")
    for name, index in protection_steps(answers, steps).items():
        assert index < apply, (example, name)
    if answers["ci"] == "github-actions":
        assert position(steps, "Protect main") < apply
        environments = body(steps, "Create the GitHub environments")
        for name in protected_names(answers):
            block = environments.split(f"environment={name}\n", 1)[1].split("environment=", 1)[0]
            assert 'reviewers: [{type: "Team"' in block and "prevent_self_review: true" in block
    else:
        environments = body(steps, "Protect the environments")
        for name in protected_names(answers):
            line = next(x for x in environments.splitlines() if f"--arg name {name} " in x)
            assert "required_approval_count: 1" in line
    # The variables need the identities: after the apply and the outputs, never before.
    system = "GitHub" if answers["ci"] == "github-actions" else "GitLab"
    variables = next(i for i, (t, _) in enumerate(steps) if t.endswith(f" to {system}"))
    assert variables > position(steps, "Record the outputs") > apply


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_new_environment_is_protected_before_bootstrap_is_applied_again(example: str) -> None:
    answers = example_answers(example)
    steps = sections(render_answers(answers)["docs/runbooks/create-environment.md"])
    titles = [title for title, _ in steps]
    apply = next(i for i, t in enumerate(titles) if t.startswith("Apply bootstrap"))
    new = re.search(r"infrascaffold env add (\S+)", body(steps, titles[0]))
    assert new, titles[0]
    if answers["ci"] == "github-actions":
        assert position(steps, "Create the GitHub environments") < apply
    else:
        assert position(steps, "Protect the environments") < apply
        branch = position(steps, "Protect the deploy branch of a protected environment")
        assert branch < apply
        prefix = answers.get("gitlab_deploy_branch_prefix", "deploy/")
        assert f"--arg name {prefix}{new.group(1)} " in steps[branch][1]
        assert "push_access_level: 0" in steps[branch][1]
    assert position(steps, "Merge") == len(steps) - 1


def code(text: str) -> str:
    """Terraform without its comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("example", ["aws-kubernetes-canary", "azure-kubernetes-canary"])
def test_gitlab_aws_and_azure_runbooks_do_not_claim_an_environment_check(example: str) -> None:
    tree = render_answers(example_answers(example))
    # What the deploy identities match, read from the render: sub and aud, no environment claim.
    if example.startswith("aws"):
        trust = code(tree["bootstrap/modules/environment-account/main.tf"])
        claims = set(re.findall(r'variable\s*=\s*"\$\{local\.oidc_host\}:(\w+)"', trust))
        assert claims == {"aud", "sub"}
    else:
        trust = code(tree["bootstrap/ci.tf"])
        assert 'resource "azurerm_federated_identity_credential"' in trust
        assert "environment" not in " ".join(re.findall(r"subject\s*=.*", trust))
    step = body(sections(tree["docs/runbooks/bootstrap.md"]), "Protect the environments")
    assert "do not check the environment" in step
    assert "which the deploy" not in step


def test_gitlab_gcp_runbook_names_the_claims_its_pool_checks() -> None:
    tree = render_answers(example_answers("gcp-kubernetes-canary"))
    assert "string(assertion.environment_protected)" in tree["bootstrap/ci.tf"]
    step = body(sections(tree["docs/runbooks/bootstrap.md"]), "Protect the environments")
    assert "`environment_protected`" in step and "check both" in step


def runner_workflows(tree: dict[str, str]) -> set[str]:
    """The workflows whose jobs are defined to run on the caller's `runner` input."""
    return {
        path.removeprefix(".github/workflows/")
        for path, text in tree.items()
        if path.startswith(".github/workflows/") and "runs-on: ${{ inputs.runner }}" in text
    }


def stub_gh(folder: Path) -> Path:
    """A `gh` that answers a repository's ID and records the JSON it is given."""
    folder.mkdir()
    gh = folder / "gh"
    gh.write_text(
        "#!/bin/bash\n"
        'if [[ "$*" == *"--input -"* ]]; then cat > "$GH_INPUT"; echo "7\ttrue\t5"; '
        "else echo 123; fi\n"
    )
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    return folder


def test_a_github_private_runner_takes_only_main_jobs_of_its_reusable_workflows(
    tmp_path: Path,
) -> None:
    answers = example_answers("gcp-kubernetes-gitops")
    labels = {env["runner"] for env in answers["environments"] if env.get("runner")}
    assert labels == {"prod-network"}
    tree = render_answers(answers)
    workflows = runner_workflows(tree)
    assert {"_terraform-plan.yml", "_terraform-apply.yml", "_deploy.yml"} <= workflows
    # No pull request job asks for the runner: their workflows run at refs/pull/<n>/merge.
    for path, text in tree.items():
        if not path.startswith(".github/workflows/") or path.startswith(".github/workflows/_"):
            continue
        workflow = yaml.safe_load(text)
        for name, job in workflow["jobs"].items():
            if job.get("with", {}).get("runner") in labels and "pull_request" in workflow[True]:
                assert "github.event_name != 'pull_request'" in job["if"], (path, name)

    runbook = tree["docs/runbooks/create-environment.md"]
    steps = sections(runbook)
    group = body(steps, "Create the runner group of a private environment")
    (script,) = bash_blocks(group)
    recorded = tmp_path / "group.json"
    path = stub_gh(tmp_path / "bin")
    done = run_step(f'PATH="{path}:$PATH"\n{script}', tmp_path, GH_INPUT=str(recorded))
    assert done.returncode == 0, done.stderr
    sent = json.loads(recorded.read_text())
    repo = answers["repository"]
    assert sent["selected_repository_ids"] == [123] and sent["visibility"] == "selected"
    assert sent["restricted_to_workflows"] is True and sent["allows_public_repositories"] is False
    assert sorted(sent["selected_workflows"]) == sorted(
        f"{repo}/.github/workflows/{name}@refs/heads/main" for name in workflows
    )

    machine = body(steps, "Create the runner machine without a cloud identity")
    assert "--no-service-account --no-scopes" in machine
    start = body(steps, "Start one just-in-time runner per job")
    (loop,) = bash_blocks(start)
    assert "actions/runners/generate-jitconfig" in loop and "--jitconfig" in loop
    assert "runner_group_id" in loop and 'rm -rf "${job}"' in loop
    # Nothing registers a persistent runner on the repository.
    assert "registration-token" not in runbook and "svc.sh" not in runbook
    syntax = run_step(f"bash -n <<'SCRIPT'\n{loop}SCRIPT\n", tmp_path)
    assert syntax.returncode == 0, syntax.stderr


@pytest.mark.parametrize(
    ("example", "ci", "flag"),
    [
        ("aws-kubernetes-canary", "github-actions", "without `--iam-instance-profile`"),
        ("azure-kubernetes-canary", "github-actions", "without `--assign-identity`"),
        ("gcp-kubernetes-canary", "gitlab-ci", "--no-service-account --no-scopes"),
    ],
)
def test_the_runner_machine_has_no_cloud_identity_on_every_cloud(
    example: str, ci: str, flag: str
) -> None:
    answers = {**example_answers(example), "ci": ci}
    runbook = render_answers(answers)["docs/runbooks/create-environment.md"]
    runner_steps = "".join(text for title, text in sections(runbook) if "runner" in title)
    assert flag in runner_steps


@pytest.mark.parametrize("example", ["aws-containers", "azure-containers", "gcp-containers"])
def test_the_dns_step_says_what_subdomains_do_to_prod_cookies(example: str) -> None:
    answers = example_answers(example)
    protected = protected_names(answers)[-1]
    others = [e["name"] for e in answers["environments"] if e["name"] != protected]
    step = body(
        sections(render_answers(answers)["docs/runbooks/bootstrap.md"]), "Delegate the DNS zones"
    )
    cookies = step.split("**Cookies:**", 1)[1].split("```", 1)[0]
    for name in others:
        assert f"`{name}.{answers['domain']}`" in cookies
    assert f"`Domain={answers['domain']}`" in cookies and "`__Host-` prefix" in cookies
