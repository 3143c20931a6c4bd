"""The CI's OIDC tokens stay off command lines and off the runner's disk (secrets review #9).

A self-hosted runner's `ps` (or /proc/<pid>/cmdline) shows every process's arguments to every
user of the machine, and its disk outlives the job. So: GitHub's request token goes to curl in a
header file (`--header @file`), the Azure CLI reads the federated token from a file (azure-cli
core expands an argument written `@<path>` to the file's content: `_expand_file_prefixed_files`,
src/azure-cli-core/azure/cli/core/commands/__init__.py), and GitLab's ID token files live in a
private `mktemp -d` folder that an EXIT trap removes. GitLab runs before_script and script
together in one shell (GitLab CI YAML reference, `before_script`), which the runner starts as
`: | eval '...'` (gitlab-runner shells/bash.go): the trap is that shell's, and bash lists a
parent's traps in a subshell, so only the shell that made the folder removes it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from infrascaffold.pack.manifest import load_pack
from infrascaffold.templating.environment import make_environment
from tests.builders import example_answers, render_answers

SHELLS = [s for s in ("bash", "dash", "busybox") if shutil.which(s)]


def shell_argv(shell: str) -> list[str]:
    return ["busybox", "sh"] if shell == "busybox" else [shell]


def stub(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text("#!/usr/bin/env bash\n" + text, encoding="utf-8")
    path.chmod(0o755)


def azure_auth_step() -> str:
    tree = render_answers({**example_answers("azure-services"), "secrets": "sops"})
    workflow = yaml.safe_load(tree[".github/workflows/_deploy.yml"])
    steps = workflow["jobs"]["deploy"]["steps"]
    step = next(s for s in steps if str(s.get("name", "")).startswith("Authenticate to Azure"))
    return str(step["run"])


def test_github_azure_sign_in_puts_no_token_on_a_command_line(tmp_path: Path) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    argv_log = tmp_path / "argv"
    stub(
        bin_dir,
        "curl",
        """echo "curl $*" >> "$ARGV_LOG"
while [ $# -gt 0 ]; do
  case "$1" in
    --header) cp "${2#@}" "$SEEN/header"; shift ;;
    --output) out=$2; shift ;;
  esac
  shift
done
printf '%s' '{"value": "federated-jwt"}' > "$out"
""",
    )
    stub(
        bin_dir,
        "az",
        """echo "az $*" >> "$ARGV_LOG"
for arg in "$@"; do
  case "$arg" in @*) cp "${arg#@}" "$SEEN/token"; stat -c %a "$(dirname "${arg#@}")" > "$SEEN/mode" ;; esac
done
""",
    )
    seen = tmp_path / "seen"
    seen.mkdir()
    work = tmp_path / "tmp"
    work.mkdir()
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "TMPDIR": str(work),
        "ARGV_LOG": str(argv_log),
        "SEEN": str(seen),
        "GITHUB_ENV": str(tmp_path / "github-env"),
        "CLIENT_ID": "deploy-client",
        "TENANT_ID": "tenant",
        "SUBSCRIPTION_ID": "sub",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example/x?a=1",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
    }
    result = subprocess.run(
        ["bash", "-e", "-c", azure_auth_step()],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    argv = argv_log.read_text()
    assert "request-token" not in argv and "federated-jwt" not in argv
    login = next(line for line in argv.splitlines() if line.startswith("az login"))
    assert (
        "--federated-token @" in login and "--service-principal --username deploy-client" in login
    )
    assert (seen / "token").read_text() == "federated-jwt"  # what az read from the file
    assert (seen / "header").read_text() == "Authorization: bearer request-token\n"
    assert (seen / "mode").read_text().strip() == "700"
    assert list(work.iterdir()) == []  # the step's folder is gone


def test_gitlab_azure_cli_reads_the_token_from_its_file() -> None:
    tree = render_answers(
        {**example_answers("azure-containers"), "secrets": "sops", "ci": "gitlab-ci"}
    )
    gitlab = tree[".gitlab-ci.yml"]
    assert '--federated-token "@$ARM_OIDC_TOKEN_FILE_PATH"' in gitlab
    assert '$(cat "$ARM_OIDC_TOKEN_FILE_PATH")' not in gitlab
    assert '--federated-token "$' not in gitlab


def gitlab_before_script(name: str) -> str:
    tree = render_answers({**example_answers(name), "secrets": "sops", "ci": "gitlab-ci"})
    doc: Mapping[str, Any] = yaml.safe_load(tree[".gitlab-ci.yml"])
    return "\n".join(doc[".cloud-auth"]["before_script"])


def secret_trap() -> str:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    return env.get_template("partials/ci/common/secret-trap.sh.j2").render(secrets="sops")


def run_as_gitlab(shell: str, body: str, tmp_path: Path) -> tuple[int, str]:
    """`body` as GitLab Runner runs a job's script: `: | eval '<before_script + script>'`."""
    quoted = "'" + body.replace("'", "'\\''") + "'"
    script = "set -o errexit\n: | eval " + quoted + "\nexit 0\n"
    env = {
        "PATH": "/usr/bin:/bin",
        "TMPDIR": str(tmp_path / "tmp"),
        "SEEN": str(tmp_path / "seen"),
        "AWS_ID_TOKEN": "gitlab-jwt",
        "GCP_ID_TOKEN": "gitlab-jwt",
        "AZURE_ID_TOKEN": "gitlab-jwt",
        "GCP_WORKLOAD_IDENTITY_PROVIDER": "projects/1/locations/global/workloadIdentityPools/p/providers/g",
        "GCP_SERVICE_ACCOUNT": "deploy@p.iam.gserviceaccount.com",
        "AZURE_CLIENT_ID": "deploy-client",
        "TF_ENV": "staging",
    }
    result = subprocess.run(
        [*shell_argv(shell), "-c", script], env=env, capture_output=True, text=True, check=False
    )
    return result.returncode, result.stderr


# What the job's script checks while it runs: the token file, in a folder only this user reads,
# still there after a service's subshell ran the secret steps' trap (which keeps this one).
CHECKS = """
token_file=${AWS_WEB_IDENTITY_TOKEN_FILE:-${ARM_OIDC_TOKEN_FILE_PATH:-$cloud_auth_dir/id-token}}
cat "$token_file" > "$SEEN/token"
stat -c %a "$(dirname "$token_file")" > "$SEEN/mode"
if [ -n "${GOOGLE_APPLICATION_CREDENTIALS:-}" ]; then cp "$GOOGLE_APPLICATION_CREDENTIALS" "$SEEN/adc"; fi
(
{trap}
secret_dir=$(mktemp -d)
)
[ -f "$token_file" ] || { echo "the token file went with the subshell" >&2; exit 3; }
"""


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("name", ["aws-containers", "gcp-containers", "azure-containers"])
@pytest.mark.parametrize("ending", ["", "exit 1"])
def test_gitlab_id_token_files_are_private_and_removed_with_the_job(
    tmp_path: Path, shell: str, name: str, ending: str
) -> None:
    (tmp_path / "tmp").mkdir()
    (tmp_path / "seen").mkdir()
    body = gitlab_before_script(name) + CHECKS.replace("{trap}", secret_trap()) + ending + "\n"
    code, stderr = run_as_gitlab(shell, body, tmp_path)
    assert code == (1 if ending else 0), stderr
    assert (tmp_path / "seen" / "token").read_text() == "gitlab-jwt"
    assert (tmp_path / "seen" / "mode").read_text().strip() == "700"
    if name.startswith("gcp"):
        adc = (tmp_path / "seen" / "adc").read_text()
        assert '"file": "' + str(tmp_path / "tmp") in adc  # the token file, in the private folder
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing of the job is left on the disk


def test_no_gitlab_token_file_is_made_outside_a_private_folder() -> None:
    for name in ("aws-containers", "gcp-containers", "azure-containers"):
        before = gitlab_before_script(name)
        assert "$(mktemp)" not in before and "cloud_auth_dir=$(mktemp -d)" in before
        assert "trap cloud_auth_cleanup EXIT" in before
