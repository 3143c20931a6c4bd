"""Several services on Kubernetes (issue 25): EKS, GKE and AKS.

Each service is its own workload in `k8s/base` (http: the deploy strategy's Deployment or
Rollout, a Service and the cloud's ingress path; worker: a rolling Deployment, no Service, no
ingress; job: a CronJob), sized per environment, with its own image in deploy.env. The overlays
are built with kustomize after the rendered `k8s/deploy-inputs.sh` wrote deploy.env, and the
objects judged by the schemas of tests/platform_pack/test_k8s.py. The deploy and rollback
partials are rendered with `svc` bound to each service, as the shared workflow binds it.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, raise_problems, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.context import build_context
from infrascaffold.templating.environment import make_environment
from tests.builders import ROOT, example_answers, render_answers, write_tree_to
from tests.platform_pack.test_k8s import fake_terraform, schema_problems

CLOUDS = ("aws", "gcp", "azure")
STRATEGIES = ("canary", "blue-green", "rolling")
DIGEST = "sha256:" + "ef" * 32
SHELLCHECK = ROOT / ".venv" / "bin" / "shellcheck"
kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="needs kubectl (kustomize)")

# The example's three services, and a second http service at / (path routing).
API: dict[str, Any] = {
    "name": "api",
    "kind": "http",
    "path": "/api",
    "runtime": "node",
    "version": "22",
    "port": 3000,
    "health_path": "/healthz",
}
WORKER: dict[str, Any] = {
    "name": "worker",
    "kind": "worker",
    "runtime": "java",
    "version": "21",
    "port": 8081,
    "health_path": "/health",
}
NIGHTLY: dict[str, Any] = {
    "name": "nightly",
    "kind": "job",
    "schedule": "15 2 * * *",
    "runtime": "python",
    "version": "3.13",
}
ADMIN: dict[str, Any] = {
    "name": "admin",
    "kind": "http",
    "path": "/",
    "runtime": "go",
    "version": "1.25",
    "port": 4000,
    "health_path": "/status",
}
SERVICES: list[dict[str, Any]] = [API, WORKER, NIGHTLY, ADMIN]
KEYS = {
    "api": "IMAGE",
    "worker": "IMAGE_WORKER",
    "nightly": "IMAGE_NIGHTLY",
    "admin": "IMAGE_ADMIN",
}


def answers(cloud: str, strategy: str = "canary", delivery: str = "push") -> dict[str, Any]:
    base = example_answers(f"{cloud}-kubernetes-canary")
    result = base | {"deploy_strategy": strategy, "services": copy.deepcopy(SERVICES)}
    if delivery == "gitops":
        result |= {"delivery": "gitops"}
    return result


@cache
def tree(cloud: str, strategy: str = "canary", delivery: str = "push") -> dict[str, str]:
    return dict(render_answers(answers(cloud, strategy, delivery)))


def image(name: str) -> str:
    return f"registry.example/{name}@{DIGEST}"


def fake_kubectl(bin_dir: Path) -> None:
    """A `kubectl` that knows no cluster (the first deploy: nothing runs yet)."""
    script = bin_dir / "kubectl"
    script.write_text("#!/bin/sh\nexit 1\n")
    script.chmod(0o755)


def inputs(root: Path, service: str, *previous: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["sh", "k8s/deploy-inputs.sh", service, image(service), *previous],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def write_root(files: dict[str, str]) -> Path:
    root = write_tree_to(Path(tempfile.mkdtemp(prefix="k8s-svc-")) / "out", files)
    fake_terraform(root / "bin")
    fake_kubectl(root / "bin")
    return root


def deploy_env(root: Path) -> str:
    """deploy.env after each service's deploy in the shared workflow's order (jobs, workers, http)."""
    order = [NIGHTLY, WORKER, API, ADMIN]
    path = root / "deploy.env"
    for i, svc in enumerate(order):
        result = inputs(root, svc["name"], str(path))
        assert result.returncode == (0 if i == len(order) - 1 else 3), result.stderr
        path.write_text(result.stdout)
    return path.read_text()


@cache
def built(cloud: str, strategy: str, env: str) -> tuple[dict[str, Any], ...]:
    root = write_root(tree(cloud, strategy))
    try:
        (root / "k8s" / "overlays" / env / "deploy.env").write_text(deploy_env(root))
        out = subprocess.run(
            ["kubectl", "kustomize", f"k8s/overlays/{env}"],
            cwd=root,
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        return tuple(doc for doc in yaml.safe_load_all(out.stdout) if doc)
    finally:
        shutil.rmtree(root.parent)


def objects(cloud: str, strategy: str = "canary", env: str = "prod") -> dict[tuple[str, str], Any]:
    return {(o["kind"], o["metadata"]["name"]): o for o in built(cloud, strategy, env)}


def pod_of(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    template = (
        spec["jobTemplate"]["spec"]["template"] if obj["kind"] == "CronJob" else spec["template"]
    )
    pod: dict[str, Any] = template["spec"]
    return pod


def size_of(cloud: str, env: str) -> dict[str, Any]:
    context = context_of(answers(cloud))
    (environment,) = [e for e in context["environments"] if e["name"] == env]
    sizes: dict[str, Any] = context["k8s_sizes"][environment["size"]]
    return sizes


@cache
def _context(key: str) -> dict[str, Any]:
    answers_ = yaml.safe_load(key)
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers_, []))
    raise_problems(problems)
    raise_problems(check_answers(pack, env, resolved))
    return build_context(pack, env, resolved)


def context_of(answers_: dict[str, Any]) -> dict[str, Any]:
    return _context(yaml.safe_dump(answers_))


def render_partial(answers_: dict[str, Any], template: str, svc_name: str) -> str:
    context = context_of(answers_)
    (svc,) = [s for s in context["services"] if s["name"] == svc_name]
    pack = load_pack("platform")
    return (
        make_environment(pack.search_roots).get_template(template).render({**context, "svc": svc})
    )


def shellcheck(script: str, tmp_path: Path) -> None:
    if not SHELLCHECK.exists():
        pytest.skip("shellcheck is not installed")
    path = tmp_path / "script.sh"
    path.write_text("#!/bin/sh\nset -eu\n" + script)
    result = subprocess.run(
        [str(SHELLCHECK), "-S", "warning", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


# --- the manifests ---------------------------------------------------------------------------


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_object_validates_against_its_schema(cloud: str, strategy: str) -> None:
    problems = [p for o in built(cloud, strategy, "prod") for p in schema_problems(o)]
    assert problems == []


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_each_service_is_its_own_workload_of_its_kind(cloud: str, strategy: str) -> None:
    found = objects(cloud, strategy)
    http_kind = "Deployment" if strategy == "rolling" else "Rollout"
    assert {name for kind, name in found if kind in ("Deployment", "Rollout", "CronJob")} == {
        "api",
        "worker",
        "nightly",
        "admin",
    }
    assert ("CronJob", "nightly") in found
    assert ("Deployment", "worker") in found  # workers roll whatever the strategy
    assert (http_kind, "api") in found and (http_kind, "admin") in found
    # Workers and jobs take no requests: no Service selects them.
    selected = {
        o["spec"]["selector"]["app.kubernetes.io/name"]
        for (k, _), o in found.items()
        if k == "Service"
    }
    assert selected == {"api", "admin"}


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
def test_port_health_path_and_image_reach_each_workload(cloud: str) -> None:
    found = objects(cloud)
    for svc in SERVICES:
        (workload,) = [
            o
            for (k, n), o in found.items()
            if n == svc["name"] and k in ("Rollout", "Deployment", "CronJob")
        ]
        (container,) = pod_of(workload)["containers"]
        assert container["name"] == svc["name"]
        assert container["image"] == image(svc["name"])
        if svc["kind"] == "job":
            assert "ports" not in container and "readinessProbe" not in container
            continue
        assert container["ports"] == [
            {"name": "http", "containerPort": svc["port"], "protocol": "TCP"}
        ]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": svc["health_path"], "port": "http"}


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("env", ["staging", "prod"])
def test_each_service_is_sized_for_the_environment(cloud: str, env: str) -> None:
    found = objects(cloud, "canary", env)
    size = size_of(cloud, env)
    for svc in SERVICES:
        (workload,) = [
            o
            for (k, n), o in found.items()
            if n == svc["name"] and k in ("Rollout", "Deployment", "CronJob")
        ]
        resources = pod_of(workload)["containers"][0]["resources"]
        assert resources["requests"] == {"cpu": size["cpu"], "memory": size["memory"]}
        assert resources["limits"] == {"cpu": size["cpu_limit"], "memory": size["memory_limit"]}
    for name in ("api", "worker", "admin"):
        hpa = found[("HorizontalPodAutoscaler", name)]["spec"]
        assert (hpa["minReplicas"], hpa["maxReplicas"]) == (
            size["min_replicas"],
            size["max_replicas"],
        )
        assert hpa["scaleTargetRef"]["name"] == name
        assert found[("PodDisruptionBudget", name)]["spec"]["selector"]["matchLabels"] == {
            "app.kubernetes.io/name": name
        }
    assert ("HorizontalPodAutoscaler", "nightly") not in found
    assert (
        found[("HorizontalPodAutoscaler", "worker")]["spec"]["scaleTargetRef"]["kind"]
        == "Deployment"
    )


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_job_is_a_utc_cronjob_that_never_overlaps(cloud: str) -> None:
    found = objects(cloud)
    job = found[("CronJob", "nightly")]["spec"]
    # kubernetes docs (CronJob): without timeZone the schedule follows the controller manager's
    # zone; with no startingDeadlineSeconds a controller that missed more than 100 schedules
    # stops starting the job (kubernetes/kubernetes#42649).
    assert job["schedule"] == "15 2 * * *"
    assert job["timeZone"] == "Etc/UTC"
    assert job["concurrencyPolicy"] == "Forbid"
    assert 10 <= job["startingDeadlineSeconds"] <= 3600
    assert job["jobTemplate"]["spec"]["backoffLimit"] == 2
    pod = pod_of(found[("CronJob", "nightly")])
    assert pod["restartPolicy"] == "Never"
    http_pod = pod_of(found[("Rollout", "api")])
    for key in ("securityContext", "automountServiceAccountToken"):
        assert pod[key] == http_pod[key]
    # Its own service account (test_k8s_identities.py).
    assert pod["serviceAccountName"] == "svc-nightly"
    assert pod["containers"][0]["securityContext"] == http_pod["containers"][0]["securityContext"]


@kubectl
def test_eks_ingress_group_routes_each_path_to_its_service() -> None:
    found = objects("aws")
    api, admin = found[("Ingress", "api")], found[("Ingress", "admin")]
    for ingress, svc in ((api, API), (admin, ADMIN)):
        notes = ingress["metadata"]["annotations"]
        # aws-load-balancer-controller docs (annotations): Ingresses of one group.name share an
        # ALB; lower group.order is evaluated first; the health check annotations apply to the
        # Ingress's own target groups.
        assert notes["alb.ingress.kubernetes.io/group.name"] == "app"
        assert notes["alb.ingress.kubernetes.io/healthcheck-path"] == svc["health_path"]
        (path,) = ingress["spec"]["rules"][0]["http"]["paths"]
        assert (path["path"], path["pathType"]) == (svc["path"], "Prefix")
        assert path["backend"]["service"]["name"] == svc["name"]
        # Exclusive annotations (the load balancer's) carry the same values on every Ingress.
        assert notes["alb.ingress.kubernetes.io/wafv2-acl-arn"] == "waf_web_acl_arn-value"
        assert notes["alb.ingress.kubernetes.io/certificate-arn"] == "certificate_arn-value"
        assert ingress["spec"]["rules"][0]["host"] == api["spec"]["rules"][0]["host"]
        assert ingress["spec"]["rules"][0]["host"].endswith("payments.example.com")
    orders = {
        n: int(
            found[("Ingress", n)]["metadata"]["annotations"][
                "alb.ingress.kubernetes.io/group.order"
            ]
        )
        for n in ("api", "admin")
    }
    assert orders["api"] < orders["admin"]  # / last


@kubectl
def test_gke_ingress_paths_and_a_health_check_per_service() -> None:
    found = objects("gcp")
    (ingress,) = [o for (k, _), o in found.items() if k == "Ingress"]
    assert ingress["spec"]["defaultBackend"]["service"]["name"] == "admin"  # the service at /
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    assert [(p["path"], p["pathType"], p["backend"]["service"]["name"]) for p in paths] == [
        ("/api", "Prefix", "api")
    ]
    for svc in (API, ADMIN):
        check = found[("BackendConfig", svc["name"])]["spec"]["healthCheck"]
        assert (check["port"], check["requestPath"]) == (svc["port"], svc["health_path"])
        assert (
            found[("BackendConfig", svc["name"])]["spec"]["securityPolicy"]["name"]
            == "security_policy_name-value"
        )
        service = found[("Service", svc["name"])]
        assert service["metadata"]["annotations"]["cloud.google.com/backend-config"] == (
            '{"default": "' + svc["name"] + '"}'
        )


@kubectl
def test_aks_nginx_paths_with_one_certificate() -> None:
    found = objects("azure")
    api, admin = found[("Ingress", "api")], found[("Ingress", "admin")]
    for ingress, svc in ((api, API), (admin, ADMIN)):
        (path,) = ingress["spec"]["rules"][0]["http"]["paths"]
        assert (path["path"], path["backend"]["service"]["name"]) == (svc["path"], svc["name"])
        assert ingress["spec"]["tls"][0]["secretName"] == "app-tls"
    # One Certificate for the host's Secret: cert-manager's annotation on the first Ingress only.
    assert "cert-manager.io/cluster-issuer" in api["metadata"]["annotations"]
    assert "cert-manager.io/cluster-issuer" not in admin["metadata"]["annotations"]


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("strategy", ["canary", "rolling"])
def test_only_http_services_take_connections_on_their_own_ports(cloud: str, strategy: str) -> None:
    found = objects(cloud, strategy)
    policies = [o for (k, _), o in found.items() if k == "NetworkPolicy"]
    assert any(p["spec"]["podSelector"] == {} for p in policies)  # default deny
    admitted: dict[str, set[int]] = {}
    for policy in policies:
        selected = (
            policy["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
        )
        if selected is None:
            continue
        for rule in policy["spec"].get("ingress", []):
            admitted.setdefault(selected, set()).update(p["port"] for p in rule["ports"])
    assert admitted == {"api": {3000}, "admin": {4000}}


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("strategy", ["canary", "blue-green"])
def test_each_http_rollout_has_its_own_analysis_and_services(cloud: str, strategy: str) -> None:
    found = objects(cloud, strategy)
    for svc in (API, ADMIN):
        name = svc["name"]
        analysis = found[("AnalysisTemplate", f"{name}-health")]
        url = analysis["spec"]["metrics"][0]["provider"]["web"]["url"]
        assert url.endswith(".app.svc.cluster.local" + svc["health_path"])
        other = "canary" if strategy == "canary" else "preview"
        assert ("Service", f"{name}-{other}") in found
        text = yaml.safe_dump(found[("Rollout", name)]["spec"]["strategy"])
        assert f"templateName: {name}-health" in text and f"{name}-{other}" in text


# --- deploy.env and the deploy and rollback jobs ---------------------------------------------


def test_deploy_inputs_wait_for_every_services_first_image(tmp_path: Path) -> None:
    root = write_root(tree("gcp"))
    try:
        text = deploy_env(root)
        assert {line.split("=")[0] for line in text.splitlines()} >= set(KEYS.values())
        for name, key in KEYS.items():
            assert f"{key}={image(name)}" in text.splitlines()
        refused = inputs(root, "web")
        assert refused.returncode == 2 and "not a service" in refused.stderr
    finally:
        shutil.rmtree(root.parent)


def test_deploy_inputs_take_other_images_from_the_cluster(tmp_path: Path) -> None:
    root = write_root(tree("aws"))
    try:
        running = root / "bin" / "kubectl"
        running.write_text(f'#!/bin/sh\nprintf "%s" "registry.example/running@{DIGEST}"\n')
        result = inputs(root, "worker")
        assert result.returncode == 0, result.stderr
        assert f"IMAGE=registry.example/running@{DIGEST}" in result.stdout.splitlines()
        assert f"IMAGE_WORKER={image('worker')}" in result.stdout.splitlines()
    finally:
        shutil.rmtree(root.parent)


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("delivery", ["push", "gitops"])
def test_the_deploy_partial_follows_each_kind(cloud: str, delivery: str, tmp_path: Path) -> None:
    partial = f"partials/ci/{cloud}/deploy-kubernetes.sh.j2"
    given = answers(cloud, "canary", delivery) | (
        {"ci": "github-actions", "repository": "acme/payments-infra"}
        if delivery == "gitops"
        else {}
    )
    scripts = {s["name"]: render_partial(given, partial, s["name"]) for s in SERVICES}
    for name, script in scripts.items():
        assert f"K8S_WORKLOAD={name}\n" in script
        assert f'sh k8s/deploy-inputs.sh {name} "$image"' in script
        assert "k8s_applied=1" in script
        if name != "nightly" or delivery == "push":
            assert 'if [ "$k8s_applied" = 1 ]' in script  # nothing applied, nothing to wait for
        shellcheck(script, tmp_path)
    assert "follow_rollout" in scripts["api"] and "follow_rollout" in scripts["admin"]
    assert 'rollout status "deployment/$K8S_WORKLOAD"' in scripts["worker"]
    assert "follow_rollout" not in scripts["worker"]
    job = scripts["nightly"]
    assert "rollout status" not in job and "follow_rollout" not in job
    if delivery == "push":
        assert "app.deploy/previous-image=" in job


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("delivery", ["push", "gitops"])
def test_the_rollback_partial_follows_each_kind(cloud: str, delivery: str, tmp_path: Path) -> None:
    partial = f"partials/ci/{cloud}/rollback-kubernetes.sh.j2"
    given = answers(cloud, "blue-green", delivery) | (
        {"ci": "github-actions", "repository": "acme/payments-infra"}
        if delivery == "gitops"
        else {}
    )
    scripts = {s["name"]: render_partial(given, partial, s["name"]) for s in SERVICES}
    for name, script in scripts.items():
        assert f"K8S_WORKLOAD={name}\n" in script
        shellcheck(script, tmp_path)
    assert "rollouts promote --full" in scripts["api"]
    assert 'rollout status "deployment/$K8S_WORKLOAD"' in scripts["worker"]
    assert "argo rollouts" not in scripts["worker"]
    if delivery == "gitops":
        for name, key in KEYS.items():
            assert f"key={key}\n" in scripts[name]
    else:
        assert 'rollout undo "deployment/$K8S_WORKLOAD"' in scripts["worker"]
        assert 'set image "cronjob/$K8S_WORKLOAD" nightly="$previous"' in scripts["nightly"]


def test_the_example_renders_three_services_on_gke() -> None:
    files = render_answers(example_answers("gcp-kubernetes-services"))
    workload = files["k8s/base/workload.yaml"]
    docs = [d for d in yaml.safe_load_all(workload) if d]
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("Rollout", "api"),
        ("Deployment", "worker"),
        ("CronJob", "nightly"),
    ]
    overlay = files["k8s/overlays/prod/kustomization.yaml"]
    assert "data.IMAGE_WORKER" in overlay and "data.IMAGE_NIGHTLY" in overlay


def test_a_single_service_keeps_its_one_image_key() -> None:
    files = render_answers(example_answers("gcp-kubernetes-canary"))
    assert "IMAGE_" not in files["k8s/overlays/prod/kustomization.yaml"]
    assert "SERVICE IMAGE" not in files["k8s/deploy-inputs.sh"]


def test_eks_gives_every_other_service_its_own_ecr_repository() -> None:
    app = tree("aws")["app.tf"]
    # ECR holds one image per repository: the promote step reads each service's from `services`.
    assert 'for_each = toset(["worker", "nightly", "admin"])' in app
    assert 'name                 = "${local.name}-${each.key}"' in app
    assert 'image_tag_mutability = "IMMUTABLE"' in app and "scan_on_push = true" in app
    assert "repository_url = aws_ecr_repository.service[name].repository_url" in app
    assert (
        "aws_ecr_repository"
        not in render_answers(example_answers("aws-kubernetes-canary"))["app.tf"]
    )


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_runbooks_deploy_and_roll_back_each_service(cloud: str) -> None:
    docs = "\n".join(
        t for p, t in tree(cloud, "blue-green").items() if p.startswith("docs/runbooks/")
    )
    assert 'sh k8s/deploy-inputs.sh "${SERVICE}" "${IMAGE}" "${ENV_FILE}"' in docs
    assert 'sh k8s/deploy-inputs.sh "${IMAGE}"' not in docs
    assert "rollout undo deployment/worker" in docs
    assert "set image cronjob/nightly nightly=" in docs
    assert "kubectl argo rollouts --namespace app status admin --timeout 30m" in docs


def run_deploys(root: Path, given: dict[str, Any], running: str) -> list[str]:
    """The cloud-neutral deploy steps of nightly, worker and api in the workflow's order, with a
    `kubectl` that logs its calls and answers `get` with `running` (empty: nothing runs yet)."""
    log = root / "kubectl.log"
    (root / "bin" / "kubectl").write_text(
        f'#!/bin/sh\necho "$*" >> {log}\ncase " $* " in\n'
        f'  *" get "*) [ -n "{running}" ] && printf %s "{running}" || exit 1 ;;\nesac\n'
    )
    flows = {"nightly": "job", "worker": "rolling", "api": "rolling"}
    env = {
        **os.environ,
        "PATH": f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "TF_ENV": "prod",
        "K8S_NAMESPACE": "app",
    }
    for name, flow in flows.items():
        body = render_partial(given, f"partials/ci/kubernetes/deploy-{flow}.sh.j2", name)
        script = (
            f"set -eu\nwatch_alarms() {{ :; }}\nimage={image(name)}\nK8S_WORKLOAD={name}\n{body}"
        )
        result = subprocess.run(
            ["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return log.read_text().splitlines() if log.exists() else []


def test_the_first_deploy_applies_once_every_service_has_an_image() -> None:
    given = answers("gcp", "rolling") | {"services": [API, WORKER, NIGHTLY]}
    root = write_root(dict(render_answers(given)))
    try:
        calls = run_deploys(root, given, "")
        assert [c for c in calls if c.startswith("apply")] == ["apply -k k8s/overlays/prod"]
        assert [c for c in calls if "rollout status" in c] == [
            "--namespace app rollout status deployment/api --timeout=15m"
        ]
        env_file = (root / "k8s" / "overlays" / "prod" / "deploy.env").read_text().splitlines()
        for name in ("api", "worker", "nightly"):
            assert f"{KEYS[name]}={image(name)}" in env_file
    finally:
        shutil.rmtree(root.parent)


def test_a_later_deploy_applies_and_follows_each_service() -> None:
    given = answers("gcp", "rolling") | {"services": [API, WORKER, NIGHTLY]}
    root = write_root(dict(render_answers(given)))
    try:
        calls = run_deploys(root, given, f"registry.example/old@{DIGEST}")
        assert len([c for c in calls if c.startswith("apply")]) == 3
        assert "--namespace app rollout status deployment/worker --timeout=15m" in calls
        (annotate,) = [c for c in calls if "annotate" in c]
        assert f"app.deploy/previous-image=registry.example/old@{DIGEST}" in annotate
        assert not [c for c in calls if "cronjob/nightly" in c and "rollout" in c]
    finally:
        shutil.rmtree(root.parent)
