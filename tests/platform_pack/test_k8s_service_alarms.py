"""Alarms and dashboard widgets per service on Kubernetes (issue 25): EKS, GKE and AKS.

With several services the cluster module gets `services` (name → kind) and its
`service-alarms.tf` alarms on each service's own pods; with one service neither is rendered
(today's renders stay byte-identical). The facts pinned, from the providers' docs:
- Container Insights (EKS): `pod_number_of_container_restarts` and
  `pod_memory_utilization_over_pod_limit` are published in the `ContainerInsights` namespace
  with the dimensions PodName, Namespace, ClusterName (awsdocs amazon-cloudwatch-user-guide,
  Container-Insights-metrics-EKS.md), PodName being the workload's name: the CloudWatch agent
  names a ReplicaSet's pods after its Deployment (parseDeploymentFromReplicaSet strips the
  hash, so a Rollout's too); a CronJob's failed runs are pinned in test_k8s_gaps.py;
- GKE: the `k8s_container` system metrics (`kubernetes.io/container/restart_count`,
  `.../memory/limit_utilization`) carry `container_name` and `namespace_name` resource labels,
  so a service's containers are selected by name;
- AKS: Container Insights writes KubePodInventory (ContainerName as `<pod uid>/<container>`,
  ClusterId the cluster's resource ID: Azure Monitor table reference) and KubeEvents to the
  workspace; a log search
  alert on a table the workspace does not hold yet fails validation at creation
  (mspnp/aks-baseline#422: skip the validation; hashicorp/terraform-provider-azurerm#28293), and
  a CronJob's Jobs are named `<cronjob>-<minutes>`.
Every filter names the workload by its container name, so the tests check that every workload in
k8s/base names its container after its service.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from typing import Any

import pytest
import yaml

from tests.builders import example_answers, render_answers

Tree = Mapping[str, str]
KUBERNETES = {"aws": "aws-kubernetes-canary", "gcp": "gcp-kubernetes-services",
              "azure": "azure-kubernetes-canary"}  # fmt: skip
MODULE = {"aws": "eks-cluster", "gcp": "gke-cluster", "azure": "aks-cluster"}


def services() -> list[dict[str, Any]]:
    """The Done-when services (api, worker, nightly) without the static front end."""
    return [s for s in copy.deepcopy(example_answers("aws-services")["services"])
            if s["kind"] != "static"]  # fmt: skip


@functools.cache
def render(cloud: str, several: bool) -> Tree:
    answers = example_answers(KUBERNETES[cloud])
    if several:
        answers = {**answers, "services": services()}
    elif "services" in answers:
        answers = {**answers, "services": answers["services"][:1]}
    return render_answers(answers)


def alarms_file(tree: Tree, cloud: str) -> str:
    return tree.get(f"modules/{MODULE[cloud]}/service-alarms.tf", "")


def containers(tree: Tree) -> dict[str, str]:
    """Workload name → its first container's name, for every workload in k8s/base."""
    found = {}
    for path, text in tree.items():
        if not (path.startswith("k8s/base/") and path.endswith(".yaml")):
            continue
        for doc in yaml.safe_load_all(text):
            if isinstance(doc, dict) and doc.get("kind") in ("Deployment", "Rollout", "CronJob"):
                spec = doc["spec"]
                if doc["kind"] == "CronJob":
                    spec = spec["jobTemplate"]["spec"]
                found[doc["metadata"]["name"]] = spec["template"]["spec"]["containers"][0]["name"]
    return found


@pytest.mark.parametrize("cloud", sorted(KUBERNETES))
def test_the_cluster_module_gets_every_service_and_its_kind(cloud: str) -> None:
    tree = render(cloud, several=True)
    call = re.search(r"^  services = \{(.*)\}$", tree["app.tf"], re.M)
    assert call, "module app passes no services"
    given = dict(re.findall(r'"([a-z0-9-]+)" = \{ kind = "([a-z]+)" \}', call.group(1)))
    assert given == {s["name"]: s["kind"] for s in services()}
    assert 'variable "services"' in alarms_file(tree, cloud)


@pytest.mark.parametrize("cloud", sorted(KUBERNETES))
def test_every_workload_names_its_container_after_its_service(cloud: str) -> None:
    """The per-service filters select containers (GKE, AKS) or pods (EKS) by the service name."""
    tree = render(cloud, several=True)
    assert containers(tree) == {s["name"]: s["name"] for s in services()}


@pytest.mark.parametrize("cloud", sorted(KUBERNETES))
def test_a_single_service_render_has_no_per_service_alarms(cloud: str) -> None:
    tree = render(cloud, several=False)
    assert alarms_file(tree, cloud) == ""
    assert not re.search(r"^  services = \{", tree["app.tf"], re.M)
    assert "service_dashboard_widgets" not in tree["main.tf"]


def test_eks_alarms_select_each_services_pods_in_container_insights() -> None:
    text = alarms_file(render("aws", several=True), "aws")
    assert (
        'alarmed_services = { for name, s in var.services : name => s if s.kind != "job" }' in text
    )
    assert "ClusterName = aws_eks_cluster.this.name" in text
    assert "Namespace   = var.app_namespace" in text
    assert "PodName     = name" in text
    for metric in ("pod_number_of_container_restarts", "pod_memory_utilization_over_pod_limit"):
        assert f'metric_name         = "{metric}"' in text
    assert text.count('namespace           = "ContainerInsights"') == 2
    assert text.count("alarm_actions       = [var.alarm_topic_arn]") == 3  # and the job's
    # The per-service metrics need the Container Insights add-on, which the cluster installs.
    main = render("aws", several=True)["modules/eks-cluster/main.tf"]
    assert 'addon_name                  = "amazon-cloudwatch-observability"' in main


def test_gke_alerts_select_each_services_containers() -> None:
    text = alarms_file(render("gcp", several=True), "gcp")
    assert '"${local.workloads} AND resource.labels.container_name=\\"${name}\\""' in text, (
        "the service's containers, in the application's namespace of this cluster"
    )
    assert 'metric.type=\\"kubernetes.io/container/restart_count\\"' in text
    assert 'metric.type=\\"kubernetes.io/container/memory/limit_utilization\\"' in text
    assert text.count("notification_channels = var.notification_channels") == 3  # and the job's
    main = render("gcp", several=True)["modules/gke-cluster/main.tf"]
    assert 'resource.labels.namespace_name=\\"${var.app_namespace}\\""' in main


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_each_services_widgets_are_on_the_environments_dashboard(cloud: str) -> None:
    tree = render(cloud, several=True)
    assert "module.app.service_dashboard_widgets," in tree["main.tf"]
    text = alarms_file(tree, cloud)
    assert "for name, s in local.alarmed_services" in text
    assert 'output "service_dashboard_widgets"' in text


def test_aks_alerts_read_the_workspace_per_service_and_per_job() -> None:
    text = alarms_file(render("azure", several=True), "azure")
    assert text.count("scopes                = [var.log_analytics_workspace_id]") == 2
    assert text.count("skip_query_validation = true") == 2
    assert text.count("action_groups = [var.action_group_id]") == 2
    assert 'ContainerName == "${each.key}" or ContainerName endswith "/${each.key}"' in text
    assert 'Name matches regex "^${each.key}-[0-9]+$"' in text
    assert 'Reason in ("BackoffLimitExceeded", "DeadlineExceeded")' in text
    # The tables are Container Insights': the cluster sends them to that workspace.
    main = render("azure", several=True)["modules/aks-cluster/main.tf"]
    assert "log_analytics_workspace_id      = var.log_analytics_workspace_id" in main


def test_aks_job_names_follow_the_cronjob_controller() -> None:
    """The failed-run alert matches `<cronjob>-<digits>`: the Jobs a CronJob creates, not another
    service whose name starts with the job's."""
    text = alarms_file(render("azure", several=True), "azure")
    found = re.search(r'Name matches regex "([^"]+)"', text)
    assert found
    pattern = re.compile(found.group(1).replace("${each.key}", "nightly"))
    assert pattern.match("nightly-29012345")
    assert not pattern.match("nightly-report-29012345")
    assert not pattern.match("nightly-manual")


def test_the_eks_incident_runbook_names_the_alarms_the_module_makes() -> None:
    tree = render("aws", several=True)
    made = re.findall(r'alarm_name\s*=\s*"([^"]+)"', alarms_file(tree, "aws"))
    said = [m.replace("${var.name}", "<name>").replace("${each.key}", "<service>") for m in made]
    runbook = tree["docs/runbooks/incident-response.md"]
    assert said and all(f"`{name}`" in runbook for name in said)
    listed = ", ".join(f"`{s['name']}` ({s['kind']})" for s in services())
    assert f"Services:\n{listed}." in runbook
