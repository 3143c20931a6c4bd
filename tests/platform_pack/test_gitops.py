"""GitOps delivery (`delivery: gitops`, issue 18): Argo CD in each environment's cluster (the
addons/ stack) syncs k8s/overlays/<env> from the default branch; the deploy job commits the
release's deploy.env instead of applying it, then waits for Argo CD's sync and the rollout.

Argo CD facts pinned here: chart argo-cd 10.1.1 carries Argo CD v3.4.4 (argoproj/argo-helm,
charts/argo-cd/Chart.yaml at tag argo-cd-10.1.1), `namespaceOverride` moves every object of the
chart out of the release namespace, `configs.cm."admin.enabled"` turns the local admin off; an
Application is synced by kubectl by setting its `operation` (argo-cd docs, user-guide/sync-kubectl)
and refreshed by the `argocd.argoproj.io/refresh` annotation (user-guide/annotations-and-labels).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from infrascaffold.errors import AnswerError
from tests.builders import ROOT, example_answers, render_answers, write_tree_to
from tests.platform_pack.test_ci import PINNED_ACTIONS, gitlab_jobs, run, tool
from tests.platform_pack.test_k8s import strict

ARGO_CD_SCHEMAS = ROOT / "tests" / "fixtures" / "argo-cd" / "crd-schemas-v3.4.4.json.gz"
CHART = "10.1.1"
APP_VERSION = "v3.4.4"
APPS_CHART = "2.0.5"
GITHUB = {"ci": "github-actions", "repository": "acme/payments-infra"}
GITLAB = {"ci": "gitlab-ci", "repository": "acme/platform/payments-infra"}
# cloud, strategy, CI: every cloud, every strategy, both CI systems.
CASES = [
    ("aws", "canary", "github-actions"),
    ("gcp", "canary", "gitlab-ci"),
    ("azure", "canary", "github-actions"),
    ("gcp", "rolling", "github-actions"),
    ("aws", "blue-green", "gitlab-ci"),
    ("azure", "rolling", "gitlab-ci"),
]
IDS = ["-".join(case) for case in CASES]
ADDONS = {"aws": "addons", "gcp": "addons", "azure": "addons"}
DIGEST = "sha256:" + "cd" * 32


def answers(cloud: str, strategy: str, ci: str) -> dict[str, Any]:
    base = example_answers(f"{cloud}-kubernetes-canary")
    return (
        base
        | (GITHUB if ci == "github-actions" else GITLAB)
        | {
            "deploy_strategy": strategy,
            "delivery": "gitops",
        }
    )


@cache
def tree(cloud: str, strategy: str, ci: str) -> dict[str, str]:
    return dict(render_answers(answers(cloud, strategy, ci)))


def environments(cloud: str, strategy: str, ci: str) -> list[dict[str, Any]]:
    envs: list[dict[str, Any]] = answers(cloud, strategy, ci)["environments"]
    return envs


def apps_values(files: dict[str, str], env: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(files[f"addons/environments/{env}.argocd-apps.yaml"])
    return loaded


def chart_objects(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The Applications and AppProjects the argocd-apps chart makes of its values (its
    templates/applications.yaml and projects.yaml: the name is the key, the rest is the spec)."""
    objects = []
    for kind, key in (("Application", "applications"), ("AppProject", "projects")):
        for name, data in values[key].items():
            spec = {k: v for k, v in data.items() if k not in ("namespace", "finalizers")}
            objects.append(
                {
                    "apiVersion": "argoproj.io/v1alpha1",
                    "kind": kind,
                    "metadata": {"name": name, "namespace": data["namespace"]},
                    "spec": spec,
                }
            )
    return objects


@cache
def argo_cd_schemas() -> dict[str, Any]:
    loaded = json.loads(gzip.decompress(ARGO_CD_SCHEMAS.read_bytes()))
    return {kind: strict(schema) for kind, schema in loaded.items()}


def schema_problems(obj: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(argo_cd_schemas()[obj["kind"]])
    return [f"{obj['kind']}: {e.json_path}: {e.message}" for e in validator.iter_errors(obj)]


def keys_of(value: Any) -> list[str]:
    """Every mapping key in a YAML document, at any depth."""
    if isinstance(value, dict):
        return [str(k) for k in value] + [k for v in value.values() for k in keys_of(v)]
    if isinstance(value, list):
        return [k for v in value for k in keys_of(v)]
    return []


def block(tf: str, kind: str, name: str) -> str:
    """The text of one top-level block of a Terraform file (formatted: it ends at a lone `}`)."""
    start = tf.index(f'resource "{kind}" "{name}" {{')
    return tf[start : tf.index("\n}\n", start) + 2]


def deploy_script(files: dict[str, str], workflow: str = "deploy") -> tuple[dict[str, Any], str]:
    """The deploy (or rollback) job's variables and its script, as the CI system reads them."""
    if ".gitlab-ci.yml" in files:
        doc = yaml.safe_load(files[".gitlab-ci.yml"])
        job = doc[f".{workflow}"]
        return doc["variables"] | job["variables"], "\n".join(job["script"])
    doc = yaml.safe_load(files[f".github/workflows/_{workflow}.yml"])
    name = "Deploy (" if workflow == "deploy" else "Roll back"
    (step,) = [s for s in doc["jobs"][workflow]["steps"] if str(s.get("name", "")).startswith(name)]
    return doc["env"] | step["env"], step["run"]


# -- the question ---------------------------------------------------------------------------------


def test_delivery_is_asked_for_kubernetes_only() -> None:
    containers = render_answers(example_answers("gcp-containers") | {"delivery": "gitops"})
    assert not [path for path in containers if "argocd" in path]
    assert (
        "ARGOCD_APPLICATION"
        not in containers[
            ".gitlab-ci.yml" if ".gitlab-ci.yml" in containers else ".github/workflows/_deploy.yml"
        ]
    )


def test_gitops_without_a_ci_system_is_refused() -> None:
    given = example_answers("gcp-kubernetes-canary") | {"ci": "none", "delivery": "gitops"}
    with pytest.raises(AnswerError) as raised:
        render_answers(given)
    assert raised.value.problems[0][0] == "delivery"
    assert "needs a CI system" in raised.value.problems[0][1]


@pytest.mark.parametrize(
    "example", ["aws-kubernetes-canary", "gcp-kubernetes-canary", "azure-kubernetes-canary"]
)
def test_push_delivery_renders_as_before(example: str) -> None:
    default = render_answers(example_answers(example))
    push = render_answers(example_answers(example) | {"delivery": "push"})
    assert dict(push) == dict(default)
    assert not [path for path, text in default.items() if "argocd" in path or "ARGOCD" in text]
    assert "k8s/.gitignore" in default


# -- Argo CD and its Applications (addons/) ---------------------------------------------------------


@pytest.mark.parametrize(("cloud", "strategy", "ci"), CASES, ids=IDS)
def test_applications_and_projects_validate_against_the_argo_cd_schemas(
    cloud: str, strategy: str, ci: str
) -> None:
    files = tree(cloud, strategy, ci)
    for env in environments(cloud, strategy, ci):
        objects = chart_objects(apps_values(files, env["name"]))
        assert sorted(o["kind"] for o in objects) == ["AppProject", "Application"]
        assert [p for o in objects for p in schema_problems(o)] == []


def test_the_schemas_catch_a_wrong_application() -> None:
    files = tree("gcp", "canary", "gitlab-ci")
    (app, _) = chart_objects(apps_values(files, "prod"))
    app["spec"]["syncPolicy"]["automatic"] = {"prune": True}
    app["spec"]["source"].pop("repoURL")
    problems = schema_problems(app)
    assert any("automatic" in p for p in problems)
    assert any("repoURL" in p for p in problems)


@pytest.mark.parametrize(("cloud", "strategy", "ci"), CASES, ids=IDS)
def test_each_application_syncs_its_own_overlay_from_the_default_branch(
    cloud: str, strategy: str, ci: str
) -> None:
    files = tree(cloud, strategy, ci)
    given = answers(cloud, strategy, ci)
    host = "https://github.com/" if ci == "github-actions" else "https://gitlab.com/"
    repo_url = f"{host}{given['repository']}.git"
    namespace = yaml.safe_load(files["k8s/base/namespace.yaml"])["metadata"]["name"]
    variables, _ = deploy_script(files)
    for env in environments(cloud, strategy, ci):
        values = apps_values(files, env["name"])
        (app,) = values["applications"].values()
        ((project_name, project),) = values["projects"].items()
        source = app["source"]
        assert source["path"] == f"k8s/overlays/{env['name']}"
        assert f"{source['path']}/kustomization.yaml" in files
        assert source["repoURL"] == repo_url
        assert source["targetRevision"] == variables["GITOPS_BRANCH"] == "main"
        assert app["project"] == project_name
        assert project["sourceRepos"] == [repo_url]
        assert app["destination"] == {
            "server": "https://kubernetes.default.svc",
            "namespace": namespace,
        }
        assert project["destinations"] == [app["destination"]]
        assert project["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace"}]
        # Protected: a sync only by the approved deploy job (or a person); the others follow the branch.
        automated = app["syncPolicy"].get("automated")
        assert automated == (None if env["protected"] else {"prune": True, "selfHeal": True})
        assert app["namespace"] == variables["ARGOCD_NAMESPACE"]
        assert next(iter(values["applications"])) == variables["ARGOCD_APPLICATION"]
        # The addons/ stack of that environment installs exactly this file.
        tfvars = files[f"addons/environments/{env['name']}.tfvars"]
        assert f'argocd_applications = "environments/{env["name"]}.argocd-apps.yaml"' in tfvars


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_argo_cd_is_pinned_and_hardened(cloud: str) -> None:
    files = tree(cloud, "canary", "github-actions")
    tf = files[f"{ADDONS[cloud]}/argocd.tf"]
    assert re.search(r'chart\s+= "argo-cd"\n\s+version\s+= "' + re.escape(CHART) + '"', tf)
    assert re.search(r'chart\s+= "argocd-apps"\n\s+version\s+= "' + re.escape(APPS_CHART) + '"', tf)
    assert f"carries Argo CD {APP_VERSION}" in tf
    assert 'values = [file("${path.module}/argocd.values.yaml")]' in tf
    assert "addons/argocd.values.yaml" in files
    # The Applications' CRD arrives with the first release: the second waits for it.
    apps = block(tf, "helm_release", "argocd_apps")
    assert (
        "depends_on = [helm_release.argo_cd]" in apps or "= helm_release.argo_cd.namespace" in apps
    )
    assert 'resource "kubernetes_manifest"' not in tf
    assert not re.search(r"(?i)password|set_sensitive", tf)
    values = yaml.safe_load(files["addons/argocd.values.yaml"])
    assert values["configs"]["cm"]["admin.enabled"] is False
    assert values["configs"]["cm"]["users.anonymous.enabled"] is False
    assert values["dex"]["enabled"] is False
    assert values["server"]["service"]["type"] == "ClusterIP"
    assert "ingress" not in values["server"]
    assert not [key for key in keys_of(values) if "password" in key.lower()]
    for component in ("server", "controller", "repoServer", "redis"):
        resources = values[component]["resources"]
        assert set(resources) == {"requests", "limits"}, component
        assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_argo_cd_secrets_are_out_of_the_plan_identitys_reach(cloud: str) -> None:
    """Argo CD's namespace holds its signing key and the repository credentials; the plan
    identities (trusted by pull requests of unprotected environments) read Secrets only where
    Helm keeps release records, so the two Argo CD releases keep theirs elsewhere."""
    files = tree(cloud, "rolling", "github-actions")
    tf = files["addons/argocd.tf"]
    namespaces = re.findall(
        r'resource "helm_release" "argo(?:_cd|cd_apps)" \{\n\s+name\s+= "[^"]+"\n\s+namespace\s+= (\S+)',
        tf,
    )
    assert len(namespaces) == 2
    values = yaml.safe_load(files["addons/argocd.values.yaml"])
    assert values["namespaceOverride"] == "argocd"
    assert (
        'name  = "namespaceOverride"\n      value = kubernetes_namespace_v1.argocd.metadata[0].name'
        in tf
    )
    if cloud == "aws":
        assert set(namespaces) == {"kubernetes_namespace_v1.controllers.metadata[0].name"}
        module = files["modules/eks-cluster/variables.tf"]
        readable = re.search(
            r'variable "helm_release_namespaces" \{.*?default\s+= (\[.*?\])', module, re.S
        )
        assert (
            readable
            and "cluster-controllers" in readable.group(1)
            and "argocd" not in readable.group(1)
        )
    else:
        assert set(namespaces) == {"kubernetes_namespace_v1.argocd_releases.metadata[0].name"}
        assert 'name   = "argocd-releases"' in tf
        role = re.search(
            r'resource "kubernetes_role_v1" "plan_argocd_release_records" \{.*?namespace = (\S+)',
            tf,
            re.S,
        )
        assert role and role.group(1) == "kubernetes_namespace_v1.argocd_releases.metadata[0].name"
        assert "ci-plan-" in files["addons/environments/prod.tfvars"]


def test_gke_admits_the_argo_cd_images() -> None:
    files = tree("gcp", "canary", "gitlab-ci")
    patterns = re.findall(r"name_pattern = \"([^\"]+)\"", files["app.tf"])
    assert f"quay.io/argoproj/argocd:{APP_VERSION}" in patterns
    # The chart's own Redis image (argo-cd 10.1.1 values.yaml, redis.image), not overridden here.
    assert "ecr-public.aws.com/docker/library/redis:8.2.3-alpine" in patterns
    assert "image" not in yaml.safe_load(files["addons/argocd.values.yaml"])["redis"]
    push = render_answers(example_answers("gcp-kubernetes-canary"))
    assert "argocd" not in push["app.tf"]


# -- the deploy and rollback jobs -------------------------------------------------------------------


@pytest.mark.parametrize(("cloud", "strategy", "ci"), CASES, ids=IDS)
def test_the_deploy_job_commits_the_file_the_application_reads(
    cloud: str, strategy: str, ci: str
) -> None:
    files = tree(cloud, strategy, ci)
    _, script = deploy_script(files)
    assert "kubectl apply" not in script
    assert 'gitops_path="$(git rev-parse --show-prefix)k8s/overlays/$TF_ENV/deploy.env"' in script
    write = 'sh k8s/deploy-inputs.sh "$image" > "$gitops_dir/$gitops_path"'
    assert write in script
    after = script[script.index(write) :]
    assert after.index("gitops_push ") < after.index("gitops_sync")
    wait = "rollout status" if strategy == "rolling" else 'rollouts status "$K8S_WORKLOAD"'
    assert wait in script
    if strategy != "rolling":
        assert (
            after.index("gitops_sync") < after.index("follow_rollout\n")
            if "follow_rollout\n" in after
            else True
        )
    # The overlay reads deploy.env (the Application's source path), which is committed now.
    for env in environments(cloud, strategy, ci):
        overlay = yaml.safe_load(files[f"k8s/overlays/{env['name']}/kustomization.yaml"])
        assert overlay["configMapGenerator"][0]["envs"] == ["deploy.env"]
    assert "k8s/.gitignore" not in files
    # A failed release goes back by a commit, not by kubectl (self-heal would undo that).
    assert "rollout undo" not in script and "rollouts undo" not in script
    assert "gitops_revert" in script


@pytest.mark.parametrize(("cloud", "strategy", "ci"), CASES, ids=IDS)
def test_the_rollback_job_reverts_the_last_release_commit(
    cloud: str, strategy: str, ci: str
) -> None:
    _, script = deploy_script(tree(cloud, strategy, ci), "rollback")
    assert 'release_commit=$(gitops_git log -n 1 --format=%H -- "$gitops_path")' in script
    assert script.index("release_commit=$(gitops_git log") < script.index("\ngitops_revert\n")
    assert "rollout undo" not in script and "rollouts undo" not in script


@pytest.mark.parametrize(
    ("cloud", "strategy", "ci"), [c for c in CASES if c[2] == "github-actions"]
)
def test_only_the_deploy_and_rollback_jobs_may_push(cloud: str, strategy: str, ci: str) -> None:
    files = tree(cloud, strategy, ci)
    writers = []
    for path, text in files.items():
        if path.startswith(".github/workflows/"):
            for name, job in yaml.safe_load(text)["jobs"].items():
                if job.get("permissions", {}).get("contents") == "write":
                    writers.append((path, name))
                for step in job.get("steps", []):
                    if "GITOPS_TOKEN" in step.get("env", {}):
                        assert (
                            name in ("deploy", "rollback")
                            and step["env"]["GITOPS_TOKEN"]
                            == "${{ steps.gitops-app.outputs.token || github.token }}"
                        )
    # The optional GitOps app's token: a pinned action, contents only.
    deploy_steps = yaml.safe_load(files[".github/workflows/_deploy.yml"])["jobs"]["deploy"]["steps"]
    (app,) = [s for s in deploy_steps if s.get("id") == "gitops-app"]
    action, _, sha = app["uses"].partition("@")
    assert sha == PINNED_ACTIONS[action][0]
    assert app["if"] == "vars.GITOPS_APP_CLIENT_ID != ''"
    assert {k for k in app["with"] if k.startswith("permission-")} == {"permission-contents"}
    envs = [e["name"] for e in environments(cloud, strategy, ci)]
    expected = {
        (".github/workflows/_deploy.yml", "deploy"),
        (".github/workflows/_rollback.yml", "rollback"),
    }
    expected |= {(".github/workflows/deploy.yml", f"deploy-{e}") for e in envs}
    expected |= {(f".github/workflows/rollback-{e}.yml", "rollback") for e in envs}
    assert set(writers) == expected
    # The job's token is in the step that pushes only, never in the job's environment.
    deploy = yaml.safe_load(files[".github/workflows/_deploy.yml"])["jobs"]["deploy"]
    assert "GITOPS_TOKEN" not in deploy.get("env", {})
    assert deploy["environment"]["name"] == "${{ inputs.environment }}"


def test_gitlab_pushes_with_the_job_token_from_deploy_and_rollback_jobs_only() -> None:
    files = tree("gcp", "canary", "gitlab-ci")
    doc = yaml.safe_load(files[".gitlab-ci.yml"])
    pushing = {
        name for name, job in gitlab_jobs(doc).items() if "GITOPS_TOKEN" in job.get("variables", {})
    }
    envs = [e["name"] for e in environments("gcp", "canary", "gitlab-ci")]
    assert pushing == {f"{kind}:{e}" for kind in ("deploy", "rollback") for e in envs}
    for name in pushing:
        job = gitlab_jobs(doc)[name]
        assert job["variables"]["GITOPS_TOKEN"] == "$CI_JOB_TOKEN"
        assert job["environment"]["name"] in envs
    assert "Allow Git push requests to the repository" in files["docs/SECURITY.md"]


@pytest.fixture(scope="module")
def github_renders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("gitops-ci")
    folders = []
    for case in CASES:
        folder = write_tree_to(root / "-".join(case), tree(*case))
        if shutil.which("git"):
            run(["git", "init", "-q", str(folder)])
        folders.append(folder)
    return folders


def test_the_workflows_pass_actionlint(github_renders: list[Path]) -> None:
    files = [
        str(p) for folder in github_renders for p in sorted(folder.glob(".github/workflows/*.yml"))
    ]
    assert files
    result = run([tool("actionlint"), "-shellcheck", tool("shellcheck"), *files])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gitlab_pipelines_match_their_schema(github_renders: list[Path]) -> None:
    files = [
        str(folder / ".gitlab-ci.yml")
        for folder in github_renders
        if (folder / ".gitlab-ci.yml").exists()
    ]
    assert files
    cmd = [
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.gitlab-ci",
        "--data-transform",
        "gitlab-ci",
    ]
    result = run([*cmd, *files])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gitlab_scripts_pass_shellcheck(tmp_path: Path) -> None:
    scripts = []
    for case in CASES:
        if case[2] == "gitlab-ci":
            doc = yaml.safe_load(tree(*case)[".gitlab-ci.yml"])
            for name in (".deploy", ".rollback"):
                path = tmp_path / f"{'-'.join(case)}{name}.sh"
                path.write_text("#!/bin/sh\nset -e\n" + "\n".join(doc[name]["script"]) + "\n")
                scripts.append(str(path))
    result = run([tool("shellcheck"), "-S", "warning", *scripts])
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_high_or_medium(github_renders: list[Path], tmp_path: Path) -> None:
    zizmor = shutil.which("zizmor") or str(Path(os.sys.executable).parent / "zizmor")
    if not Path(zizmor).exists():
        pytest.skip("zizmor is not installed")
    folders = [
        write_tree_to(
            tmp_path / folder.name,
            {p: t for p, t in tree(*case).items() if p.startswith(".github/")},
        )
        for folder, case in zip(github_renders, CASES, strict=True)
        if case[2] == "github-actions"
    ]
    result = run(
        [zizmor, "--offline", "--min-severity", "medium", "--format", "plain", *map(str, folders)]
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


# -- the release commit, with real git ----------------------------------------------------------------


FAKE_KUBECTL = """#!/bin/sh
# kubectl as Argo CD would answer: the Application synced the branch's tip (automated sync).
echo "$*" >> "$KUBECTL_LOG"
case "$*" in
  *"get application"*"{.spec.syncPolicy.automated}"*) [ "$AUTOMATED" = yes ] && echo "map[prune:true selfHeal:true]" ;;
  *"get application"*"operationState"*)
    phase=Succeeded
    [ -e "$SYNC_FAILS" ] && phase=Failed
    echo "$phase $(git --git-dir "$BARE" rev-parse main)" ;;
esac
exit 0
"""


OTHER_PUSH = """other=$(mktemp -d)
git clone -q "$BARE" "$other"
echo "IMAGE=elsewhere" > "$other/k8s/overlays/prod/deploy.env"
git -C "$other" add -A
git -C "$other" commit -qm "Deploy prod"
git -C "$other" push -q origin HEAD:main
"""


def gitops_functions(script: str) -> str:
    """The deploy script's GitOps part: the clone and its functions (gitops.sh.j2)."""
    start = script.index("# GitOps delivery: Argo CD")
    end = script.index("# Commit this release")
    return script[start:end]


@pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash"
)
@pytest.mark.parametrize("automated", ["yes", "no"])
def test_a_release_is_committed_on_the_branch_tip_synced_and_reverted(
    tmp_path: Path, automated: str
) -> None:
    files = tree("gcp", "canary", "github-actions")
    _, script = deploy_script(files)
    git_env = {
        "GIT_AUTHOR_NAME": "ci",
        "GIT_AUTHOR_EMAIL": "ci@example.com",
        "GIT_COMMITTER_NAME": "ci",
        "GIT_COMMITTER_EMAIL": "ci@example.com",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    env = {**os.environ, **git_env}
    work = write_tree_to(
        tmp_path / "work", {k: v for k, v in files.items() if k.startswith("k8s/")}
    )
    bare = tmp_path / "origin.git"
    for cmd in (
        ["git", "init", "-q", "-b", "main", str(work)],
        ["git", "-C", str(work), "add", "-A"],
        ["git", "-C", str(work), "commit", "-qm", "scaffold"],
        ["git", "clone", "-q", "--bare", str(work), str(bare)],
    ):
        subprocess.run(cmd, check=True, env=env, capture_output=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").write_text(FAKE_KUBECTL)
    (bin_dir / "kubectl").chmod(0o755)
    (bin_dir / "terraform").write_text('#!/bin/sh\nprintf "%s-value" "$3"\n')
    (bin_dir / "terraform").chmod(0o755)
    log = tmp_path / "kubectl.log"
    first, second = (f"registry.example/app@sha256:{c * 64}" for c in "ab")
    release = (
        'sh k8s/deploy-inputs.sh "$image" > "$gitops_dir/$gitops_path"\n'
        'gitops_push "Deploy $TF_ENV: ${image##*/}"\n'
        "gitops_sync\n"
    )
    driver = (
        gitops_functions(script)
        + f"image={first}\n{release}"
        # Meanwhile another environment's deploy pushes to the branch: this push is refused once.
        + OTHER_PUSH
        + f"image={second}\n{release}"
        + "gitops_revert\n"
    )
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", driver],
        cwd=work,
        env=env
        | {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "TF_ENV": "staging",
            "BARE": str(bare),
            "AUTOMATED": automated,
            "KUBECTL_LOG": str(log),
            "GITOPS_REMOTE": str(bare),
            "GITOPS_BRANCH": "main",
            "GITOPS_USER": "x-access-token",
            "GITOPS_TOKEN": "not-a-token",
            "ARGOCD_NAMESPACE": "argocd",
            "ARGOCD_APPLICATION": "app",
            "SYNC_FAILS": str(tmp_path / "sync-fails"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", str(bare), *args], capture_output=True, text=True, check=True
        ).stdout

    subjects = git("log", "--format=%s", "main").splitlines()
    assert subjects[0].startswith("Roll staging back: revert ")
    assert subjects[1:5] == [
        f"Deploy staging: app@sha256:{'b' * 64} [skip ci]",
        "Deploy prod",
        f"Deploy staging: app@sha256:{'a' * 64} [skip ci]",
        "scaffold",
    ]
    assert "Push 1 to main refused; rebasing on it" in result.stderr
    # Each commit changes the overlay's deploy.env only; the rollback returns it to the first.
    for rev in ("main", "main~1", "main~3"):
        assert git("diff", "--name-only", f"{rev}~1", rev).split() == [
            "k8s/overlays/staging/deploy.env"
        ]
    deployed = git("show", "main:k8s/overlays/staging/deploy.env")
    assert deployed.startswith(f"IMAGE={first}\n")
    assert "GCP_SERVICE_ACCOUNT=gke_app_service_account-value" in deployed
    calls = log.read_text()
    if automated == "yes":
        assert (
            calls.count("annotate application app argocd.argoproj.io/refresh=normal --overwrite")
            == 3
        )
        assert '"sync": {"revision"' not in calls
    else:
        for rev in ("main~1", "main~3", "main"):
            assert (
                f'"sync": {{"revision": "{git("rev-parse", rev).strip()}", "prune": true}}' in calls
            )
        assert "refresh=normal" not in calls


# -- the documents -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cloud", "strategy", "ci"), CASES, ids=IDS)
def test_the_documents_say_the_gitops_way(cloud: str, strategy: str, ci: str) -> None:
    files = tree(cloud, strategy, ci)
    argocd_tf = files["addons/argocd.tf"]
    named = re.findall(
        r"`((?:helm_release|kubernetes_[a-z0-9_]+)\.[a-z0-9_]+)`", files["addons/ARGOCD.md"]
    )
    assert named
    for address in named:
        kind, name = address.split(".")
        assert f'resource "{kind}" "{name}"' in argocd_tf, address
    # The server's Service, as the chart names it for the release "argo-cd" (argo-cd.fullname).
    assert re.search(r'\n  name +(= "argo-cd"\n)', argocd_tf)
    assert "service/argo-cd-server" in files["addons/ARGOCD.md"]
    deploy, rollback = files["docs/runbooks/deploy.md"], files["docs/runbooks/rollback.md"]
    assert "kubectl apply -k" not in deploy
    assert "### Commit the release and let Argo CD sync it" in deploy
    assert "argocd.argoproj.io/secret-type=repository" in deploy
    assert "### Revert the last release commit" in rollback
    assert "rollouts undo" not in rollback and "rollout undo" not in rollback
    assert "### Hold Argo CD during a manual fix" in files["docs/runbooks/incident-response.md"]
    security = files["docs/SECURITY.md"]
    assert "### GitOps delivery (Argo CD)" in security
    assert ("contents: write" if ci == "github-actions" else "CI_JOB_TOKEN") in security
    assert "deploy.env` is committed" in files["k8s/README.md"]


def release_step(script: str) -> str:
    """The deploy script's release: deploy.env committed, synced, reverted if the sync fails."""
    start = script.index("# Commit this release")
    return script[start : script.index("\nfi\n", start) + 4]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_release_argo_cd_cannot_sync_is_reverted_and_fails_the_job(tmp_path: Path) -> None:
    files = tree("aws", "canary", "gitlab-ci")
    _, script = deploy_script(files)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "ci",
        "GIT_AUTHOR_EMAIL": "ci@example.com",
        "GIT_COMMITTER_NAME": "ci",
        "GIT_COMMITTER_EMAIL": "ci@example.com",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    work = write_tree_to(
        tmp_path / "work", {k: v for k, v in files.items() if k.startswith("k8s/")}
    )
    bare = tmp_path / "origin.git"
    for cmd in (
        ["git", "init", "-q", "-b", "main", str(work)],
        ["git", "-C", str(work), "add", "-A"],
        ["git", "-C", str(work), "commit", "-qm", "scaffold"],
        ["git", "clone", "-q", "--bare", str(work), str(bare)],
    ):
        subprocess.run(cmd, check=True, env=env, capture_output=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").write_text(FAKE_KUBECTL)
    (bin_dir / "terraform").write_text('#!/bin/sh\nprintf "%s-value" "$3"\n')
    for tool_path in bin_dir.iterdir():
        tool_path.chmod(0o755)
    flag = tmp_path / "sync-fails"
    good, bad = (f"registry.example/app@sha256:{c * 64}" for c in "ef")
    driver = (
        gitops_functions(script)
        + f"image={good}\n"
        + 'sh k8s/deploy-inputs.sh "$image" > "$gitops_dir/$gitops_path"\n'
        + 'gitops_push "Deploy $TF_ENV: ${image##*/}"\ngitops_sync\n'
        + f"touch {flag}\nimage={bad}\n"
        + release_step(script)
    )
    result = subprocess.run(
        ["sh", "-ec", driver],
        cwd=work,
        env=env
        | {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "TF_ENV": "prod",
            "BARE": str(bare),
            "AUTOMATED": "yes",
            "KUBECTL_LOG": str(tmp_path / "kubectl.log"),
            "SYNC_FAILS": str(flag),
            "GITOPS_REMOTE": str(bare),
            "GITOPS_BRANCH": "main",
            "GITOPS_USER": "gitlab-ci-token",
            "GITOPS_TOKEN": "not-a-token",
            "ARGOCD_NAMESPACE": "argocd",
            "ARGOCD_APPLICATION": "app",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Argo CD could not sync" in result.stderr
    log = subprocess.run(
        ["git", "--git-dir", str(bare), "log", "--format=%s", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert log[0].startswith("Roll prod back: revert ")
    assert log[1] == f"Deploy prod: app@sha256:{'f' * 64} [skip ci]"
    deployed = subprocess.run(
        ["git", "--git-dir", str(bare), "show", "main:k8s/overlays/prod/deploy.env"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert deployed.startswith(f"IMAGE={good}\n")
