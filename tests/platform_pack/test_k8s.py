"""The Kubernetes workload (`k8s/`) of the built-in pack, per cloud × deployment strategy.

Each overlay is built with kustomize (`kubectl kustomize`) after the rendered
`k8s/deploy-inputs.sh` wrote its `deploy.env` (with a stand-in `terraform` answering the outputs),
then every object is judged by a schema written by others: `kubernetes-validate` (strict, the
Kubernetes release the pipelines pin) for the core kinds and the Argo Rollouts CRD's own openAPI
schema (tests/fixtures/argo-rollouts/, v1.8.3) for Rollout and AnalysisTemplate. The deploy job's
script, the Terraform identity bindings and the runbooks are checked against the same objects.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.builders import ROOT, example_answers, render_answers, write_tree_to

CLOUDS = ("aws", "gcp", "azure")
STRATEGIES = ("canary", "blue-green", "rolling")
COMBOS = [(cloud, strategy) for cloud in CLOUDS for strategy in STRATEGIES]
# Half the combinations run on GitHub Actions, half on GitLab CI (the examples' own CI).
GITHUB = {"ci": "github-actions", "repository": "acme/payments-infra"}
KUBERNETES_VERSION = "1.33.0"  # ci_tools.kubectl (v1.33.4)
ARGO_SCHEMAS = ROOT / "tests" / "fixtures" / "argo-rollouts" / "crd-schemas-v1.8.3.json.gz"
DIGEST = "sha256:" + "ab" * 32
kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="needs kubectl (kustomize)")


def answers(cloud: str, strategy: str) -> dict[str, Any]:
    result = example_answers(f"{cloud}-kubernetes-canary") | {"deploy_strategy": strategy}
    if strategy != "canary":
        result |= GITHUB
    return result


@cache
def tree(cloud: str, strategy: str) -> dict[str, str]:
    return dict(render_answers(answers(cloud, strategy)))


def env_names(cloud: str, strategy: str) -> list[str]:
    return [env["name"] for env in answers(cloud, strategy)["environments"]]


def fake_terraform(bin_dir: Path) -> None:
    """A `terraform` answering `output -raw NAME` with `NAME-value`."""
    bin_dir.mkdir()
    script = bin_dir / "terraform"
    script.write_text('#!/bin/sh\n[ "$1 $2" = "output -raw" ] || exit 1\nprintf "%s-value" "$3"\n')
    script.chmod(0o755)


def deploy_inputs(root: Path, image: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["sh", "k8s/deploy-inputs.sh", image], cwd=root, env=env, capture_output=True, text=True
    )


def image_of(cloud: str) -> str:
    return f"registry.example/{cloud}/app@{DIGEST}"


@cache
def built(cloud: str, strategy: str, env: str) -> tuple[dict[str, Any], ...]:
    """The objects `kubectl apply -k k8s/overlays/<env>` sends, after the deploy job's inputs step."""
    root = write_tree_to(Path(tempfile.mkdtemp(prefix="k8s-")) / "out", tree(cloud, strategy))
    try:
        fake_terraform(root / "bin")
        inputs = deploy_inputs(root, image_of(cloud))
        assert inputs.returncode == 0, inputs.stderr
        (root / "k8s" / "overlays" / env / "deploy.env").write_text(inputs.stdout)
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


def by_kind(objects: tuple[dict[str, Any], ...]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def strict(schema: Any) -> Any:
    """A CRD schema that refuses unknown fields (the API server prunes them silently)."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in out and not out.get("x-kubernetes-preserve-unknown-fields"):
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


@cache
def argo_schemas() -> dict[str, Any]:
    return {
        kind: strict(s)
        for kind, s in json.loads(gzip.decompress(ARGO_SCHEMAS.read_bytes())).items()
    }


def schema_problems(obj: dict[str, Any]) -> Iterator[str]:
    where = f"{obj['kind']}/{obj['metadata']['name']}"
    if obj["apiVersion"] == "argoproj.io/v1alpha1":
        validator = jsonschema.Draft7Validator(argo_schemas()[obj["kind"]])
        yield from (f"{where}: {e.json_path}: {e.message}" for e in validator.iter_errors(obj))
    elif obj["apiVersion"].split("/")[0] in ("cloud.google.com", "networking.gke.io"):
        assert obj["kind"] in ("BackendConfig", "ManagedCertificate", "FrontendConfig"), where
    else:
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as e:
            yield f"{where}: {e.path}: {e.message}"


def workflow_env_and_script(cloud: str, strategy: str) -> tuple[dict[str, str], str]:
    """The deploy job's K8S_* variables and its deploy script, as the CI system reads them."""
    files = tree(cloud, strategy)
    if ".gitlab-ci.yml" in files:
        doc = yaml.safe_load(files[".gitlab-ci.yml"])
        return doc["variables"], "\n".join(doc[".deploy"]["script"])
    doc = yaml.safe_load(files[".github/workflows/_deploy.yml"])
    steps = doc["jobs"]["deploy"]["steps"]
    (script,) = [s["run"] for s in steps if str(s.get("name", "")).startswith("Deploy (")]
    return doc["env"], script


@kubectl
@pytest.mark.parametrize(("cloud", "strategy"), COMBOS)
def test_every_object_validates_against_its_schema(cloud: str, strategy: str) -> None:
    for env in env_names(cloud, strategy):
        objects = built(cloud, strategy, env)
        assert [p for o in objects for p in schema_problems(o)] == []
        kinds = {o["kind"] for o in objects}
        workload = "Deployment" if strategy == "rolling" else "Rollout"
        assert {"Namespace", "ServiceAccount", workload, "Service", "Ingress",
                "HorizontalPodAutoscaler", "PodDisruptionBudget"} <= kinds  # fmt: skip
        assert ("AnalysisTemplate" in kinds) == (strategy != "rolling")
        assert all(
            o["metadata"].get("namespace") == "app" for o in objects if o["kind"] != "Namespace"
        )
        # deploy.env stays local (config.kubernetes.io/local-config).
        assert "ConfigMap" not in kinds


@kubectl
@pytest.mark.parametrize(("cloud", "strategy"), COMBOS)
def test_deploy_job_and_manifests_agree(cloud: str, strategy: str) -> None:
    variables, script = workflow_env_and_script(cloud, strategy)
    namespace, name, container = (
        variables[k] for k in ("K8S_NAMESPACE", "K8S_WORKLOAD", "K8S_CONTAINER")
    )
    kind = "Deployment" if strategy == "rolling" else "Rollout"
    for env in env_names(cloud, strategy):
        objects = by_kind(built(cloud, strategy, env))
        assert ("Namespace", namespace) in objects
        workload = objects[(kind, name)]
        pod = workload["spec"]["template"]["spec"]
        (app,) = [c for c in pod["containers"] if c["name"] == container]
        assert app["image"] == image_of(cloud)  # the job's image, by digest
        assert ("ServiceAccount", pod["serviceAccountName"]) in objects
        hpa = objects[("HorizontalPodAutoscaler", name)]["spec"]["scaleTargetRef"]
        assert (hpa["kind"], hpa["name"]) == (kind, name)
        assert "replicas" not in workload["spec"]  # the HPA owns it; an apply never resets it
        ingress = objects[("Ingress", name)]["spec"]
        backend = (
            ingress.get("defaultBackend") or ingress["rules"][0]["http"]["paths"][0]["backend"]
        )
        assert ("Service", backend["service"]["name"]) in objects
    # The job applies the overlay with the inputs step first, then waits on the same workload.
    inputs = script.index('sh k8s/deploy-inputs.sh "$image" > "k8s/overlays/$TF_ENV/deploy.env"')
    apply = script.index('kubectl apply -k "k8s/overlays/$TF_ENV"')
    if strategy == "rolling":
        wait = script.index('kube rollout status "deployment/$K8S_WORKLOAD" --timeout=15m')
    else:
        start = script.index("follow_rollout() {")
        body = script[start : script.index("\n}\n", start)]
        assert 'rollouts status "$K8S_WORKLOAD" --timeout 30m &' in body
        wait = script.index("if ! follow_rollout; then")
    assert inputs < apply < wait
    assert "set image" not in script  # the image is in the applied manifests, not patched after
    assert "jsonpath='{.status.phase}'" not in script  # status checks observedGeneration first


@kubectl
@pytest.mark.parametrize("strategy", ["canary", "blue-green"])
def test_rollout_strategy_services_and_analysis(strategy: str) -> None:
    objects = by_kind(built("gcp", strategy, "prod"))
    spec = objects[("Rollout", "app")]["spec"]
    assert spec["progressDeadlineAbort"] is True  # pods that never get ready: aborted by itself
    template = objects[("AnalysisTemplate", "app-health")]["spec"]
    (metric,) = template["metrics"]
    assert metric["failureLimit"] == 0 and metric["consecutiveErrorLimit"] == 1
    assert metric["provider"]["web"]["url"] == "http://{{args.service}}.app.svc.cluster.local/"
    if strategy == "canary":
        canary = spec["strategy"]["canary"]
        assert ("Service", canary["canaryService"]) in objects
        weights = [s["setWeight"] for s in canary["steps"] if "setWeight" in s]
        assert weights == [20, 50]
        analyses = [s["analysis"] for s in canary["steps"] if "analysis" in s]
        assert len(analyses) == 2
        for analysis in analyses:
            assert analysis["templates"] == [{"templateName": "app-health"}]
            assert analysis["args"] == [{"name": "service", "value": canary["canaryService"]}]
        # Every pause ends by itself: `status` would otherwise wait on a paused rollout until its timeout.
        assert all("duration" in s["pause"] for s in canary["steps"] if "pause" in s)
        # Replica-based: the Ingress's Service is not the canary-only one.
        assert objects[("Ingress", "app")]["spec"]["defaultBackend"]["service"]["name"] == "app"
    else:
        blue_green = spec["strategy"]["blueGreen"]
        assert blue_green["activeService"] == "app"
        assert ("Service", blue_green["previewService"]) in objects
        assert blue_green["autoPromotionEnabled"] is True  # promoted once the analysis passed
        pre = blue_green["prePromotionAnalysis"]
        assert pre["args"] == [{"name": "service", "value": blue_green["previewService"]}]
        assert blue_green["scaleDownDelaySeconds"] >= 300


@kubectl
def test_restricted_pods_with_requests_limits_and_probes() -> None:
    objects = by_kind(built("aws", "rolling", "prod"))
    namespace = objects[("Namespace", "app")]["metadata"]["labels"]
    assert namespace["pod-security.kubernetes.io/enforce"] == "restricted"
    pod = objects[("Deployment", "app")]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    (app,) = pod["containers"]
    assert app["securityContext"] == {
        "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]},
    }  # fmt: skip
    assert {"startupProbe", "readinessProbe", "livenessProbe"} <= app.keys()
    assert app["readinessProbe"]["httpGet"]["port"] == "http"
    assert set(app["resources"]) == {"requests", "limits"}


@kubectl
def test_sizes_follow_each_environment() -> None:
    sizes = {env["name"]: env["size"] for env in answers("azure", "canary")["environments"]}
    expected = {"medium": (2, 8, "500m"), "large": (3, 20, "1")}
    for env, size in sizes.items():
        objects = by_kind(built("azure", "canary", env))
        hpa = objects[("HorizontalPodAutoscaler", "app")]["spec"]
        pod = objects[("Rollout", "app")]["spec"]["template"]["spec"]
        got = (
            hpa["minReplicas"],
            hpa["maxReplicas"],
            pod["containers"][0]["resources"]["requests"]["cpu"],
        )
        assert got == expected[size], env
        assert objects[("PodDisruptionBudget", "app")]["spec"]["maxUnavailable"] == 1


@kubectl
def test_service_accounts_carry_each_clouds_identity() -> None:
    gcp = by_kind(built("gcp", "canary", "prod"))
    annotations = gcp[("ServiceAccount", "app")]["metadata"]["annotations"]
    assert annotations == {"iam.gke.io/gcp-service-account": "gke_app_service_account-value"}
    azure = by_kind(built("azure", "canary", "prod"))
    assert azure[("ServiceAccount", "app")]["metadata"]["annotations"] == {
        "azure.workload.identity/client-id": "app_identity_client_id-value"
    }
    labels = azure[("Rollout", "app")]["spec"]["template"]["metadata"]["labels"]
    assert labels["azure.workload.identity/use"] == "true"  # the webhook mutates labelled pods only
    aws = by_kind(built("aws", "canary", "prod"))
    # EKS Pod Identity: no annotation (the association is Terraform's).
    assert "annotations" not in aws[("ServiceAccount", "app")]["metadata"]


@kubectl
def test_ingress_per_cloud() -> None:
    aws = by_kind(built("aws", "canary", "prod"))[("Ingress", "app")]
    assert aws["spec"]["ingressClassName"] == "alb"  # the AWS Load Balancer Controller's class
    notes = aws["metadata"]["annotations"]
    assert notes["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert notes["alb.ingress.kubernetes.io/wafv2-acl-arn"] == "waf_web_acl_arn-value"
    assert notes["alb.ingress.kubernetes.io/certificate-arn"] == "certificate_arn-value"
    assert notes["alb.ingress.kubernetes.io/ssl-redirect"] == "443"
    assert aws["spec"]["rules"][0]["host"] == "payments.example.com"  # the last environment's
    staging = by_kind(built("aws", "canary", "staging"))[("Ingress", "app")]
    assert staging["spec"]["rules"][0]["host"] == "staging.payments.example.com"
    gcp = by_kind(built("gcp", "canary", "prod"))
    notes = gcp[("Ingress", "app")]["metadata"]["annotations"]
    # GKE reads the class from the annotation and ignores spec.ingressClassName (GKE Ingress docs).
    assert notes["kubernetes.io/ingress.class"] == "gce"
    assert "ingressClassName" not in gcp[("Ingress", "app")]["spec"]
    assert notes["kubernetes.io/ingress.global-static-ip-name"] == "ingress_address_name-value"
    assert gcp[("BackendConfig", "app")]["spec"]["securityPolicy"] == {
        "name": "security_policy_name-value"
    }
    assert gcp[("ManagedCertificate", "app")]["spec"]["domains"] == ["payments.example.com"]
    service = gcp[("Service", "app")]["metadata"]["annotations"]
    assert json.loads(service["cloud.google.com/backend-config"]) == {"default": "app"}
    azure = by_kind(built("azure", "canary", "prod"))[("Ingress", "app")]
    # The application routing NGINX on the static address (addons/ingress.tf), HTTPS to the host.
    assert azure["spec"]["ingressClassName"] == "app-nginx"
    assert azure["spec"]["rules"][0]["host"] == "payments.example.com"
    assert azure["spec"]["tls"] == [{"hosts": ["payments.example.com"], "secretName": "app-tls"}]


def test_deploy_inputs_refuse_an_image_by_tag(tmp_path: Path) -> None:
    root = write_tree_to(tmp_path / "out", tree("aws", "canary"))
    fake_terraform(root / "bin")
    refused = deploy_inputs(root, "registry.example/app:v1")
    assert refused.returncode == 2 and refused.stdout == ""
    assert "is not an image by digest" in refused.stderr
    ok = deploy_inputs(root, image_of("aws"))
    assert ok.stdout.splitlines() == [
        f"IMAGE={image_of('aws')}", "WAF_ACL_ARN=waf_web_acl_arn-value", "CERTIFICATE_ARN=certificate_arn-value",
    ]  # fmt: skip


@kubectl
def test_overlay_without_deploy_inputs_does_not_build(tmp_path: Path) -> None:
    root = write_tree_to(tmp_path / "out", tree("gcp", "rolling"))
    out = subprocess.run(
        ["kubectl", "kustomize", "k8s/overlays/prod"], cwd=root, capture_output=True, text=True
    )
    assert out.returncode != 0 and "deploy.env" in out.stderr


@pytest.mark.parametrize(("cloud", "strategy"), COMBOS)
def test_failures_abort_or_undo_the_rollout(cloud: str, strategy: str) -> None:
    _, script = workflow_env_and_script(cloud, strategy)
    if strategy == "rolling":
        assert re.search(r'kube rollout undo "deployment/\$K8S_WORKLOAD"', script)
        return
    wait = script.index("if ! follow_rollout; then")
    assert script.index('rollouts abort "$K8S_WORKLOAD"', wait) < script.index("exit 1", wait)
    after = script.index("watch_alarms 300", wait)
    assert script.index('rollouts undo "$K8S_WORKLOAD"', after) < script.index(
        'rollouts promote --full "$K8S_WORKLOAD"', after
    )


@pytest.mark.parametrize(("cloud", "strategy"), COMBOS)
def test_runbooks_name_the_rendered_objects(cloud: str, strategy: str) -> None:
    files = tree(cloud, strategy)
    deploy, rollback = files["docs/runbooks/deploy.md"], files["docs/runbooks/rollback.md"]
    assert 'sh k8s/deploy-inputs.sh "${IMAGE}" > "k8s/overlays/${ENVIRONMENT}/deploy.env"' in deploy
    assert 'kubectl apply -k "k8s/overlays/${ENVIRONMENT}"' in deploy
    for env in env_names(cloud, strategy):
        assert f"k8s/overlays/{env}/kustomization.yaml" in files
    assert "set image" not in deploy
    # Azure's runbooks read the namespace from the main stack (output aks_app_namespace: "app").
    namespaces = {"app", '"${NAMESPACE}"'} if cloud == "azure" else {"app"}
    assert set(re.findall(r"--namespace (\S+)", deploy + rollback)) <= namespaces
    if strategy == "rolling":
        for command in ("rollout status deployment/app", "rollout undo deployment/app"):
            assert f"kubectl --namespace app {command}" in deploy + rollback
    else:
        assert "kubectl argo rollouts --namespace app status app --timeout 30m" in deploy
        for verb in ("undo", "promote --full", "abort"):
            assert f"kubectl argo rollouts --namespace app {verb} app" in rollback


def test_the_schemas_catch_a_wrong_object() -> None:
    """The judges above judge: an unknown Rollout field, a metric without a provider, a bad port."""
    rollout = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "app"},
               "spec": {"strategy": {"canary": {"stepz": []}}}}  # fmt: skip
    assert any("stepz" in p for p in schema_problems(rollout))
    template = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate", "metadata": {"name": "a"},
                "spec": {"metrics": [{"name": "health"}]}}  # fmt: skip
    assert any("provider" in p for p in schema_problems(template))
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "app"},
               "spec": {"ports": [{"port": "eighty"}]}}  # fmt: skip
    assert list(schema_problems(service))


def run_deploy(
    tmp_path: Path, strategy: str, status_rc: int, alarm_after: bool
) -> tuple[int, list[str]]:
    """The deploy job's rollout part, run by a shell against a stand-in kubectl and alarms."""
    files = tree("aws", strategy)
    root = write_tree_to(tmp_path / "out", files)
    fake_terraform(root / "bin")
    (root / "bin" / "kubectl").write_text(
        '#!/bin/sh\necho "$*" >> "$CALLS"\ncase "$*" in *" status "*) exit "$STATUS_RC" ;; esac\n'
    )
    (root / "bin" / "kubectl").chmod(0o755)
    _, script = workflow_env_and_script("aws", strategy)
    start = script.index("rollouts() {")
    stubs = 'watch_alarms() { [ "$1" -lt 300 ] || [ "$ALARM_AFTER" = 0 ]; }\n'
    env = {
        **os.environ,
        "PATH": f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "CALLS": str(tmp_path / "calls"),
        "STATUS_RC": str(status_rc),
        "ALARM_AFTER": str(int(alarm_after)),
        "image": image_of("aws"),
        "TF_ENV": "prod",
        "K8S_NAMESPACE": "app",
        "K8S_WORKLOAD": "app",
        "K8S_CONTAINER": "app",
    }
    done = subprocess.run(
        ["sh", "-c", stubs + script[start:]], cwd=root, env=env, capture_output=True, text=True
    )
    calls = (tmp_path / "calls").read_text().splitlines()
    return done.returncode, calls


@pytest.mark.parametrize("strategy", ["canary", "blue-green"])
def test_the_deploy_script_aborts_or_undoes_what_it_applied(tmp_path: Path, strategy: str) -> None:
    rc, calls = run_deploy(tmp_path / "ok", strategy, status_rc=0, alarm_after=False)
    assert rc == 0
    assert calls == [
        "apply -k k8s/overlays/prod",
        "argo rollouts --namespace app status app --timeout 30m",
    ]
    rc, calls = run_deploy(tmp_path / "degraded", strategy, status_rc=1, alarm_after=False)
    assert rc == 1 and calls[-1] == "argo rollouts --namespace app abort app"
    rc, calls = run_deploy(tmp_path / "alarm", strategy, status_rc=0, alarm_after=True)
    assert rc == 1
    assert calls[-2:] == [
        "argo rollouts --namespace app undo app",
        "argo rollouts --namespace app promote --full app",
    ]
