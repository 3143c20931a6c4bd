"""The secrets strategy (issue 25): `cloud` (the default, unchanged), `sops` (AWS: containers,
kubernetes, serverless; refused on a static site, which has no server-side secret, and on the clouds
not built yet) and `vault` (not built: not a choice, refused at answer time).

The deploy step is the contract's shape: a cloud-independent source (partials/ci/common/
secret-sops.sh.j2) leaves the decrypted value in a private folder, the AWS put (partials/ci/aws/
put-secret.sh.j2) writes it into the service's Secrets Manager secret and removes the folder.

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
from tests import secret_stubs
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


def test_sops_on_an_aws_static_site_is_refused_with_one_line_naming_the_field() -> None:
    problems = problems_of({**example_answers("aws-static-site"), "secrets": "sops"})
    assert len(problems) == 1
    where, what = problems[0]
    assert where == "secrets"
    assert "compute static-site has none" in what and "\n" not in what


@pytest.mark.parametrize("example", ["aws-kubernetes-canary", "aws-serverless-bluegreen"])
def test_sops_is_accepted_on_every_aws_compute_with_a_server(example: str) -> None:
    assert problems_of({**example_answers(example), "secrets": "sops"}) == []


# --- the files: creation rules per environment, a README per environment -----------------------


def test_each_environment_encrypts_with_its_own_accounts_key_alias() -> None:
    answers = sops_answers()
    rules = yaml.safe_load(sops_tree()[".sops.yaml"])["creation_rules"]
    assert len(rules) == len(answers["environments"])
    for env, rule in zip(answers["environments"], rules, strict=True):
        assert (
            rule["kms"]
            == f"arn:aws:kms:{env['region']}:{env['account_id']}:alias/shop-{env['name']}-sops"
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
        assert f"secret_service={name}\n" in deploy
    assert deploy.count('"$sops_dir/sops" --decrypt') == 3
    assert 'secret_origin="secrets/$TF_ENV/$secret_service.sops.json"' in deploy
    assert "put-secret-value" in deploy and '--client-request-token "$secret_version"' in deploy


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
        if '"$sops_dir/sops" --decrypt' in step.get("run", "")
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
    "sops": secret_stubs.SOPS,
    "terraform": """#!/usr/bin/env bash
echo "terraform $*" >> "$CALLS"
printf '%s' '{"api": "arn:aws:secretsmanager:eu-west-1:222222222222:secret:shop-staging/app-AbCdEf",
  "app": "arn:aws:secretsmanager:eu-west-1:222222222222:secret:shop-staging/app-AbCdEf"}'
""",
    "curl": secret_stubs.DOWNLOAD_CURL,
    "sha256sum": secret_stubs.SHA256SUM,
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
    return secret_stubs.render_step(answers, "partials/ci/aws/secrets.sh.j2")


def single_service(example: str) -> dict[str, Any]:
    # the example's first service, or its one default service (`app`) when it lists none
    answers = {**example_answers(example), "secrets": "sops"}
    return answers | ({"services": answers["services"][:1]} if "services" in answers else {})


PRIMARY = {"aws-services": "api", "aws-kubernetes-canary": "app", "aws-serverless-bluegreen": "app"}


STAGING_KEY = "arn:aws:kms:eu-west-1:222222222222:alias/shop-staging-sops"


def env_sops_key(answers: Mapping[str, Any], name: str) -> str:
    """The environment's SOPS key alias ARN, as .sops.yaml names it (bootstrap makes the key)."""
    env = next(env for env in answers["environments"] if env["name"] == name)
    project = answers["project_name"]
    return f"arn:aws:kms:{env['region']}:{env['account_id']}:alias/{project}-{name}-sops"


def kms_key(arn: str, **extra: str) -> dict[str, str]:
    return {"arn": arn, "created_at": "2026-01-01T00:00:00Z", "enc": "AQICAHg=", **extra}


sops_file = secret_stubs.sops_file


def run_step(
    tmp_path: Path,
    with_file: bool,
    failing: str = "",
    example: str = "aws-services",
    metadata: Mapping[str, Any] | None = None,
    extra_env: Mapping[str, str] | None = None,
    prelude: str = "",
) -> tuple[subprocess.CompletedProcess[str], dict[str, Path]]:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    stubs = dict(STUBS)
    if failing == "sops":  # writes part of the plaintext, then fails
        stubs["sops"] = stubs["sops"].replace("s3cret-value\"}'", "s3cret'; exit 128")
    elif failing:  # records the call, then fails
        stubs[failing] = stubs[failing].replace(
            f'echo "{failing} $*" >> "$CALLS"', f'echo "{failing} $*" >> "$CALLS"; exit 254'
        )
    folder = secret_stubs.install(tmp_path, stubs)
    answers = single_service(example)
    tf_env = answers["environments"][0]["name"]
    work = tmp_path / "infra"
    (work / "secrets" / tf_env).mkdir(parents=True)
    if with_file:
        own = {"kms": [kms_key(env_sops_key(answers, tf_env))]}
        (work / "secrets" / tf_env / f"{PRIMARY[example]}.sops.json").write_text(
            sops_file(metadata if metadata is not None else own)
        )
    out = {n: tmp_path / n for n in ("calls", "put", "mode", "registered", "downloads")}
    script = (
        f"set -euo pipefail\nTF_ENV={tf_env}\ncontainer=app\n"
        + prelude
        + "base=arn:aws:ecs:eu-west-1:222222222222:task-definition/shop-staging:7\n"
        + sops_step(answers)
        + '\necho "base=$base"\n'
    )
    env = secret_stubs.stub_env(
        tmp_path,
        folder,
        REGISTERED=str(out["registered"]),
        TMPDIR=str(tmp_path / "tmp"),
        **(extra_env or {}),
    )
    (tmp_path / "tmp").mkdir()
    return secret_stubs.run(script, work, env), out


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


# --- every AWS compute with a server: the same source and put ------------------------------------
# ECS: each image service has its own secret; EKS: the services share the application's secret,
# which the pod identity role reads (eks-cluster's secret_arns, as for `cloud`); Lambda: the
# function's secret (APP_SECRETS_ARN). Each renders on both CI systems.

COMPUTES = {
    "containers": "aws-services",
    "kubernetes": "aws-kubernetes-canary",
    "serverless": "aws-serverless-bluegreen",
}
CASES = [(compute, ci) for compute in COMPUTES for ci in ("github-actions", "gitlab-ci")]


@cache
def compute_tree(compute: str, ci: str) -> Mapping[str, str]:
    return render_answers({**example_answers(COMPUTES[compute]), "secrets": "sops", "ci": ci})


def deploy_scripts(tree: Mapping[str, str], ci: str) -> list[str]:
    """The deploy steps that set a secret, as the shell runs them (bash on GitHub, sh on GitLab)."""
    if ci == "github-actions":
        steps = yaml.safe_load(tree[".github/workflows/_deploy.yml"])["jobs"]["deploy"]["steps"]
        runs = [step["run"] for step in steps if "secret_service=" in step.get("run", "")]
        return ["#!/usr/bin/env bash\nset -euo pipefail\n" + run for run in runs]
    deploy = yaml.safe_load(tree[".gitlab-ci.yml"])[".deploy"]["script"]
    return ["#!/bin/sh\nset -e\n" + "\n".join(deploy) + "\n"]


@pytest.mark.parametrize(("compute", "ci"), CASES)
def test_each_compute_renders_the_sops_files(compute: str, ci: str) -> None:
    tree = compute_tree(compute, ci)
    answers = example_answers(COMPUTES[compute])
    rules = yaml.safe_load(tree[".sops.yaml"])["creation_rules"]
    assert [rule["kms"].split(":")[4] for rule in rules] == [
        env["account_id"] for env in answers["environments"]
    ]
    outputs = tree["secrets-sops.tf"]
    if compute == "containers":
        assert '{ "worker" = module.svc_worker.secret_arn },' in outputs
    else:  # one secret: the application's (EKS, shared by its services) or the function's
        assert re.findall(r"^    \{ .* \},$", outputs, re.M) == [
            '    { "app" = module.secrets.app_secret_arn },'
        ]
        readme = tree[f"secrets/{answers['environments'][0]['name']}/README.md"]
        assert re.findall(r"^\| \S+ \| `(\S+)` \|$", readme, re.M) == ["app.sops.json"]
    assert 'module "secrets"' in tree["main.tf"]


@pytest.mark.parametrize(("compute", "ci"), CASES)
def test_the_secret_is_put_before_the_new_release_starts(compute: str, ci: str) -> None:
    scripts = deploy_scripts(compute_tree(compute, ci), ci)
    assert scripts
    starts = {
        "containers": "next=$(aws ecs register-task-definition",  # the new image's revision
        "kubernetes": "kubectl argo rollouts",
        "serverless": "aws lambda update-function-code",
    }[compute]
    for script in scripts:
        assert script.index("put-secret-value") < script.index(starts)
        assert ("register-task-definition" in script) == (compute == "containers")


@pytest.mark.parametrize(("compute", "ci"), CASES)
def test_the_deploy_step_of_each_compute_passes_shellcheck(
    compute: str, ci: str, tmp_path: Path
) -> None:
    shellcheck = BIN / "shellcheck" if (BIN / "shellcheck").exists() else shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    paths = []
    for i, script in enumerate(deploy_scripts(compute_tree(compute, ci), ci)):
        path = tmp_path / f"deploy-{i}.sh"
        path.write_text(script, encoding="utf-8")
        paths.append(str(path))
    assert paths
    result = subprocess.run(
        [str(shellcheck), "-S", "warning", *paths], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(("compute", "ci"), CASES)
def test_a_changed_secret_file_starts_the_deploy(compute: str, ci: str) -> None:
    tree = compute_tree(compute, ci)
    if ci == "github-actions":
        deploy = yaml.safe_load(tree[".github/workflows/deploy.yml"])
        assert "secrets/**" in deploy[True]["push"]["paths"]  # YAML 1.1 reads `on` as True
    else:
        pipeline = yaml.safe_load(tree[".gitlab-ci.yml"])
        assert "secrets/**/*" in pipeline[".app-changes"]["rules"][0]["changes"]
    cloud = render_answers({**example_answers(COMPUTES[compute]), "ci": ci})
    assert "secrets/**" not in cloud.get(".github/workflows/deploy.yml", "")
    assert "secrets/**" not in cloud.get(".gitlab-ci.yml", "")


@pytest.mark.parametrize(("compute", "ci"), CASES)
def test_no_secret_value_reaches_terraform_on_any_compute(compute: str, ci: str) -> None:
    tree = compute_tree(compute, ci)
    terraform = {p: t for p, t in tree.items() if p.endswith((".tf", ".tfvars"))}
    assert not any('aws_secretsmanager_secret_version"' in t for t in terraform.values())
    assert not any("sops" in t for p, t in terraform.items() if p.endswith(".tfvars"))
    assert "secret_string" not in tree["secrets-sops.tf"]


@pytest.mark.parametrize("compute", list(COMPUTES))
def test_only_the_environments_deploy_role_decrypts_and_puts(compute: str) -> None:
    # The deploy role applies its environment's stack in that environment's own account (account
    # IDs are unique per environment): kms:* and secretsmanager:* there reach that environment's
    # key and secrets only, and the .sops.yaml rule names that account's key. The plan role is
    # denied kms:Decrypt on every key but the state's (outside Lambda: a direct call carries no
    # kms:ViaService, and a negated operator on an absent key is true, AWS IAM "Condition
    # operators"), denied every secret read, and granted no secretsmanager write.
    tree = compute_tree(compute, "github-actions")
    services = re.search(
        r"^deploy_services\s*=\s*(\[.*\])$", tree["bootstrap/terraform.tfvars"], re.M
    )
    assert services is not None
    assert {"kms", "secretsmanager"} <= set(yaml.safe_load(services.group(1)))
    account = tree["bootstrap/modules/environment-account/main.tf"]
    plan = account[account.index('data "aws_iam_policy_document" "plan"') :]
    plan = plan[: plan.index('resource "aws_iam_role_policy" "plan"')]
    deny = plan[plan.index('sid           = "DecryptOnlyItsState"') :][:400]
    assert 'effect        = "Deny"' in deny and "not_resources = [var.state_kms_key_arn]" in deny
    assert 'test     = "StringNotLike"' in deny
    assert "secretsmanager:Put" not in plan and "secretsmanager:*" not in plan
    assert 'sid       = "NoSecretValues"' in plan


def test_two_environments_may_not_share_an_account() -> None:
    answers = copy.deepcopy(sops_answers())
    answers["environments"][1]["account_id"] = answers["environments"][0]["account_id"]
    assert "account_id" in messages(problems_of(answers))


@pytest.mark.parametrize("example", ["aws-kubernetes-canary", "aws-serverless-bluegreen"])
def test_the_step_puts_the_applications_secret_and_touches_no_task_definition(
    example: str, tmp_path: Path
) -> None:
    result, out = run_step(tmp_path, with_file=True, example=example)
    assert result.returncode == 0, result.stderr
    calls = out["calls"].read_text()
    tf_env = example_answers(example)["environments"][0]["name"]
    decrypt = f"sops --decrypt --input-type json --output-type json secrets/{tf_env}/app.sops.json"
    assert decrypt in calls
    assert "put-secret-value" in calls and "ecs " not in calls
    assert out["put"].read_text() == '{"API_TOKEN": "s3cret-value"}'
    assert list(tmp_path.rglob("value.json")) == []
    assert "s3cret-value" not in result.stdout + result.stderr


def test_a_failed_decrypt_stops_the_deploy_and_leaves_no_plaintext(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=True, failing="sops")
    assert result.returncode == 1
    assert (
        "Error: the secret of api could not be decrypted from secrets/staging/api.sops.json"
        in result.stderr
    )
    assert list(tmp_path.rglob("value.json")) == []
    assert "aws " not in out["calls"].read_text()
    assert "s3cret" not in result.stdout + result.stderr


def test_lambda_says_when_an_unchanged_package_keeps_the_running_environments() -> None:
    # Lambda publishes no version when the code and configuration are unchanged (PublishVersion
    # reference): then no new execution environment starts to read the new value.
    script = deploy_scripts(compute_tree("serverless", "github-actions"), "github-actions")[0]
    note = script.index('if [ -n "$secret_version" ] && [ "$green" = "$blue" ]; then')
    assert script.index("aws lambda publish-version") < note
    assert "keep the secret they read at start" in script[note:]


def test_the_eks_runbook_says_the_pods_read_it_through_their_identity() -> None:
    runbook = compute_tree("kubernetes", "gitlab-ci")["docs/runbooks/rotate-secrets.md"]
    section = runbook[runbook.index("### Application secrets kept as SOPS files") :]
    assert "EKS Pod Identity" in section
    assert "(#restart-the-application-with-the-new-values)" in section
    assert "### Restart the application with the new values" in runbook
    lam = compute_tree("serverless", "github-actions")["docs/runbooks/rotate-secrets.md"]
    assert "`APP_SECRETS_ARN`" in lam[lam.index("### Application secrets kept as SOPS files") :]


def test_eks_services_each_set_their_own_secret_before_their_pods_start() -> None:
    # On EKS the primary runs as app/app, whose pod identity reads the application's secret;
    # every other service as app/svc-<name>, whose own role reads its own secret
    # (k8s-identities.tf): each service's file fills that service's secret before its rollout.
    answers = {
        **example_answers("aws-kubernetes-canary"),
        "secrets": "sops",
        "services": [
            {"name": "api", "kind": "http", "path": "/", "runtime": "node", "version": "22",
             "port": 3000, "health_path": "/healthz"},
            {"name": "worker", "kind": "worker", "runtime": "java", "version": "21",
             "port": 8081, "health_path": "/health"},
        ],
    }  # fmt: skip
    tree = render_answers(answers)
    script = deploy_scripts(tree, "gitlab-ci")[0]
    assert (
        script.count("secret_service=api\n") == 1 and script.count("secret_service=worker\n") == 1
    )
    assert re.findall(r"^    \{ .* \},$", tree["secrets-sops.tf"], re.M) == [
        '    { "api" = module.secrets.app_secret_arn },',
        '    { "worker" = aws_secretsmanager_secret.k8s_service["worker"].arn },',
    ]
    first_apply = script.index('kubectl apply -k "k8s/overlays/$TF_ENV"')
    assert script.index("put-secret-value") < first_apply
