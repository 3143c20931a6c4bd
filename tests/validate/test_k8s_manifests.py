"""`validate`'s k8s-manifests check: schemas of the objects under a kustomize tree, patch targets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from infrascaffold.validate.validation import validate_tree
from tests.builders import ROOT
from tests.platform_pack.test_k8s import COMBOS, tree

BASE = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - service.yaml
  - rollout.yaml
"""
SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  ports:
    - port: 80
"""
ROLLOUT = """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: app
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          image: app@sha256:00
  strategy:
    canary:
      steps:
        - setWeight: 20
"""
OVERLAY = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
patches:
  - target: {kind: Service, name: app}
    patch: '[]'
  - path: size.yaml
"""
SIZE = """apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  type: ClusterIP
"""


def k8s_tree(**changes: str) -> dict[str, str]:
    files = {
        "k8s/base/kustomization.yaml": BASE,
        "k8s/base/service.yaml": SERVICE,
        "k8s/base/rollout.yaml": ROLLOUT,
        "k8s/overlays/prod/kustomization.yaml": OVERLAY,
        "k8s/overlays/prod/size.yaml": SIZE,
    }
    return files | {
        path.replace("__", "/").replace("_yaml", ".yaml"): t for path, t in changes.items()
    }


def k8s_findings(files: dict[str, str]) -> list[str]:
    return [f.format_text() for f in validate_tree(files) if f.check.startswith("k8s-")]


@pytest.mark.parametrize(("cloud", "strategy"), COMBOS)
def test_every_built_in_kubernetes_render_validates_clean(cloud: str, strategy: str) -> None:
    files = tree(cloud, strategy)
    assert any(path.startswith("k8s/base/") for path in files)
    assert k8s_findings(files) == []


def test_a_clean_tree_has_no_findings() -> None:
    assert k8s_findings(k8s_tree()) == []


def test_an_unknown_field_and_a_wrong_type_are_found_with_their_lines() -> None:
    bad = SERVICE.replace("    - port: 80", "    - port: eighty\n  clusterIPz: None")
    found = k8s_findings(k8s_tree(k8s__base__service_yaml=bad))
    assert any(
        line.startswith("k8s/base/service.yaml:7: [k8s-schema]") and "eighty" in line
        for line in found
    )
    assert any("clusterIPz" in line and "[k8s-schema]" in line for line in found)


def test_a_rollout_with_a_bad_strategy_field_is_found() -> None:
    bad = ROLLOUT.replace("setWeight: 20", "setWeigth: 20")
    found = k8s_findings(k8s_tree(k8s__base__rollout_yaml=bad))
    assert len(found) == 1 and "k8s/base/rollout.yaml:" in found[0] and "setWeigth" in found[0]


def test_a_patch_naming_a_missing_object_is_found() -> None:
    overlay = OVERLAY.replace("{kind: Service, name: app}", "{kind: Service, name: api}")
    found = k8s_findings(k8s_tree(k8s__overlays__prod__kustomization_yaml=overlay))
    assert found == [
        "k8s/overlays/prod/kustomization.yaml:6: [k8s-patch-target] patches.0.target names"
        " Service/api, which the resources do not define"
    ]
    size = SIZE.replace("name: app", "name: web")
    found = k8s_findings(k8s_tree(k8s__overlays__prod__size_yaml=size))
    assert [line.split(" [")[1] for line in found] == [
        "k8s-patch-target] the patch names Service/web, which the resources do not define"
    ]


def test_a_strategic_merge_patch_is_checked_for_known_fields() -> None:
    size = SIZE.replace("type: ClusterIP", "typo: ClusterIP")
    found = k8s_findings(k8s_tree(k8s__overlays__prod__size_yaml=size))
    assert len(found) == 1 and found[0].startswith("k8s/overlays/prod/size.yaml:5: [k8s-schema]")


def test_a_render_without_kubernetes_does_not_load_the_schemas() -> None:
    script = (
        "import sys\n"
        "from tests.builders import example_answers, render_answers\n"
        "from infrascaffold.validate.validation import validate_tree\n"
        "files = dict(render_answers(example_answers('aws-containers')))\n"
        "validate_tree(files)\n"
        "assert 'infrascaffold.validate.k8s_schemas' not in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]
