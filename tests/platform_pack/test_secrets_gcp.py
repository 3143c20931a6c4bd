"""The secrets strategy `sops` on GCP (issue 25): Cloud Run (every image service), GKE and Cloud
Functions (the primary service, the one with a secret); static-site is refused.

Facts pinned from the provider and tool documentation and issues:
- terraform-provider-google `google_kms_key_ring`: key rings cannot be deleted; destroying one only
  removes it from the state. `google_kms_crypto_key`: destroying one destroys all its versions
  (data encrypted with it is unrecoverable) and leaves its name taken; `prevent_destroy` is
  recommended (and hashicorp/terraform-provider-google#24503: the provider also unsets the
  rotation period on delete). Hence the keys live in bootstrap/ (long-lived), never in the
  environment's stack, with `prevent_destroy`, named `<project>-<env>-sops` / `sops`.
- `rotation_period` is a duration in seconds ("<n>s", more than one day): 90 days = 7776000s;
  `destroy_scheduled_duration` (immutable, default 24 h): 30 days = 2592000s.
- getsops/sops (gcpkms/keysource.go): a `gcp_kms` key is its resource ID, which must match
  `^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$` (no version); without
  GOOGLE_CREDENTIALS the client takes the environment's default credentials, i.e. the
  GOOGLE_APPLICATION_CREDENTIALS file the CI's Workload Identity Federation login writes.
- Cloud Run makes no new revision of an unchanged configuration, so a secret-only change with the
  same image would never reach new instances; `gcloud run deploy --revision-suffix` forces one
  (coherenceplatform/cnc#104; knative/serving#2254 client conventions). Secrets referenced as
  `latest` are resolved when an instance starts.
"""

from __future__ import annotations

import copy
import hashlib
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
from infrascaffold.templating.environment import make_environment
from tests import secret_stubs
from tests.builders import example_answers, render_answers
from tests.secret_stubs import sops_file

BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"
EXAMPLES = ("gcp-services", "gcp-kubernetes-services", "gcp-serverless-node")


def sops_answers(example: str) -> dict[str, Any]:
    return {**example_answers(example), "secrets": "sops"}


@cache
def sops_tree(example: str) -> Mapping[str, str]:
    return render_answers(sops_answers(example))


def resolve(answers: Mapping[str, Any]) -> tuple[Any, Any, dict[str, Any], list[tuple[str, str]]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(
        pack, env, apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    )
    return pack, env, resolved, problems + check_answers(pack, env, resolved)


def messages(problems: list[tuple[str, str]]) -> str:
    return " | ".join(f"{where}: {what}" for where, what in problems)


def block(text: str, start: str) -> str:
    """The HCL block that starts with `start`, up to its closing brace at column 0."""
    begin = text.index(start)
    return text[begin : text.index("\n}\n", begin) + 3]


# --- answer-time checks -------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_sops_is_accepted_on_gcp_for_every_compute_with_a_service(example: str) -> None:
    *_, problems = resolve(sops_answers(example))
    assert problems == []


def test_sops_on_a_gcp_static_site_is_refused_with_one_line() -> None:
    answers = {**example_answers("gcp-containers"), "compute": "static-site", "secrets": "sops"}
    *_, problems = resolve(answers)
    text = messages(problems)
    assert (
        "sops sets a service's server-side secret, and compute static-site has none on gcp" in text
    )
    assert all("\n" not in what for _, what in problems)


# --- the KMS keys: bootstrap, one per environment, in its project and region ---------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_environment_encrypts_with_its_own_projects_key(example: str) -> None:
    tree = sops_tree(example)
    rules = yaml.safe_load(tree[".sops.yaml"])["creation_rules"]
    environments = example_answers(example)["environments"]
    project = example_answers(example)["project_name"]
    assert [rule["gcp_kms"] for rule in rules] == [
        f"projects/{env['project_id']}/locations/{env['region']}/keyRings/"
        f"{project}-{env['name']}-sops/cryptoKeys/sops"
        for env in environments
    ]
    assert all("kms" not in rule for rule in rules)
    sops_resource_id = r"^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$"
    assert all(re.match(sops_resource_id, rule["gcp_kms"]) for rule in rules)
    for env, rule in zip(environments, rules, strict=True):
        assert re.search(rule["path_regex"], f"/w/repo/secrets/{env['name']}/api.sops.json")
        assert not re.search(rule["path_regex"], "/w/repo/secrets/other/api.sops.json")


def test_the_keys_are_bootstraps_and_cannot_be_destroyed_with_an_environment() -> None:
    tree = sops_tree("gcp-services")
    sops = tree["bootstrap/sops.tf"]
    ring = block(sops, 'resource "google_kms_key_ring" "sops"')
    assert 'name     = "${var.project_name}-${each.key}-sops"' in ring
    assert "project  = each.value.project_id" in ring
    assert "location = each.value.region" in ring
    assert "prevent_destroy = true" in ring
    key = block(sops, 'resource "google_kms_crypto_key" "sops"')
    assert 'rotation_period            = "7776000s"' in key  # 90 days
    assert 'destroy_scheduled_duration = "2592000s"' in key  # 30 days
    assert 'purpose                    = "ENCRYPT_DECRYPT"' in key
    assert "prevent_destroy = true" in key
    # the environment's own stack (which `terraform destroy` may remove) holds no KMS resource
    root = [path for path in tree if path.endswith(".tf") and not path.startswith("bootstrap/")]
    assert root and not any("google_kms_" in tree[path] for path in root)
    # the environments' projects have the Cloud KMS API (bootstrap enables every API)
    assert '"cloudkms.googleapis.com"' in block(
        sops, 'resource "google_project_service" "sops_kms"'
    )


# --- IAM: the deploy identity decrypts with its own key, adds to its own secrets; plan: neither ---


def test_the_deploy_identity_decrypts_with_its_environments_key_only() -> None:
    tree = sops_tree("gcp-services")
    sops = tree["bootstrap/sops.tf"]
    grant = block(sops, 'resource "google_kms_crypto_key_iam_member" "sops_deploy"')
    assert 'role          = "roles/cloudkms.cryptoKeyDecrypter"' in grant
    assert "crypto_key_id = google_kms_crypto_key.sops[each.key].id" in grant
    assert "member        = google_service_account.deploy[each.key].member" in grant
    assert "google_service_account.plan" not in sops
    # a resource-level grant: no Cloud KMS role on any project, for either identity
    assert "google_project_iam" not in sops
    bootstrap = "\n".join(text for path, text in tree.items() if path.startswith("bootstrap/"))
    assert "roles/cloudkms." not in tree["bootstrap/ci.tf"]
    encrypt = block(sops, 'resource "google_kms_crypto_key_iam_member" "sops_encrypters"')
    assert 'role          = "roles/cloudkms.cryptoKeyEncrypter"' in encrypt
    assert bootstrap.count("roles/cloudkms.cryptoKeyDecrypter") == 1


def test_the_deploy_identity_adds_versions_to_its_environments_service_secrets_only() -> None:
    text = sops_tree("gcp-services")["secrets-sops.tf"]
    assert (
        'format("serviceAccount:ci-deploy-%s@%s.iam.gserviceaccount.com", var.environment, '
        '"acme-shop-tfstate")' in text
    )
    adder = block(text, 'resource "google_secret_manager_secret_iam_member" "sops_deploy_adder"')
    assert "for_each = local.sops_secret_ids" in adder
    assert 'role      = "roles/secretmanager.secretVersionAdder"' in adder
    assert "member    = local.sops_deploy_member" in adder
    assert "google_project_iam" not in text and "ci-plan" not in text
    ids = text[text.index("sops_secret_ids = merge(") :]
    ids = ids[: ids.index("\n  )\n")]
    assert '{ "api" = module.secrets.app_secret_id }' in ids
    assert '{ "worker" = module.svc_worker_secrets.app_secret_id }' in ids
    assert '{ "nightly" = module.svc_nightly_secrets.app_secret_id }' in ids
    assert "web" not in ids  # the static front end has no secret


def test_on_gke_every_service_sets_its_own_secret_through_its_own_identity() -> None:
    # GKE: the primary's secret is the application's; each other service has its own
    # (k8s-identities.tf, module.k8s_service_secrets), which its own Google service account reads.
    text = sops_tree("gcp-kubernetes-services")["secrets-sops.tf"]
    ids = text[text.index("sops_secret_ids = merge(") :]
    ids = ids[: ids.index("\n  )\n")]
    primary, *others = [s["name"] for s in sops_answers("gcp-kubernetes-services")["services"]
                        if s["kind"] != "static"]  # fmt: skip
    assert f'{{ "{primary}" = module.secrets.app_secret_id }}' in ids
    assert others and all(
        f'{{ "{name}" = module.k8s_service_secrets["{name}"].app_secret_id }}' in ids
        for name in others
    )


def test_on_cloud_functions_only_the_primary_service_has_a_secret() -> None:
    text = sops_tree("gcp-serverless-node")["secrets-sops.tf"]
    primary = sops_answers("gcp-serverless-node")["services"][0]["name"]
    ids = text[text.index("sops_secret_ids = merge(") :]
    ids = ids[: ids.index("\n  )\n")]
    assert ids.count(" = module.") == 1
    assert f'{{ "{primary}" = module.secrets.app_secret_id }}' in ids


def test_the_plan_identity_gets_no_kms_nor_secret_writing_role() -> None:
    tree = sops_tree("gcp-services")
    plan_roles = tree["bootstrap/ci.tf"][tree["bootstrap/ci.tf"].index("plan_roles") :]
    plan_roles = plan_roles[: plan_roles.index("\n")]
    assert "cloudkms" not in plan_roles and "secretVersion" not in plan_roles
    text = tree["secrets-sops.tf"]
    members = re.findall(r"^\s*member\s*=\s*(.+)$", text, re.M)
    assert members and set(members) == {"local.sops_deploy_member"}
    assert "ci-plan" not in text and "ci-plan" not in tree["bootstrap/sops.tf"]


# --- no secret value in Terraform: tfvars, state (no version resource), plan ---------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_secret_value_reaches_terraform(example: str) -> None:
    tree = sops_tree(example)
    assert not any("sops" in text for path, text in tree.items() if path.endswith(".tfvars"))
    added = tree["secrets-sops.tf"] + tree["bootstrap/sops.tf"]
    assert "google_secret_manager_secret_version" not in added
    assert "secret_data" not in added


# --- the deploy step: wired in each deploy partial, shellcheck-clean -----------------------------


def deploy_scripts(example: str) -> list[str]:
    tree = sops_tree(example)
    if ".gitlab-ci.yml" in tree:
        jobs = yaml.safe_load(tree[".gitlab-ci.yml"])
        scripts = [
            "\n".join(job["script"])
            for job in jobs.values()
            if isinstance(job, dict) and isinstance(job.get("script"), list)
        ]
    else:
        deploy = yaml.safe_load(tree[".github/workflows/_deploy.yml"])
        scripts = [step.get("run", "") for step in deploy["jobs"]["deploy"]["steps"]]
    return [script for script in scripts if '"$sops_dir/sops" --decrypt' in script]


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_deploy_step_passes_shellcheck(example: str, tmp_path: Path) -> None:
    shellcheck = BIN / "shellcheck" if (BIN / "shellcheck").exists() else shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    scripts = deploy_scripts(example)
    assert scripts
    for i, script in enumerate(scripts):
        path = tmp_path / f"deploy-{i}.sh"
        path.write_text("#!/usr/bin/env bash\nset -euo pipefail\n" + script, encoding="utf-8")
        result = subprocess.run(
            # SC2154 off as actionlint has it: the job's env sets variables (TF_ENV, image)
            [str(shellcheck), "-S", "warning", "-e", "SC2154", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout


def test_every_image_service_puts_its_secret_before_its_revision() -> None:
    scripts = "\n".join(deploy_scripts("gcp-services"))
    for name in ("api", "worker", "nightly"):
        assert f"secret_service={name}\n" in scripts
    assert "secret_service=web" not in scripts
    # a new version names the next revision, so that an unchanged image still rolls one out
    suffix = '--revision-suffix "secret-${secret_added##*/}"'
    assert scripts.count(suffix) == 2  # the http service and the worker; the job reads it at start
    put = scripts.index("gcloud secrets versions add")
    assert put < scripts.index(f"--no-traffic --quiet ${{secret_added:+{suffix}}}")


def test_the_cloud_strategy_renders_no_sops_step() -> None:
    tree = render_answers(example_answers("gcp-services"))
    assert ".sops.yaml" not in tree and "secrets-sops.tf" not in tree
    assert "bootstrap/sops.tf" not in tree
    assert "secret_service" not in tree[".github/workflows/_deploy.yml"]


# --- the deploy step, run: stubs of sops, terraform and gcloud record what they are called with ---

STUBS = {
    "sops": secret_stubs.SOPS,
    "curl": secret_stubs.DOWNLOAD_CURL,
    "sha256sum": secret_stubs.SHA256SUM,
    "terraform": """#!/usr/bin/env bash
echo "terraform $*" >> "$CALLS"
printf '%s' '{"worker": "projects/acme-shop-staging/secrets/shop-staging-worker-app"}'
""",
    "gcloud": """#!/usr/bin/env bash
echo "gcloud $*" >> "$CALLS"
case "$1 $2 $3" in
  "secrets versions access")
    [ -n "$CURRENT" ] || exit 1
    while [ $# -gt 0 ]; do [ "$1" = --out-file ] && printf '%s' "$CURRENT" > "$2"; shift; done ;;
  "secrets versions add")
    [ -z "$FAIL_ADD" ] || exit 1
    while [ $# -gt 0 ]; do
      [ "$1" = --data-file ] && cp "$2" "$PUT_COPY" && stat -c %a "$2" > "$PUT_MODE"; shift
    done
    echo "projects/123/secrets/shop-staging-worker-app/versions/7" ;;
esac
""",
}


def gcp_step() -> str:
    answers = sops_answers("gcp-services")
    return secret_stubs.render_step(answers, "partials/ci/gcp/secrets.sh.j2", service="worker")


STAGING_KEY = (
    "projects/acme-shop-staging/locations/europe-west1/keyRings/shop-staging-sops/cryptoKeys/sops"
)


def run_step(
    tmp_path: Path,
    with_file: bool,
    current: str = "",
    fail_add: bool = False,
    metadata: Mapping[str, Any] | None = None,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Path]]:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    folder = secret_stubs.install(tmp_path, STUBS)
    work = tmp_path / "infra"
    (work / "secrets" / "staging").mkdir(parents=True)
    if with_file:
        key = {"resource_id": STAGING_KEY, "created_at": "2026-01-01T00:00:00Z", "enc": "CiQA"}
        (work / "secrets" / "staging" / "worker.sops.json").write_text(
            sops_file(metadata if metadata is not None else {"gcp_kms": [key]})
        )
    out = {n: tmp_path / n for n in ("calls", "put", "mode")}
    script = "set -euo pipefail\nTF_ENV=staging\n" + gcp_step() + '\necho "added=$secret_added"\n'
    env = secret_stubs.stub_env(
        tmp_path,
        folder,
        CURRENT=current,
        FAIL_ADD="1" if fail_add else "",
        TMPDIR=str(tmp_path / "tmp"),
    )
    (tmp_path / "tmp").mkdir()
    return secret_stubs.run(script, work, env), out


def test_the_step_adds_the_decrypted_file_as_a_new_version(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=True, current="{}")
    assert result.returncode == 0, result.stderr
    calls = out["calls"].read_text()
    assert (
        "sops --decrypt --input-type json --output-type json secrets/staging/worker.sops.json"
        in (calls)
    )
    add = next(line for line in calls.splitlines() if "versions add" in line)
    assert "projects/acme-shop-staging/secrets/shop-staging-worker-app --data-file" in add
    assert out["put"].read_text() == '{"API_TOKEN": "s3cret-value"}'
    assert out["mode"].read_text().strip() == "600"  # a private file (umask 077)
    assert "added=projects/123/secrets/shop-staging-worker-app/versions/7" in result.stdout
    encrypted = (tmp_path / "infra" / "secrets" / "staging" / "worker.sops.json").read_bytes()
    assert f"sha256 {hashlib.sha256(encrypted).hexdigest()}, version 7" in result.stdout
    # no plaintext is left on disk, nor printed in the job's log
    assert list((tmp_path / "tmp").rglob("*.json")) == []
    assert "s3cret-value" not in result.stdout + result.stderr


def test_an_unchanged_value_adds_no_version(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=True, current='{"API_TOKEN": "s3cret-value"}')
    assert result.returncode == 0, result.stderr
    assert "versions add" not in out["calls"].read_text()
    assert "no new version" in result.stdout and "added=\n" in result.stdout
    assert list((tmp_path / "tmp").rglob("*.json")) == []


def test_without_a_file_the_step_calls_nothing(tmp_path: Path) -> None:
    result, out = run_step(tmp_path, with_file=False)
    assert result.returncode == 0, result.stderr
    assert not out["calls"].exists()
    assert "keeps its value" in result.stdout


def test_a_failed_put_stops_the_deploy_and_leaves_no_plaintext(tmp_path: Path) -> None:
    result, _ = run_step(tmp_path, with_file=True, fail_add=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: the secret of worker was not set from secrets/staging/worker.sops.json"
    )
    assert list((tmp_path / "tmp").rglob("*.json")) == []
    assert "s3cret-value" not in result.stdout + result.stderr


# --- docs: the runbook, SECURITY.md, each environment's README ------------------------------------


def test_the_runbook_says_how_a_value_reaches_rotates_rolls_back_and_is_revoked() -> None:
    runbook = sops_tree("gcp-services")["docs/runbooks/rotate-secrets.md"]
    section = runbook[runbook.index("### Application secrets kept as SOPS files") :]
    assert "gcloud secrets versions add --data-file" in section
    assert "--revision-suffix secret-<version>" in section
    assert "revert the file's commit and deploy" in section
    assert "gcloud kms keys versions disable" in section
    assert "aws " not in section
    gke = sops_tree("gcp-kubernetes-services")["docs/runbooks/rotate-secrets.md"]
    assert "Workload Identity" in gke[gke.index("### Application secrets kept as SOPS files") :]


def test_security_md_says_who_decrypts_and_the_residual_risk() -> None:
    security = sops_tree("gcp-services")["docs/SECURITY.md"]
    section = security[security.index("## Application secrets in the repository (SOPS)") :]
    assert "the plan service account may not" in section
    assert "`roles/cloudkms.cryptoKeyDecrypter` on its own environment's key only" in section
    assert "pinned by version (v3.9.4)" in section
    assert "Residual:" in section and "roles/secretmanager.admin" in section
    assert "Secrets Manager" not in section


def test_the_readme_of_each_environment_names_its_key_and_services() -> None:
    tree = sops_tree("gcp-services")
    readme = tree["secrets/staging/README.md"]
    assert (
        "`projects/acme-shop-staging/locations/europe-west1/keyRings/shop-staging-sops/"
        "cryptoKeys/sops`" in readme
    )
    for name in ("api", "worker", "nightly"):
        assert f"| {name} | `{name}.sops.json` |" in readme
    assert "web.sops.json" not in readme
    assert "--filename-override" in readme
    assert "arn:aws" not in readme and "Secrets Manager" not in readme


def test_the_bootstrap_readme_lists_the_keys_their_input_and_output() -> None:
    readme = sops_tree("gcp-services")["bootstrap/README.md"]
    assert "| SOPS keys | Per environment, key ring `shop-<env>-sops` and key `sops`" in readme
    assert "| `sops_encrypters` |" in readme and "| `sops_kms_keys` |" in readme
    assert "sops" not in render_answers(example_answers("gcp-services"))["bootstrap/README.md"]
