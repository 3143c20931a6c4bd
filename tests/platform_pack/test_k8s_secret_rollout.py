"""A changed secret rolls the pods on Kubernetes (issue 25, k8s-secret-restart).

With `secrets: sops` or `vault` the deploy job puts a service's new value into the cloud's secret
manager before its rollout, and the pods read it when they start. The source's `secret_version`
(64 hex, naming the value without revealing it) reaches k8s/deploy-inputs.sh as
K8S_SECRET_VERSION; deploy.env holds it as SECRET_VERSION[_<NAME>] and the overlay writes it into
the pod template's `app.deploy/secret-version` annotation, so a release with the same image but a
new secret changes the template: Kubernetes and Argo Rollouts start a new revision for any change
of `spec.template` (argo-rollouts docs, getting started: "any change to the Pod template field
results in a new version"; `kubectl rollout restart` is the same mechanism, an annotation of the
template). The overlays are built with kustomize, as `kubectl apply -k` sends them.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builders import example_answers, render_answers, write_tree_to
from tests.platform_pack.test_k8s import fake_terraform, schema_problems
from tests.platform_pack.test_services_k8s import API as API_SERVICE
from tests.platform_pack.test_services_k8s import (
    NIGHTLY,
    WORKER,
    kubectl,
    render_partial,
    shellcheck,
)

CLOUDS = ("aws", "gcp", "azure")
ANNOTATION = "app.deploy/secret-version"
V1 = "ab" * 32
V2 = "cd" * 32
DIGEST = "sha256:" + "ef" * 32
SERVICES = [API_SERVICE, WORKER, NIGHTLY]


def answers(cloud: str, secrets: str, *, services: bool = False, **changes: Any) -> dict[str, Any]:
    result = example_answers(f"{cloud}-kubernetes-canary") | {"secrets": secrets} | changes
    if secrets == "vault":
        result["vault_address"] = "https://vault.example.com:8200"
    if services:
        result["services"] = copy.deepcopy(SERVICES)
    return result


@cache
def tree(cloud: str, secrets: str, services: bool = False) -> dict[str, str]:
    return dict(render_answers(answers(cloud, secrets, services=services)))


@contextmanager
def rendered(cloud: str, secrets: str, services: bool = False) -> Iterator[Path]:
    root = write_tree_to(
        Path(tempfile.mkdtemp(prefix="k8s-secret-")) / "out", tree(cloud, secrets, services)
    )
    try:
        fake_terraform(root / "bin")
        yield root
    finally:
        shutil.rmtree(root.parent)


def running(root: Path, annotation: str | None) -> None:
    """A `kubectl` for which the cluster runs every workload with that annotation (None: no cluster)."""
    script = root / "bin" / "kubectl"
    if annotation is None:
        script.write_text("#!/bin/sh\nexit 1\n")
    else:
        script.write_text(
            '#!/bin/sh\ncase "$*" in\n'
            f"  *secret-version*) printf %s {annotation} ;;\n"
            f"  *) printf %s registry.example/running@{DIGEST} ;;\nesac\n"
        )
    script.chmod(0o755)


def inputs(root: Path, args: list[str], version: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("K8S_SECRET_VERSION", None)
    if version is not None:
        env["K8S_SECRET_VERSION"] = version
    return subprocess.run(
        ["sh", "k8s/deploy-inputs.sh", *args], cwd=root, env=env, capture_output=True, text=True
    )


def build(root: Path, deploy_env: str) -> list[dict[str, Any]]:
    (root / "k8s" / "overlays" / "prod" / "deploy.env").write_text(deploy_env)
    out = subprocess.run(
        ["kubectl", "kustomize", "k8s/overlays/prod"], cwd=root, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def workloads(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        o["metadata"]["name"]: o
        for o in objects
        if o["kind"] in ("Deployment", "Rollout", "CronJob")
    }


def template_of(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    template: dict[str, Any] = (
        spec["jobTemplate"]["spec"]["template"] if obj["kind"] == "CronJob" else spec["template"]
    )
    return template


def version_of(obj: dict[str, Any]) -> str:
    annotation: str = template_of(obj)["metadata"]["annotations"][ANNOTATION]
    return annotation


def single_objects(root: Path, version: str | None) -> list[dict[str, Any]]:
    result = inputs(root, [f"registry.example/app@{DIGEST}"], version)
    assert result.returncode == 0, result.stderr
    return build(root, result.stdout)


# --- the manifests ---------------------------------------------------------------------------


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("secrets", ["sops", "vault"])
def test_the_pod_template_carries_the_version_and_changes_only_with_it(
    cloud: str, secrets: str
) -> None:
    with rendered(cloud, secrets) as root:
        running(root, None)
        first = single_objects(root, V1)
        again = single_objects(root, V1)
        second = single_objects(root, V2)
    (workload,) = workloads(first).values()
    assert version_of(workload) == V1
    assert first == again  # the same version: the same objects, nothing rolls
    (changed,) = workloads(second).values()
    assert version_of(changed) == V2
    # Only the annotation differs: the same image and everything else.
    template_of(changed)["metadata"]["annotations"][ANNOTATION] = V1
    assert second == first
    assert [p for o in first for p in schema_problems(o)] == []


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
def test_nothing_set_keeps_the_version_the_cluster_runs(cloud: str) -> None:
    with rendered(cloud, "sops") as root:
        running(root, V1)
        kept = single_objects(root, "")  # the secret kept its value: secret_version is ""
        running(root, None)
        before_first = single_objects(root, None)
    (workload,) = workloads(kept).values()
    assert version_of(workload) == V1
    (first,) = workloads(before_first).values()
    assert version_of(first) == "none"


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
def test_each_service_rolls_only_with_its_own_secret(cloud: str) -> None:
    """The worker's new version rolls the worker; the others keep deploy.env's or the cluster's."""
    with rendered(cloud, "sops", services=True) as root:
        running(root, None)
        env_file = root / "previous.env"
        versions = {"nightly": V1, "api": V1, "worker": V1}
        for name in ("nightly", "worker", "api"):
            result = inputs(
                root, [name, f"registry.example/{name}@{DIGEST}", str(env_file)], versions[name]
            )
            assert result.returncode in (0, 3), result.stderr
            env_file.write_text(result.stdout)
        before = workloads(build(root, env_file.read_text()))
        # A release of the worker with a new secret; the api's deploy sets nothing this time.
        result = inputs(root, ["worker", f"registry.example/worker@{DIGEST}", str(env_file)], V2)
        assert result.returncode == 0, result.stderr
        env_file.write_text(result.stdout)
        result = inputs(root, ["api", f"registry.example/api@{DIGEST}", str(env_file)], "")
        assert result.returncode == 0, result.stderr
        assert "SECRET_VERSION_WORKER=" + V2 in result.stdout.splitlines()
        after = workloads(build(root, result.stdout))
    assert {n: version_of(o) for n, o in before.items()} == {n: V1 for n in versions}
    assert version_of(after["worker"]) == V2
    assert after["api"] == before["api"] and after["nightly"] == before["nightly"]
    assert after["worker"]["kind"] == "Deployment"


@pytest.mark.parametrize("version", ["abc", "none", "AB" * 32, V1 + "\nIMAGE=evil"])
def test_a_version_that_is_not_64_hex_is_refused(version: str) -> None:
    with rendered("aws", "sops") as root:
        running(root, None)
        result = inputs(root, [f"registry.example/app@{DIGEST}"], version)
    assert result.returncode == 2
    assert (
        result.stderr
        == "k8s/deploy-inputs.sh: K8S_SECRET_VERSION is not a secret version (64 hex)\n"
    )
    assert result.stdout.count("\n") == 1  # IMAGE only: nothing for kustomize to apply


def test_a_running_annotation_that_is_not_a_version_is_not_copied() -> None:
    with rendered("gcp", "sops") as root:
        running(root, "'none\nIMAGE=evil'")
        result = inputs(root, [f"registry.example/app@{DIGEST}"], None)
    assert result.returncode == 0, result.stderr
    assert "SECRET_VERSION=none" in result.stdout.splitlines()
    assert "IMAGE=evil" not in result.stdout


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_cloud_strategy_has_no_secret_version(cloud: str) -> None:
    files = dict(render_answers(example_answers(f"{cloud}-kubernetes-canary")))
    for path in (
        "k8s/deploy-inputs.sh",
        "k8s/base/workload.yaml",
        "k8s/overlays/prod/kustomization.yaml",
    ):
        assert "SECRET_VERSION" not in files[path] and ANNOTATION not in files[path]
    assert not any("K8S_SECRET_VERSION" in text for text in files.values())


# --- the deploy step -------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("delivery", ["push", "gitops"])
@pytest.mark.parametrize("secrets", ["sops", "vault"])
def test_the_deploy_passes_the_version_it_set_after_the_put(
    cloud: str, delivery: str, secrets: str, tmp_path: Path
) -> None:
    given = answers(cloud, secrets, services=True, delivery=delivery) | (
        {"ci": "github-actions", "repository": "acme/payments-infra"}
        if delivery == "gitops"
        else {}
    )
    partial = f"partials/ci/{cloud}/deploy-kubernetes.sh.j2"
    for svc in SERVICES:
        script = render_partial(given, partial, svc["name"])
        call = f'K8S_SECRET_VERSION="${{secret_version:-}}" sh k8s/deploy-inputs.sh {svc["name"]} "$image"'
        assert script.count(call) == 1
        if "secret_service=" in script:  # Azure sets the primary's secret only (azure-svc-secrets)
            assert script.index("secret_service=") < script.index(call)
        shellcheck(script, tmp_path)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_single_service_deploy_passes_it_too(cloud: str, tmp_path: Path) -> None:
    deploy = render_partial(
        answers(cloud, "sops"), f"partials/ci/{cloud}/deploy-kubernetes.sh.j2", "app"
    )
    call = 'K8S_SECRET_VERSION="${secret_version:-}" sh k8s/deploy-inputs.sh "$image" > '
    assert deploy.count(call) == 1
    assert deploy.index("secret_service=") < deploy.index(call)
    shellcheck(deploy, tmp_path)


@pytest.mark.parametrize("services", [False, True])
def test_deploy_inputs_passes_shellcheck(services: bool, tmp_path: Path) -> None:
    script = tree("gcp", "vault", services)["k8s/deploy-inputs.sh"]
    shellcheck(script.removeprefix("#!/bin/sh\n"), tmp_path)


# --- the docs --------------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_docs_say_the_deploy_rolls_the_pods(cloud: str) -> None:
    files = tree(cloud, "sops", True)
    readme = files["k8s/README.md"]
    section = readme[readme.index("## A changed secret rolls the pods") :]
    assert f"`{ANNOTATION}`" in section and "`SECRET_VERSION_WORKER`" in section
    runbook = files["docs/runbooks/rotate-secrets.md"]
    sops = runbook[runbook.index("### Application secrets kept as SOPS files") :]
    assert ANNOTATION in sops
    assert "rollout restart" not in sops  # no manual restart for a change to a file
    assert "and deploy: the deploy puts it and rolls that service's pods itself" in runbook


def test_the_vault_runbook_says_a_new_kv_version_rolls_the_pods() -> None:
    runbook = tree("aws", "vault")["docs/runbooks/rotate-secrets.md"]
    section = runbook[runbook.index("### Application secrets kept in Vault") :]
    assert "a new KV\nversion rolls that service's pods" in section
    reload = runbook[runbook.index("### Restart the application with the new values") :]
    assert "Vault secret needs no restart: the next deploy (re-run the last one) puts the" in reload
