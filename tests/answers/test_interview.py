"""The interview, driven in a real pseudo-terminal."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

EXE = Path(sys.executable).with_name("infrascaffold")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "answers" / "aws-containers.yml"
DOWN, UP, ENTER, CTRL_U, CTRL_C = "\x1b[B", "\x1b[A", "\r", "\x15", "\x03"

pytestmark = pytest.mark.skipif(
    not EXE.exists() or os.name != "posix", reason="needs the installed CLI"
)


def spawn(*args: str) -> pexpect.spawn:
    env = {
        "TERM": "xterm",
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PROMPT_TOOLKIT_NO_CPR": "1",  # no cursor-position wait on a loaded machine
        "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME", "/tmp/infrascaffold-test-cache"),
    }
    child = pexpect.spawn(
        str(EXE), list(args), encoding="utf-8", timeout=30, dimensions=(40, 160), env=env
    )
    return child


def answer(child: pexpect.spawn, prompt: str, keys: str = ENTER) -> None:
    child.expect(prompt)
    time.sleep(0.15)  # let the prompt finish drawing before typing, as a person would
    child.send(keys)


def test_interview_reasks_invalid_answers_and_edits_environments(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    child = spawn("new", str(dest))
    answer(child, r"Project name", "Bad!" + ENTER)
    child.expect("lowercase slug")  # the reason, shown under the prompt; the answer is asked again
    child.send(CTRL_U + "shop" + ENTER)
    answer(child, r"Owning team")
    answer(child, r"Cloud provider")
    child.expect("containers — ECS Fargate behind an ALB")  # each choice says what it deploys
    answer(child, r"serverless — Lambda behind API Gateway", ENTER)
    child.expect(r"Relational database")
    answer(child, "postgres — RDS for PostgreSQL")
    answer(child, r"Cache")
    answer(child, r"CI/CD system")
    answer(child, r"Repository path", CTRL_U * 3 + "acme/shop-infra" + ENTER)
    answer(child, r"GitHub owner ID")  # empty: the name-only OIDC subject alone
    answer(child, r"GitHub repository ID")
    answer(child, r"Deployment strategy", DOWN + DOWN + ENTER)  # canary
    # The default environments' prod is protected: it needs a domain and an alert e-mail.
    answer(child, r"DNS domain", "example.com" + ENTER)
    answer(child, r"E-mail address", "oncall@example.com" + ENTER)
    for n in range(3):  # AWS: each environment's own account (no default)
        answer(child, r"AWS account ID of the environment", f"{n + 1}" * 12 + ENTER)
    child.expect(r"#2 prod")
    answer(child, r"edit the list or choose Done", DOWN + ENTER)  # Add
    answer(child, r"Environment name", "qa" + ENTER)
    answer(child, r"Region", CTRL_U + "mars-1" + ENTER)  # completed from the pack's regions
    child.expect(r"mars-1 is not a aws region \(e\.g\. eu-west-1, us-east-1")  # re-asked
    time.sleep(0.15)
    child.send(CTRL_U + "eu-west-3" + ENTER)
    child.expect(r"Network CIDR")
    child.expect(r"10\.0\.0\.0/16")  # suggested: the first /16 no environment uses
    time.sleep(0.15)
    child.send(CTRL_U + "10.20.0.0/16" + ENTER)  # overlaps staging: re-asked at Done
    answer(child, r"Size")
    answer(child, r"Protected")
    answer(child, r"Self-hosted runner label")
    answer(child, r"AWS account ID of the environment", "444444444444" + ENTER)
    answer(child, r"Monthly budget")  # default by size
    answer(child, r"edit the list or choose Done", ENTER)
    child.expect(r"overlaps environments\[1\]\.cidr")
    # Remove staging (#1): Done, Add, Edit #0, Rename #0, Remove #0, Edit #1, Rename #1, Remove #1
    answer(child, r"edit the list or choose Done", DOWN * 7 + ENTER)
    answer(child, r"Remove staging from environments\?", "y")  # asked to confirm
    child.expect(r"#2 qa")
    # Promotion order: move qa (#2) before prod; after Move #1 up: Edit/Rename/Remove #2, Move #2
    answer(child, r"edit the list or choose Done", DOWN * 12 + ENTER)
    child.expect(r"#1 qa: .*\r?\n.*#2 prod")
    answer(child, r"edit the list or choose Done", DOWN * 6 + ENTER)  # Rename #1 qa
    answer(child, r"Environment name", CTRL_U + "uat" + ENTER)
    child.expect(r"#1 uat")
    answer(child, r"edit the list or choose Done", ENTER)
    # The service (issue 25): one record, edited: a Node.js container with its own port and path.
    child.expect(r"#0 app: kind=http, path=/, runtime=container, port=8080, health_path=/")
    answer(child, r"services: edit", DOWN * 2 + ENTER)
    answer(child, r"Service name")
    answer(child, r"What the service is")
    answer(child, r"Path prefix the load balancer routes")
    answer(child, r"Runtime of the service", UP * 4 + ENTER)  # container -> node
    answer(child, r"Version of the runtime")  # node's default, 22, offered once node is chosen
    answer(child, r"Port the container listens on", CTRL_U + "3000" + ENTER)
    answer(child, r"Path that answers 2xx", CTRL_U + "/healthz" + ENTER)
    answer(child, r"services: edit", ENTER)  # Done
    answer(child, r"AWS account holding the Terraform state", "999999999999" + ENTER)
    answer(child, r"OIDC provider")
    answer(child, r"IAM role \(path /\) that administers each environment account")
    answer(child, r"Where the application's secret values live")  # cloud (secrets, issue 25)
    child.expect(r"Your answers:")
    answer(child, r"Write \d+ files to .*infra\? \[Y/n/edit\]")  # Enter: yes
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    recorded = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert recorded["project_name"] == "shop"
    assert recorded["deploy_strategy"] == "canary"
    assert recorded["repository"] == "acme/shop-infra"
    assert [e["name"] for e in recorded["environments"]] == ["dev", "uat", "prod"]
    assert recorded["environments"][1]["region"] == "eu-west-3"
    service = recorded["services"][0]
    assert service == {
        "name": "app", "kind": "http", "path": "/", "runtime": "node", "version": "22", "port": 3000,
        "health_path": "/healthz",
    }  # fmt: skip


def test_ctrl_c_leaves_nothing_behind(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    child = spawn("new", str(dest))
    answer(child, r"Project name", "shop" + ENTER)
    answer(child, r"Owning team", CTRL_C)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_review_goes_back_to_change_the_cloud(tmp_path: Path) -> None:
    """From the summary, `edit` changes `cloud`: what the old cloud made wrong (the regions) or
    new (project IDs) is asked, the rest kept; then the files are written."""
    dest = tmp_path / "infra"
    child = spawn("new", str(dest), "--answers", str(EXAMPLE))
    answer(child, r"github_owner_id\)")  # GitHub's immutable subject: the IDs, empty
    answer(child, r"github_repository_id\)")
    for i in range(3):  # the example gives no runner labels nor budgets: asked
        answer(child, rf"environments\[{i}\]\.runner\)")
        answer(child, rf"environments\[{i}\]\.monthly_budget\)")
    answer(child, r"services: edit", ENTER)  # Done
    answer(child, r"aws_oidc_provider\)")
    answer(child, r"secrets\)")  # cloud, the default (issue 25)
    child.expect(r"#2 prod: region=eu-west-1")
    answer(child, r"Write \d+ files to .*infra\? \[Y/n/edit\]", "edit" + ENTER)
    answer(child, r"Change which answer", DOWN * 2 + ENTER)  # project_name, owner, cloud
    answer(child, r"Cloud provider", DOWN + ENTER)  # gcp
    for i in range(3):  # the regions were the AWS default: they follow the cloud's
        answer(child, rf"environments\[{i}\]\.region\)")  # europe-west1 offered
        answer(child, rf"environments\[{i}\]\.project_id\)")  # new: default shop-<env>
    # GCP's own questions (state project, billing account, location policy), then the summary
    summary = r"#2 prod: region=europe-west1, cidr=10.30.0.0/16, size=large, protected=True"
    asked = []
    while child.expect([r"(gcp_[a-z_]+)\)", summary]) == 0:
        asked.append(child.match.group(1))
        time.sleep(0.15)
        child.send(ENTER)
    assert "gcp_state_project_id" in asked
    answer(child, r"\[Y/n/edit\]", "y" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    recorded = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert recorded["cloud"] == "gcp" and recorded["gcp_state_project_id"] == "shop-tfstate"
    assert [e["project_id"] for e in recorded["environments"]] == [
        "shop-dev",
        "shop-staging",
        "shop-prod",
    ]
    assert all("account_id" not in e for e in recorded["environments"])
    assert recorded["owner"] == "platform-team" and recorded["domain"] == "shop.example.com"


@pytest.mark.parametrize("keys", [CTRL_C, "n" + ENTER], ids=["ctrl-c", "no"])
def test_leaving_at_the_summary_writes_nothing(tmp_path: Path, keys: str) -> None:
    dest = tmp_path / "infra"
    child = spawn("new", str(dest), "--answers", str(EXAMPLE))
    answer(child, r"github_owner_id\)")  # GitHub's immutable subject: the IDs, empty
    answer(child, r"github_repository_id\)")
    for i in range(3):
        answer(child, rf"environments\[{i}\]\.runner\)")
        answer(child, rf"environments\[{i}\]\.monthly_budget\)")
    answer(child, r"services: edit", ENTER)  # Done
    answer(child, r"aws_oidc_provider\)")
    answer(child, r"secrets\)")  # cloud, the default (issue 25)
    answer(child, r"\[Y/n/edit\]", keys)
    child.expect("nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_no_terminal_means_no_prompt(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(
        [str(EXE), "new", str(tmp_path / "x")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "project_name: is required and has no default" in result.stderr
    assert shutil.which("true")  # nothing written either
    assert not (tmp_path / "x").exists()


def test_a_field_left_at_its_default_follows_the_edit_of_the_fields_it_depends_on() -> None:
    """Editing a service: python -> node moves the version from python's default to node's,
    and a version typed on purpose stays."""
    from infrascaffold.answers.interview import following_default
    from infrascaffold.pack.manifest import load_pack
    from infrascaffold.templating.environment import make_environment

    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    (services,) = [q for q in pack.questions if q.key == "services"]
    version = next(f for f in services.fields if f.key == "version")
    base = {"cloud": "aws", "compute": "serverless", "data": pack.data}
    before = {**base, "item": {"name": "api", "runtime": "python", "version": "3.13"}}
    after = {**base, "item": {"name": "api", "runtime": "node", "version": "3.13"}}
    assert following_default(env, version, "3.13", before, after) == "22"
    assert following_default(env, version, "3.12", before, after) == "3.12"
