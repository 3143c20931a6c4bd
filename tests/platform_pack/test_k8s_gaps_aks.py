"""The Kubernetes gaps of issue 25, built (continued from test_k8s_gaps.py): the AKS dashboard
charts each http service and worker, Container Insights has the data collection rule its tables
need, and the GKE and AKS incident runbooks name the per-service alerts.

Facts pinned:
- AKS: Container Insights' custom metrics (insights.container/*) are no longer collected since
  31 May 2024 (Azure Monitor, "Custom metrics collected by Container insights"), and the
  cluster's platform metrics name pods, not workloads; the charts are Log Analytics queries
  (the portal's LogsDashboardPart: Scope, PartId, Version 2.0, Query, ControlType
  FrameControlChart, SpecificChart, Dimensions) of the KubePodInventory rows the oms_agent
  add-on writes to the workspace. With managed identity the add-on sends only the streams of a
  data collection rule associated with the cluster, which the AKS API does not create
  (hashicorp/terraform-provider-azurerm#23510; Microsoft's onboarding-msi-terraform example in
  microsoft/Docker-Provider; Azure/terraform-azurerm-aks#623).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.platform_pack.test_k8s_gaps import (
    alarms_text,
    console,
    needs_terraform,
    render,
    render_single,
)
from tests.terraform_checks import parse_hcl, unquote

# --- AKS: per-workload charts on the portal dashboard -----------------------------------------


@needs_terraform
def test_aks_charts_each_workload_from_its_pod_inventory(tmp_path: Path) -> None:
    text = alarms_text("azure")
    block = text[text.index("locals {", text.index("# Each http service's")) :]
    block = block[: block.index('\noutput "service_dashboard_widgets"')]
    hcl = block.replace(
        "azurerm_kubernetes_cluster.this.id",
        '"/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/shop-prod"',
    )
    hcl = hcl.replace("var.app_namespace", '"app"').replace(
        "var.log_analytics_workspace_id", '"/ws/shop-prod"'
    )
    hcl += 'locals {\n  restarted_services = { "api" = { kind = "http" }, "worker" = { kind = "worker" } }\n}\n'
    widgets = console(tmp_path / "aks", hcl, "local.service_dashboard_widgets")
    assert [w["title"] for w in widgets] == [
        "api (http): pods by status", "api (http): container restarts",
        "worker (worker): pods by status", "worker (worker): container restarts"]  # fmt: skip
    for widget in widgets:
        name = widget["title"].split(" ")[0]
        assert widget["metrics"] == [] and widget["query_scope"] == "/ws/shop-prod"
        query = widget["query"]
        assert query.startswith("KubePodInventory\n")
        assert 'Namespace == "app"' in query and f'ContainerName endswith "/{name}"' in query
        assert 'ClusterId =~ "/subscriptions/0/' in query
        assert f"summarize {widget['query_value']} = " in query.splitlines()[-1]
        assert not widget["split_by"] or f", {widget['split_by']}" in query.splitlines()[-1]
    parts = json.loads(dashboard_json(tmp_path / "dashboard", widgets))["lenses"]["0"]["parts"]
    assert len(parts) == 4
    for index, widget in enumerate(widgets):
        meta = parts[str(index)]["metadata"]
        assert (
            meta["type"]
            == "Extension/Microsoft_OperationsManagementSuite_Workspace/PartType/LogsDashboardPart"
        )
        inputs = {i["name"]: i.get("value") for i in meta["inputs"]}
        assert inputs["Scope"] == {"resourceIds": ["/ws/shop-prod"]}
        assert (inputs["Query"], inputs["PartTitle"], inputs["Version"]) == (
            widget["query"],
            widget["title"],
            "2.0",
        )
        assert inputs["ControlType"] == "FrameControlChart"
        assert inputs["Dimensions"]["yAxis"] == [{"name": widget["query_value"], "type": "long"}]
        assert inputs["Dimensions"]["xAxis"]["name"] == "TimeGenerated"
        assert set(parts[str(index)]) == {"position", "metadata"}  # the model's fields only
    assert len({p["metadata"]["inputs"][1]["value"] for p in parts.values()}) == 4  # PartIds


def dashboard_json(tmp: Path, widgets: list[Any]) -> str:
    observability = render("azure")["modules/observability/dashboard.tf"]
    variables = render("azure")["modules/observability/variables.tf"]
    declared = variables[variables.index('variable "dashboard_widgets"') :]
    declared = declared[: declared.index("\n}\n") + 3]
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "vars.tf").write_text(
        declared + "locals {\n  telemetry_widgets = []\n}\n", encoding="utf-8"
    )
    (tmp / "widgets.auto.tfvars.json").write_text(
        json.dumps({"dashboard_widgets": widgets}), encoding="utf-8"
    )
    return console(tmp, observability, "local.dashboard_properties")  # type: ignore[no-any-return]


def test_aks_workload_charts_reach_the_environments_dashboard() -> None:
    main = render("azure")["main.tf"]
    call = main[main.index('module "observability" {') :]
    call = call[: call.index("\n}\n")]
    assert "module.app.service_dashboard_widgets," in call
    text = alarms_text("azure")
    assert "for name, s in local.restarted_services : [" in text
    assert "insights.container" not in text  # retired custom metrics
    aks = render("azure")["modules/aks-cluster/main.tf"]
    assert re.search(
        r"oms_agent \{\s*log_analytics_workspace_id\s*=\s*var\.log_analytics_workspace_id", aks
    )
    single = render_single("azure")["main.tf"]
    assert "service_dashboard_widgets" not in single


def test_aks_container_insights_has_its_data_collection_rule() -> None:
    """With managed identity the add-on sends only what an associated data collection rule names
    (hashicorp/terraform-provider-azurerm#23510): the rule sends the tables the alerts and charts
    read to the environment's workspace, and is associated with the cluster."""
    tree = render("azure")
    doc = parse_hcl(tree["modules/aks-cluster/container-insights.tf"])
    found = {
        (unquote(kind), unquote(name)): body
        for item in doc["resource"]
        for kind, named in item.items()
        for name, body in named.items()
    }
    rule = found[("azurerm_monitor_data_collection_rule", "container_insights")]
    link = found[("azurerm_monitor_data_collection_rule_association", "container_insights")]
    destination = rule["destinations"][0]["log_analytics"][0]
    assert destination["workspace_resource_id"] == "${var.log_analytics_workspace_id}"
    assert rule["data_flow"][0]["destinations"] == [destination["name"]]
    extension = rule["data_sources"][0]["extension"][0]
    assert unquote(extension["extension_name"]) == "ContainerInsights"
    assert (
        rule["data_flow"][0]["streams"]
        == extension["streams"]
        == "${local.container_insights_streams}"
    )
    streams = parse_hcl(tree["modules/aks-cluster/container-insights.tf"])["locals"][0]
    names = [unquote(s) for s in streams["container_insights_streams"]]
    assert {"Microsoft-KubePodInventory", "Microsoft-KubeEvents"} <= set(names)
    assert rule["location"] == "${var.location}"  # the workspace's region (same module inputs)
    assert link["target_resource_id"] == "${azurerm_kubernetes_cluster.this.id}"
    assert link["data_collection_rule_id"].endswith("container_insights.id}")
    # The tables the per-service alerts and charts read are those streams'.
    text = alarms_text("azure")
    tables = set(re.findall(r"^\s*(Kube\w+)\s*$", text, re.M))
    assert tables == {"KubePodInventory", "KubeEvents"}
    assert {f"Microsoft-{table}" for table in tables} <= set(names)
    # Every AKS cluster needs the rule, one service or several: without it Container Insights
    # (oms_agent with managed identity) stays empty on single-service clusters too.
    single = render_single("azure")
    assert single["modules/aks-cluster/container-insights.tf"] == tree[
        "modules/aks-cluster/container-insights.tf"
    ]


@pytest.mark.parametrize(
    ("cloud", "key", "count"), [("gcp", "display_name", 3), ("azure", "name", 2)]
)
def test_the_incident_runbook_names_every_per_service_alert(
    cloud: str, key: str, count: int
) -> None:
    """GKE's and AKS's incident runbook names each alert the cluster module makes per service
    (as the EKS one does), and what to run for the service it names; single-service renders
    have no such section."""
    text = alarms_text(cloud)
    made = re.findall(rf'^  {key}\s*=\s*"([^"]+)"', text, re.M)
    said = [m.replace("${var.name}", "<name>").replace("${each.key}", "<service>") for m in made]
    runbook = render(cloud)["docs/runbooks/incident-response.md"]
    assert len(said) == count  # restarts (GKE: and memory) per service, failed runs per job
    assert all(f"`{name}`" in " ".join(runbook.split()) for name in said), said
    assert 'kubectl --namespace app get jobs -l "app.kubernetes.io/name=${SERVICE}"' in runbook
    single = render_single(cloud)
    assert "### A service's alert" not in single["docs/runbooks/incident-response.md"]
