"""Azure's dashboard (issue 25): one Azure portal dashboard per environment, with every service's
charts (requests by status class and response time for http, replicas and restarts, CPU and
memory for every Container App, executions by state for a job), the database's, the cache's
and Front Door's, and the application's telemetry.

Terraform computes the JSON (modules/observability/dashboard.tf) from the charts each module
declares (`dashboard_widgets`); the tests here have Terraform evaluate both, with each module's
resource ID stubbed, and read the JSON the provider would send. Provider facts pinned
(hashicorp/terraform-provider-azurerm v4.55.0, internal/services/portal): the resource sends
`dashboard_properties` with the dashboards API 2019-01-01-preview, whose `lenses` and `parts`
are objects keyed "0", "1"... (the arrays of a portal export fail with "parsing JSON",
#27117, #27944); it reads back only that model's fields (lens: metadata, order, parts; part:
metadata, position) and stores the JSON normalized (`StateFunc: utils.NormalizeJson`), so JSON
holding those fields only, keys sorted, plans no diff after an apply; the name matches
`^[-\\w]+$`, at most 160 characters.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl, unquote

Tree = Mapping[str, str]
OBSERVABILITY = "modules/observability"
# The module of each service kind on Container Apps, and the resource its charts plot.
SERVICE_MODULES = {
    "container-app": ("azurerm_container_app", "Microsoft.App/containerApps"),
    "container-app-service": ("azurerm_container_app", "Microsoft.App/containerApps"),
    "container-app-job": ("azurerm_container_app_job", "Microsoft.App/jobs"),
}
# What a service's charts show, by kind: (metric, aggregation, split by).
CHARTS = {
    "http": [("Requests", 1, "statusCodeCategory"), ("ResponseTime", 4, None),
             ("Replicas", 3, None), ("RestartCount", 1, None), ("UsageNanoCores", 4, None),
             ("WorkingSetBytes", 4, None)],
    "worker": [("Replicas", 3, None), ("RestartCount", 1, None), ("UsageNanoCores", 4, None),
               ("WorkingSetBytes", 4, None)],
    "job": [("Executions", 1, "state")],
}  # fmt: skip
needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="needs terraform")


@functools.cache
def tree(example: str = "azure-services") -> Tree:
    return render_answers(example_answers(example))


def block(text: str, start: int) -> str:
    """The text from `start` to the brace closing the first one opened after it."""
    depth, i = 0, text.index("{", start)
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[start : j + 1]
    raise AssertionError("unbalanced braces")


def module_call(text: str, label: str) -> str:
    return block(text, text.index(f'module "{label}" {{'))


def console(tmp: Path, files: Mapping[str, str], variables: Mapping[str, Any], expr: str) -> Any:
    """`expr` as Terraform evaluates it in a folder holding `files` and `variables`."""
    tmp.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    (tmp / "test.auto.tfvars.json").write_text(json.dumps(variables), encoding="utf-8")
    result = subprocess.run(
        ["terraform", "console"], input=f"jsonencode({expr})", cwd=tmp, capture_output=True,
        text=True, check=True, timeout=60,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "TF_CLI_CONFIG_FILE": "/dev/null",
             "CHECKPOINT_DISABLE": "1", "HOME": str(tmp)},
    )  # fmt: skip
    return json.loads(json.loads(result.stdout.strip().splitlines()[-1]))


def module_charts(
    tmp: Path, module: str, name: str, resource_id: str, ingress: bool, rendered: Tree | None = None
) -> Any:
    """The charts `module` declares for a resource named `name`, its resource ID stubbed."""
    main = (rendered or tree())[f"modules/{module}/main.tf"]
    charts = block(main, main.index("locals {", main.index("# Dashboard chart")))
    reference = "local.app_id" if module == "function-app" else f"{SERVICE_MODULES[module][0]}.this.id"
    assert reference in charts
    stub = 'variable "name" {}\nvariable "resource_id" {}\nvariable "ingress" {}\n'
    return console(
        tmp / module / name,
        {"charts.tf": charts.replace(reference, "var.resource_id"), "stub.tf": stub},
        {"name": name, "resource_id": resource_id, "ingress": ingress},
        "local.dashboard_widgets",
    )


def dashboard_json(tmp: Path, widgets: list[Any]) -> str:
    """`dashboard_properties` as modules/observability computes it for `widgets`."""
    stub = 'variable "dashboard_widgets" {}\nlocals {\n  telemetry_widgets = []\n}\n'
    files = {"dashboard.tf": tree()[f"{OBSERVABILITY}/dashboard.tf"], "stub.tf": stub}
    result = console(tmp / "observability", files, {"dashboard_widgets": widgets},
                     "local.dashboard_properties")  # fmt: skip
    assert isinstance(result, str)
    return result


def services() -> list[dict[str, Any]]:
    return [s for s in example_answers("azure-services")["services"] if s["kind"] != "static"]


def resource_name(svc: Mapping[str, Any]) -> str:
    """The name the answers give the service's resources: <project>-<env>, -<name> unless primary."""
    answers = example_answers("azure-services")
    primary = next(s for s in answers["services"] if s["kind"] == "http")
    base = f"{answers['project_name']}-{answers['environments'][0]['name']}"
    return base if svc["name"] == primary["name"] else f"{base}-{svc['name']}"


def fake_id(svc: Mapping[str, Any]) -> str:
    kind = "jobs" if svc["kind"] == "job" else "containerApps"
    return f"/subscriptions/0000/resourceGroups/rg/providers/Microsoft.App/{kind}/{resource_name(svc)}"


def root_tf(rendered: Tree) -> str:
    return "\n".join(t for p, t in sorted(rendered.items()) if p.endswith(".tf") and "/" not in p)


def label_of(svc: Mapping[str, Any]) -> str:
    """The module label of the names contract: app (the primary), svc_<name>."""
    primary = resource_name(svc).count("-") == 1  # <project>-<env>: the primary's name
    return "app" if primary else "svc_" + svc["name"].replace("-", "_")


def rendered_dashboard(tmp: Path) -> str:
    """The dashboard JSON of the Done-when services, each module's charts evaluated."""
    root = root_tf(tree())
    widgets: list[Any] = []
    for svc in services():
        label = label_of(svc)
        call = module_call(root, label)
        module = re.search(r'source\s*=\s*"\./modules/([^"]+)"', call)
        assert module, label
        expected_name = "local.name" if label == "app" else f'format("%s%s", local.name, "-{svc["name"]}")'
        assert re.search(rf"^\s*name\s*=\s*{re.escape(expected_name)}$", call, re.M), call
        ingress = svc["kind"] == "http"
        if module.group(1) == "container-app-service":
            assert re.search(rf"^\s*ingress\s*=\s*{str(ingress).lower()}$", call, re.M)
        widgets += module_charts(tmp, module.group(1), resource_name(svc), fake_id(svc), ingress)
    return dashboard_json(tmp, widgets)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if shutil.which("terraform") is None:
        pytest.skip("needs terraform")
    text = rendered_dashboard(tmp_path_factory.mktemp("dashboard"))
    return text, json.loads(text)


def parts(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    lens = document["lenses"]["0"]
    return [lens["parts"][str(i)] for i in range(len(lens["parts"]))]


def chart(part: Mapping[str, Any]) -> Mapping[str, Any]:
    return part["metadata"]["settings"]["content"]["options"]["chart"]  # type: ignore[no-any-return]


@needs_terraform
def test_the_json_parses_in_the_shape_azurerm_4_sends_and_reads_back(dashboard: Any) -> None:
    text, document = dashboard
    # the provider's normalized form (keys sorted, no blanks): no diff after an apply
    assert text == json.dumps(document, sort_keys=True, separators=(",", ":"))
    assert set(document) == {"lenses", "metadata"} and list(document["lenses"]) == ["0"]
    lens = document["lenses"]["0"]
    assert set(lens) == {"order", "parts"} and lens["order"] == 0
    assert sorted(lens["parts"], key=int) == [str(i) for i in range(len(lens["parts"]))]
    for part in parts(document):
        assert set(part) == {"metadata", "position"}
        assert set(part["position"]) == {"x", "y", "colSpan", "rowSpan"}
        assert part["metadata"]["type"] == "Extension/HubsExtension/PartType/MonitorChartPart"
    timerange = document["metadata"]["model"]["timeRange"]
    assert timerange["type"] == "MsPortalFx.Composition.Configuration.ValueTypes.TimeRange"


@needs_terraform
def test_charts_are_laid_out_two_a_row_without_overlap(dashboard: Any) -> None:
    cells: set[tuple[int, int]] = set()
    for index, part in enumerate(parts(dashboard[1])):
        p = part["position"]
        assert (p["x"], p["y"]) == ((index % 2) * 6, (index // 2) * 4)
        cell = {(x, y) for x in range(p["x"], p["x"] + p["colSpan"])
                for y in range(p["y"], p["y"] + p["rowSpan"])}  # fmt: skip
        assert not cells & cell
        cells |= cell


@needs_terraform
def test_every_service_has_its_charts_on_its_own_resource(dashboard: Any) -> None:
    charts = [chart(p) for p in parts(dashboard[1])]
    for svc in services():
        mine = [c for c in charts if c["title"].startswith(resource_name(svc) + ": ")]
        plotted = [
            (m["name"], m["aggregationType"], c.get("grouping", {}).get("dimension"))
            for c in mine
            for m in c["metrics"]
        ]
        assert plotted == CHARTS[svc["kind"]], svc["name"]
        namespace = SERVICE_MODULES["container-app-job" if svc["kind"] == "job" else "container-app"][1]
        for c in mine:
            assert {m["resourceMetadata"]["id"] for m in c["metrics"]} == {fake_id(svc)}
            assert {m["namespace"] for m in c["metrics"]} == {namespace}
    # every chart belongs to a service (no chart of another resource slipped in)
    assert all(any(c["title"].startswith(resource_name(s) + ": ") for s in services()) for c in charts)


@needs_terraform
def test_a_split_chart_groups_by_its_dimension_and_no_other_has_grouping(dashboard: Any) -> None:
    for part in parts(dashboard[1]):
        c = chart(part)
        if "grouping" in c:
            assert c["grouping"]["dimension"] in {"statusCodeCategory", "state"}
            assert c["grouping"]["top"] == 10


def test_the_charts_plot_the_metrics_the_alerts_watch() -> None:
    """A chart of a metric no alert of the module names would be the one nobody checked."""
    for module in SERVICE_MODULES:
        main = tree()[f"modules/{module}/main.tf"]
        alerted = set(re.findall(r'metric_name\s*=\s*"([^"]+)"', main))
        charted = set(re.findall(r'name = "([A-Za-z]+)", aggregation', main))
        assert alerted <= charted, module


def test_the_root_passes_every_modules_charts_to_the_dashboard() -> None:
    root = root_tf(tree())
    wired = re.findall(r"module\.(\w+)\.dashboard_widgets", module_call(root, "observability"))
    # the services in the answers' order, then the shared modules
    assert wired == [label_of(s) for s in services()] + ["frontdoor", "database"]
    for label in wired:
        source = re.search(r'source\s*=\s*"\./(modules/[^"]+)"', module_call(root, label))
        assert source, label
        outputs = "".join(t for p, t in tree().items() if p.startswith(source.group(1) + "/"))
        assert 'output "dashboard_widgets"' in outputs, label


def test_one_dashboard_per_environment_named_after_it_with_its_url_as_an_output() -> None:
    obs = parse_hcl(tree()[f"{OBSERVABILITY}/main.tf"])
    dashboards = [
        body
        for r in obs["resource"]
        for kind, named in r.items()
        if unquote(kind) == "azurerm_portal_dashboard"
        for body in named.values()
    ]
    assert len(dashboards) == 1
    resource = dashboards[0]
    assert resource["name"] == '"${var.name}-dashboard"'
    assert resource["dashboard_properties"] == "${local.dashboard_properties}"
    assert "hidden-title" in resource["tags"]
    outputs = tree()[f"{OBSERVABILITY}/outputs.tf"]
    assert "https://portal.azure.com/#@${data.azurerm_subscription.current.tenant_id}/dashboard/arm${azurerm_portal_dashboard.this.id}" in outputs
    root_outputs = tree()["outputs.tf"]
    assert 'output "dashboard_url"' in root_outputs and "module.observability.dashboard_url" in root_outputs


@pytest.mark.parametrize("example", ["azure-services", "azure-containers", "azure-kubernetes-canary"])
def test_the_dashboard_name_is_one_the_provider_accepts(example: str) -> None:
    answers = example_answers(example)
    for env in answers["environments"]:
        name = f"{answers['project_name']}-{env['name']}-dashboard"
        assert re.fullmatch(r"[-\w]+", name) and len(name) <= 160


@pytest.mark.parametrize("example", ["azure-containers", "azure-kubernetes-canary"])
def test_every_azure_compute_renders_the_dashboard(example: str) -> None:
    rendered = tree(example)
    assert 'resource "azurerm_portal_dashboard" "this"' in rendered[f"{OBSERVABILITY}/main.tf"]
    assert 'output "dashboard_url"' in rendered["outputs.tf"]


def test_the_runbooks_point_at_the_dashboard() -> None:
    incident = tree()["docs/runbooks/incident-response.md"]
    section = incident.split("### Open the dashboard\n", 1)[1].split("\n### ", 1)[0]
    assert "terraform output -raw dashboard_url" in section
    assert "`shop-<env>-dashboard`" in section
    assert incident.index("### Open the dashboard") < incident.index("### See what fired")
    infrastructure = tree()["docs/INFRASTRUCTURE.md"]
    assert "terraform output -raw dashboard_url" in infrastructure
    answers = example_answers("azure-services")
    for env in answers["environments"]:  # each environment's dashboard, by the name it gets
        assert f"`{answers['project_name']}-{env['name']}-dashboard`" in infrastructure
    row = next(r for r in infrastructure.splitlines() if r.startswith("| nightly | job"))
    assert row.endswith("| executions by state |")


@needs_terraform
def test_a_function_app_has_its_charts_on_the_dashboard(tmp_path: Path) -> None:
    answers = {**example_answers("azure-containers"), "compute": "serverless"}
    answers.pop("services", None)
    rendered = render_answers(answers)
    wired = re.findall(r"module\.(\w+)\.dashboard_widgets", module_call(root_tf(rendered), "observability"))
    assert wired == ["app", "frontdoor", "database"]
    assert 'source = "./modules/function-app"' in module_call(root_tf(rendered), "app")
    site = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/shop-dev"
    charts = module_charts(tmp_path, "function-app", "shop-dev", site, True, rendered)
    metrics = [m for c in charts for m in c["metrics"]]
    assert [m["name"] for m in metrics] == ["Requests", "Http5xx", "HttpResponseTime"]
    assert {m["resource_id"] for m in metrics} == {site}
    assert all(c["title"].startswith("shop-dev: ") for c in charts)
    document = json.loads(dashboard_json(tmp_path, charts))
    assert len(parts(document)) == len(charts)
