"""The secrets strategy (issue 25): `cloud` (the default, unchanged), `sops` (AWS, containers) and
`vault` (not built: not a choice, refused at answer time, as is `sops` where it is not built).

Facts pinned from getsops/sops: a `.sops.yaml` rule's `kms` may name a key alias ARN
(`arn:aws:kms:<region>:<account>:alias/<name>`, getsops/sops#381); `path_regex` is matched against
the file's absolute path (community.sops#226), so the rules are not anchored at `^`; encrypting
from another file matches the rule on the source path (getsops/sops#516), hence the README's
`--filename-override`. From the AWS Secrets Manager PutSecretValue reference: a repeated
ClientRequestToken with the same value is ignored (no new version), and Secrets Manager keeps
the 100 latest versions plus every one of the last 24 hours (so a deploy of an unchanged file must
not add one: the token is the encrypted file's digest); the first version gets AWSCURRENT.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, resolve_answers
from infrascaffold.pack.manifest import load_pack
from tests.builders import example_answers, render_answers

BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


def sops_answers() -> dict[str, Any]:
    return {**example_answers("aws-services"), "secrets": "sops"}


@cache
def sops_tree() -> Mapping[str, str]:
    return render_answers(sops_answers())


@cache
def cloud_tree() -> Mapping[str, str]:
    return render_answers(example_answers("aws-services"))


def problems_of(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_env(pack)
    resolved, problems = resolve_answers(
        pack, env, apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    )
    return problems + check_answers(pack, env, resolved)


def make_env(pack: Any) -> Any:
    from infrascaffold.templating.environment import make_environment

    return make_environment(pack.search_roots)


def messages(problems: list[tuple[str, str]]) -> str:
    return " | ".join(f"{where}: {what}" for where, what in problems)


# --- answer-time checks -------------------------------------------------------------------------


def test_cloud_is_the_default_and_renders_no_sops_file() -> None:
    tree = cloud_tree()
    assert not any(path == ".sops.yaml" or path.startswith("secrets/") for path in tree)
    assert "sops" not in tree[".github/workflows/_deploy.yml"]


def test_sops_needs_a_ci_system() -> None:
    text = messages(problems_of({**sops_answers(), "ci": "none"}))
    assert "sops needs a CI system" in text


@pytest.mark.parametrize(
    "example",
    ["gcp-services", "azure-services", "aws-kubernetes-canary", "aws-serverless-bluegreen"],
)
def test_sops_where_it_is_not_built_is_refused_with_one_line(example: str) -> None:
    problems = problems_of({**example_answers(example), "secrets": "sops"})
    text = messages(problems)
    assert "sops is built for cloud aws with compute containers only" in text
    assert all("\n" not in what for _, what in problems)


# --- the files: creation rules per environment, a README per environment -----------------------


def test_each_environment_encrypts_with_its_own_accounts_key_alias() -> None:
    answers = sops_answers()
    rules = yaml.safe_load(sops_tree()[".sops.yaml"])["creation_rules"]
    assert len(rules) == len(answers["environments"])
    for env, rule in zip(answers["environments"], rules, strict=True):
        assert (
            rule["kms"]
            == f"arn:aws:kms:{env['region']}:{env['account_id']}:alias/shop-{env['name']}"
        )
        assert re.search(rule["path_regex"], f"/home/ci/repo/secrets/{env['name']}/api.sops.json")
        assert not re.search(rule["path_regex"], f"/repo/secrets/{env['name']}x/api.sops.json")
        assert not rule["path_regex"].startswith("^")


def test_the_readme_of_each_environment_gives_the_encrypt_command_and_every_image_service() -> None:
    tree = sops_tree()
    for env in ("staging", "prod"):
        readme = tree[f"secrets/{env}/README.md"]
        assert f"file=secrets/{env}/api.sops.json\n" in readme
        assert 'sops --encrypt --filename-override "$file" --input-type json' in readme
        for name in ("api", "worker", "nightly"):
            assert f"`{name}.sops.json`" in readme
        assert "`web.sops.json`" not in readme  # the static front end has no secret


# --- the deploy step ----------------------------------------------------------------------------


def test_the_deploy_job_sets_every_image_services_secret_from_its_file() -> None:
    deploy = sops_tree()[".github/workflows/_deploy.yml"]
    for name in ("api", "worker", "nightly"):
        assert f"sops_service={name}\n" in deploy
    assert deploy.count("sops --decrypt") == 3
    assert 'sops_file="secrets/$TF_ENV/$sops_service.sops.json"' in deploy
    assert "put-secret-value" in deploy and '--client-request-token "$version"' in deploy


def test_the_sops_binary_is_pinned_by_version_and_checked_by_digest() -> None:
    deploy = sops_tree()[".github/workflows/_deploy.yml"]
    assert "releases/download/v3.9.4/sops-v3.9.4.linux.amd64" in deploy
    assert "5488e32bc471de7982ad895dd054bbab3ab91c417a118426134551e9626e4e85  " in deploy
    assert "| sha256sum -c -" in deploy


def test_the_outputs_name_each_services_own_secret() -> None:
    outputs = sops_tree()["secrets-sops.tf"]
    assert '{ "api" = module.secrets.app_secret_arn },' in outputs
    assert '{ "worker" = module.svc_worker.secret_arn },' in outputs
    assert '{ "nightly" = module.svc_nightly.secret_arn },' in outputs


def test_the_deploy_step_passes_shellcheck(tmp_path: Path) -> None:
    shellcheck = BIN / "shellcheck" if (BIN / "shellcheck").exists() else shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    deploy = yaml.safe_load(sops_tree()[".github/workflows/_deploy.yml"])
    scripts = [
        step["run"]
        for step in deploy["jobs"]["deploy"]["steps"]
        if "sops --decrypt" in step.get("run", "")
    ]
    assert scripts
    for i, script in enumerate(scripts):
        path = tmp_path / f"deploy-{i}.sh"
        path.write_text("#!/usr/bin/env bash\nset -euo pipefail\n" + script, encoding="utf-8")
        result = subprocess.run(
            [str(shellcheck), "-S", "warning", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout


# --- no secret value in Terraform: tfvars, state (no version resource), plan ---------------------


def test_no_secret_value_reaches_terraform() -> None:
    tree = sops_tree()
    terraform = {path: text for path, text in tree.items() if path.endswith((".tf", ".tfvars"))}
    assert not any('aws_secretsmanager_secret_version"' in text for text in terraform.values())
    assert not any("sops" in text for path, text in terraform.items() if path.endswith(".tfvars"))
    # the only Terraform the strategy adds is an output of secret ARNs, never of a value
    assert "secret_string" not in tree["secrets-sops.tf"]


def test_the_deploy_role_may_decrypt_and_put_and_the_plan_role_may_not_decrypt() -> None:
    # Each environment's rule names a key of its own account, where that environment's deploy role
    # administers KMS and Secrets Manager (bootstrap deploy_services) and the plan role decrypts
    # nothing but the state key: no plan, and no other environment's role, reads a file.
    tree = sops_tree()
    rules = yaml.safe_load(tree[".sops.yaml"])["creation_rules"]
    assert {rule["kms"].split(":")[4] for rule in rules} == {"222222222222", "333333333333"}
    services = re.search(
        r"^deploy_services\s*=\s*(\[.*\])$", tree["bootstrap/terraform.tfvars"], re.M
    )
    assert services is not None
    assert {"kms", "secretsmanager", "ecs"} <= set(yaml.safe_load(services.group(1)))
    account = tree["bootstrap/modules/environment-account/main.tf"]
    plan = account[account.index('data "aws_iam_policy_document" "plan"') :]
    deny = plan[plan.index('sid           = "DecryptOnlyItsState"') :][:400]
    assert 'effect        = "Deny"' in deny and "not_resources = [var.state_kms_key_arn]" in deny


# --- docs: the runbook and SECURITY.md -----------------------------------------------------------


def test_the_runbook_says_how_to_rotate_roll_back_and_revoke_with_sops() -> None:
    runbook = sops_tree()["docs/runbooks/rotate-secrets.md"]
    section = runbook[runbook.index("### Application secrets kept as SOPS files") :]
    assert "`sops secrets/<env>/<service>.sops.json`" in section
    assert "sops rotate --in-place" in section
    assert "revert the file's commit and deploy" in section
    assert "aws kms disable-key" in section
    assert "SOPS files" not in cloud_tree()["docs/runbooks/rotate-secrets.md"]


def test_security_md_says_who_decrypts_and_the_residual_risk() -> None:
    security = sops_tree()["docs/SECURITY.md"]
    section = security[security.index("## Application secrets in the repository (SOPS)") :]
    assert "the plan role may not" in section
    assert "pinned by version (v3.9.4)" in section
    assert "Residual:" in section
    assert "(SOPS)" not in cloud_tree()["docs/SECURITY.md"]


# --- the deploy step, run: stubs of sops, terraform and aws record what it calls -----------------

STUBS = {
    "sops": """#!/usr/bin/env bash
echo "sops $*" >> "$CALLS"
printf '%s' '{"API_TOKEN": "s3cret-value"}'
""",
    "terraform": """#!/usr/bin/env bash
echo "terraform $*" >> "$CALLS"
printf '%s' '{"api": "arn:aws:secretsmanager:eu-west-1:222222222222:secret:shop-staging/app-AbCdEf"}'
""",
    "aws": """#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
case "$1 $2" in
  "secretsmanager put-secret-value")
    for arg in "$@"; do case "$arg" in file://*) cp "${arg#file://}" "$PUT_COPY"; stat -c %a "${arg#file://}" > "$PUT_MODE";; esac; done ;;
  "secretsmanager describe-secret") printf '%s' '{"0f0f-old": ["AWSCURRENT"], "0e0e-older": ["AWSPREVIOUS"]}' ;;
  "ecs describe-task-definition")
    printf '%s' '{"family": "shop-staging", "revision": 7, "status": "ACTIVE",
      "containerDefinitions": [{"name": "app", "image": "x", "secrets": []}]}' ;;
  "ecs register-task-definition")
    for arg in "$@"; do case "$arg" in file://*) cp "${arg#file://}" "$REGISTERED";; esac; done
    echo "arn:aws:ecs:eu-west-1:222222222222:task-definition/shop-staging:8" ;;
esac
""",
}


def sops_step(answers: Mapping[str, Any]) -> str:
    from infrascaffold.render.context import build_context

    pack = load_pack("platform")
    env = make_env(pack)
    resolved, problems = resolve_answers(
        pack, env, apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    )
    assert not problems
    context = build_context(pack, env, resolved)
    return env.get_template("partials/ci/aws/sops-secrets.sh.j2").render(context)


def run_step(
    tmp_path: Path, with_file: bool, failing: str = ""
) -> tuple[subprocess.CompletedProcess[str], dict[str, Path]]:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, text in STUBS.items():
        if name == failing:  # writes part of its output, then fails
            text = text.replace('echo "aws $*" >> "$CALLS"', 'echo "aws $*" >> "$CALLS"; exit 254')
        (stubs / name).write_text(text, encoding="utf-8")
        (stubs / name).chmod(0o755)
    work = tmp_path / "infra"
    (work / "secrets" / "staging").mkdir(parents=True)
    if with_file:
        (work / "secrets" / "staging" / "api.sops.json").write_text(
            '{"API_TOKEN": "ENC[AES256_GCM,data:x]"}'
        )
    out = {n: tmp_path / n for n in ("calls", "put", "mode", "registered")}
    script = (
        "set -euo pipefail\nTF_ENV=staging\ncontainer=app\n"
        "base=arn:aws:ecs:eu-west-1:222222222222:task-definition/shop-staging:7\n"
        + sops_step(
            {**example_answers("aws-services"), "secrets": "sops"}
            | {"services": example_answers("aws-services")["services"][:1]}
        )
        + '\necho "base=$base"\n'
    )
    env = {
        "PATH": f"{stubs}:/usr/bin:/bin",
        "CALLS": str(out["calls"]),
        "PUT_COPY": str(out["put"]),
        "PUT_MODE": str(out["mode"]),
        "REGISTERED": str(out["registered"]),
        "TMPDIR": str(tmp_path),
    }
    result = subprocess.run(
        ["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    return result, out


def test_the_step_puts_the_decrypted_file_as_a_version_named_by_its_digest(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=True)
    assert result.returncode == 0, result.stderr
    calls = out["calls"].read_text()
    encrypted = (tmp_path / "infra" / "secrets" / "staging" / "api.sops.json").read_bytes()
    digest = __import__("hashlib").sha256(encrypted).hexdigest()
    assert (
        "sops --decrypt --input-type json --output-type json secrets/staging/api.sops.json" in calls
    )
    put = next(line for line in calls.splitlines() if "put-secret-value" in line)
    assert f"--client-request-token {digest}" in put
    assert "shop-staging/app-AbCdEf" in put
    assert out["put"].read_text() == '{"API_TOKEN": "s3cret-value"}'
    assert out["mode"].read_text().strip() == "600"  # a private file (umask 077)
    # the current version was another one: the file's version is made current
    assert f"--move-to-version-id {digest} --remove-from-version-id 0f0f-old" in calls
    # no plaintext is left on disk, nor printed in the job's log
    leftovers = [p for p in tmp_path.rglob("value.json")]
    assert leftovers == []
    assert "s3cret-value" not in result.stdout + result.stderr


def test_the_first_revision_after_the_file_reads_the_secret(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=True)
    assert result.returncode == 0, result.stderr
    registered = __import__("json").loads(out["registered"].read_text())
    assert registered["containerDefinitions"][0]["secrets"] == [
        {
            "name": "APP_SECRETS",
            "valueFrom": "arn:aws:secretsmanager:eu-west-1:222222222222:secret:shop-staging/app-AbCdEf",
        }
    ]
    assert "revision" not in registered and "status" not in registered
    assert "base=arn:aws:ecs:eu-west-1:222222222222:task-definition/shop-staging:8" in result.stdout


def test_without_a_file_the_step_calls_nothing(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=False)
    assert result.returncode == 0, result.stderr
    assert not out["calls"].exists()
    assert "keeps its value" in result.stdout
    assert "base=arn:aws:ecs:eu-west-1:222222222222:task-definition/shop-staging:7" in result.stdout


def test_a_failed_put_stops_the_deploy_and_leaves_no_plaintext(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=True, failing="aws")
    assert result.returncode == 1
    assert (
        "Error: the secret of api was not set from secrets/staging/api.sops.json" in result.stderr
    )
    assert list(tmp_path.rglob("value.json")) == []
    assert "register-task-definition" not in out["calls"].read_text()
