"""Kubernetes workloads as diagram nodes (issue 25): one per Deployment/Rollout/CronJob of
k8s/base, beside the cluster module, an Ingress node routing to the http workloads."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from infrascaffold.cli import cli
from infrascaffold.diagram.build import architecture_from_tree
from infrascaffold.diagram.formats import entry_points, to_dot, to_mermaid
from infrascaffold.diagram.model import ServiceRole
from infrascaffold.diagram.workloads import workload_nodes

CLUSTER_ROOT = {
    "main.tf": 'module "app" {\n  source = "./modules/cluster"\n  name   = "shop"\n}\n',
    "modules/cluster/main.tf": 'resource "aws_eks_cluster" "this" {\n  name = var.name\n}\n',
    "modules/cluster/variables.tf": 'variable "name" {\n  type = string\n}\n',
}
MANIFESTS = {
    "k8s/base/workload.yaml": """
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: api
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "15 2 * * *"
""",
    "k8s/base/services.yaml": """
apiVersion: v1
kind: Service
metadata:
  name: api-stable
spec:
  selector:
    app.kubernetes.io/name: api
""",
    "k8s/base/ingress.yaml": """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
spec:
  rules:
    - http:
        paths:
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: api-stable
                port:
                  number: 80
""",
    "k8s/base/kustomization.yaml": "resources:\n  - workload.yaml\n",
}
SERVICES = [
    {"name": "api", "kind": "http", "path": "/api", "runtime": "node", "version": "22",
     "port": 3000, "health_path": "/healthz"},
    {"name": "worker", "kind": "worker", "runtime": "java", "version": "21", "port": 8081,
     "health_path": "/health"},
    {"name": "nightly", "kind": "job", "runtime": "python", "version": "3.13",
     "schedule": "15 2 * * *"},
]  # fmt: skip
TREE = {**CLUSTER_ROOT, **MANIFESTS}


def test_every_workload_is_a_node_named_by_its_kind_with_its_answered_role() -> None:
    components = {c.label: c for c in architecture_from_tree(TREE, None, SERVICES).components}
    assert components["Rollout/api"].service == ServiceRole(
        "api", "http", "/api · :3000/healthz · node 22"
    )
    assert components["Deployment/worker"].service == ServiceRole(
        "worker", "worker", ":8081/health · java 21"
    )
    assert components["CronJob/nightly"].service == ServiceRole(
        "nightly", "job", "15 2 * * * UTC · python 3.13"
    )
    assert {components[k].kind for k in ("Rollout/api", "Deployment/worker")} == {"compute"}
    assert components["Ingress/api"].kind == "edge"
    assert components["Rollout/api"].source == "k8s/base/workload.yaml"
    assert components["app"].service is None, "the cluster runs every service, it is none"


def test_the_ingress_routes_to_its_http_workload_and_the_cluster_runs_every_one() -> None:
    architecture = architecture_from_tree(TREE, None, SERVICES)
    edges = {(e.source, e.target): e.label for e in architecture.edges}
    assert edges[("k_Ingress_api", "k_Rollout_api")] == "/api"
    assert not any(s == "k_Ingress_api" and t != "k_Rollout_api" for s, t in edges)
    for workload in ("k_Rollout_api", "k_Deployment_worker", "k_CronJob_nightly"):
        assert edges[("m_app", workload)] == "pods"
    assert "k_Ingress_api" in entry_points(architecture), "traffic lands on the Ingress"
    mermaid, dot = to_mermaid(architecture), to_dot(architecture)
    assert 'k_Rollout_api["Rollout/api<br/>api: http service · /api · :3000/healthz' in mermaid
    assert "k_Ingress_api -> k_Rollout_api" in dot


def test_without_the_answers_a_cronjob_is_a_job_on_its_schedule() -> None:
    nodes, _ = workload_nodes(
        TREE, architecture_from_tree(CLUSTER_ROOT).components, [{"name": "other"}, {"name": "x"}]
    )
    roles = {n.label: n.service for n in nodes}
    assert roles["CronJob/nightly"] == ServiceRole("nightly", "job", "15 2 * * * UTC")
    assert roles["Deployment/worker"] == ServiceRole("worker", "worker")


def test_a_single_service_or_no_cluster_draws_no_workload() -> None:
    single = architecture_from_tree(TREE, None, SERVICES[:1])
    assert not [c for c in single.components if c.id.startswith("k_")]
    no_cluster = {**MANIFESTS, "main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'}
    labels = [c.label for c in architecture_from_tree(no_cluster, None, SERVICES).components]
    assert labels == ["aws_s3_bucket.b"]


def test_an_unreadable_manifest_is_skipped() -> None:
    broken = {**TREE, "k8s/base/broken.yaml": "kind: [unclosed\n"}
    labels = {c.label for c in architecture_from_tree(broken, None, SERVICES).components}
    assert "Rollout/api" in labels


def test_the_cli_reads_the_manifests_of_the_folder(tmp_path: Path) -> None:
    for rel, text in TREE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    record = tmp_path / ".infrascaffold" / "answers.yaml"
    record.parent.mkdir()
    record.write_text(yaml.safe_dump({"services": SERVICES}), encoding="utf-8")
    # `infrascaffold diagram DIR` passes the recorded services (the command reads the record).
    result = CliRunner().invoke(cli, ["diagram", str(tmp_path), "--format", "mermaid"])
    assert result.exit_code == 0, result.output
    for label in ("Rollout/api", "Deployment/worker", "CronJob/nightly", "Ingress/api"):
        assert label in result.output, label


def test_a_manifest_of_unexpected_shapes_draws_what_it_can() -> None:
    odd = {
        **TREE,
        "k8s/base/odd.yaml": "kind: Ingress\nmetadata:\n  name: odd\nspec:\n  rules: [3, {http: 4}]\n"
        "---\nkind: Service\nmetadata:\n  name: s\nspec: null\n---\nkind: CronJob\nmetadata: 7\n",
    }
    labels = {c.label for c in architecture_from_tree(odd, None, SERVICES).components}
    assert {"Ingress/odd", "Rollout/api"} <= labels
