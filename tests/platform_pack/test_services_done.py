"""Issue 25's "Done when", checked on the render (done-audit).

Three services (an HTTP API in node, a worker in java, a static front end, plus a job) render on
each cloud with compute containers (`examples/answers/<cloud>-services.yml`) and kubernetes (EKS,
GKE, AKS with the same services), and every service's port, health path and runtime reach every
place that uses them. One table (`PLACES`) says, per place, what it must hold for a service; the
expected values come from the answers (the names from the names contract,
`partials/services/names.j2`), never from this file, so a template that keeps a stale or fixed
value in one place fails here. Then one answer changes in a copy (port 3000→3100, health
/healthz→/ready, node 22→20) and every place must follow.

What the platform cannot hold per service is said where it is skipped (`GAPS`): each one is an
`xfail(strict=True)`, so the day it is built this file says so.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from infrascaffold.pack.manifest import load_pack
from infrascaffold.templating.environment import make_environment
from tests.builders import example_answers, render_answers

Service = Mapping[str, Any]
Tree = Mapping[str, str]

CONTAINERS = {cloud: f"{cloud}-services" for cloud in ("aws", "gcp", "azure")}
KUBERNETES = {"aws": "aws-kubernetes-canary", "gcp": "gcp-kubernetes-services",
              "azure": "azure-kubernetes-canary"}  # fmt: skip
# GKE refuses a static front end at answer time (static services are built on GCP containers
# only), so the GKE case runs the other three services.
STATIC_REFUSED = {("gcp", "kubernetes")}
# The CI build's runtime setup: GitHub's setup action and version key, GitLab's test image.
SETUP = {"node": ("actions/setup-node", "node-version"), "java": ("actions/setup-java", "java-version"),
         "python": ("actions/setup-python", "python-version"), "go": ("actions/setup-go", "go-version"),
         "dotnet": ("actions/setup-dotnet", "dotnet-version")}  # fmt: skip
GITLAB_IMAGE = {"node": "node:{v}-", "java": "eclipse-temurin-{v}", "python": "python:{v}-",
                "go": "golang:{v}", "dotnet": "dotnet/sdk:{v}"}  # fmt: skip
# The runtime stage of the Dockerfile rendered per runtime (the image the service runs on).
RUNTIME_IMAGE = {"node": "node:{v}-", "java": "eclipse-temurin:{v}-", "python": "python:{v}-",
                 "go": "golang:{v}-", "dotnet": "mcr.microsoft.com/dotnet/aspnet:{v}"}  # fmt: skip
# The module that serves a static front end's traffic, and so alarms on it, where the bucket's
# module has no metrics of its own: GCP's load balancer (Cloud CDN), Azure's Front Door.
EDGE_OF_STATIC = {"gcp": "load_balancer", "azure": "frontdoor"}
ALARM_TYPES = ("aws_cloudwatch_metric_alarm", "google_monitoring_alert_policy",
               "azurerm_monitor_metric_alert", "azurerm_monitor_scheduled_query_rules_alert")  # fmt: skip


@dataclass(frozen=True)
class Case:
    cloud: str
    compute: str
    answers: Mapping[str, Any]

    @property
    def id(self) -> str:
        return f"{self.cloud}-{self.compute}"


def three_services() -> list[dict[str, Any]]:
    """The Done-when services, as the AWS example gives them (api, worker, web, nightly)."""
    return copy.deepcopy(example_answers("aws-services")["services"])


def case(cloud: str, compute: str) -> Case:
    if compute == "containers":
        return Case(cloud, compute, example_answers(CONTAINERS[cloud]))
    answers = example_answers(KUBERNETES[cloud])
    services = three_services()
    if (cloud, compute) in STATIC_REFUSED:
        services = [s for s in services if s["kind"] != "static"]
    return Case(cloud, compute, {**answers, "services": services})


CASES = [case(c, "containers") for c in CONTAINERS] + [case(c, "kubernetes") for c in KUBERNETES]


@functools.cache
def _render(key: str) -> Tree:
    return render_answers(yaml.safe_load(key))


def render(answers: Mapping[str, Any]) -> Tree:
    return _render(yaml.safe_dump(dict(answers), sort_keys=True))


@functools.cache
def _names_env() -> Any:
    return make_environment(load_pack("platform").search_roots)


def name(macro: str, svc: Service, services: list[Service]) -> str:
    """`names.<macro>(svc)` of the names contract, rendered by the pack itself."""
    primary = next(s for s in services if s["kind"] == "http")
    template = _names_env().from_string(
        '{% import "partials/services/names.j2" as names with context %}'
        f"{{{{ names.{macro}(svc) }}}}"
    )
    return str(template.render(svc=svc, service=primary)).strip()


# --- reading the render ----------------------------------------------------------------------


def root_tf(tree: Tree) -> str:
    return "\n".join(t for p, t in sorted(tree.items()) if p.endswith(".tf") and "/" not in p)


def hcl_block(text: str, header: str) -> str:
    """The text of the first block opening with `header` (`module "app" {`), braces matched."""
    start = text.find(header)
    if start < 0:
        return ""
    depth, i = 0, text.index("{", start)
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[start : j + 1]
    return text[start:]


def module_folder(tree: Tree, call: str) -> str:
    source = re.search(r'source\s*=\s*"\./(modules/[^"]+)"', call)
    if not source:
        return ""
    folder = source.group(1) + "/"
    return "\n".join(
        t for p, t in sorted(tree.items()) if p.startswith(folder) and p.endswith(".tf")
    )


def arg(call: str, key: str) -> str | None:
    found = re.search(rf"^\s*{key}\s*=\s*(.+?)\s*(#.*)?$", call, re.M)
    return found.group(1) if found else None


def manifests(tree: Tree) -> list[dict[str, Any]]:
    docs = []
    for path, text in sorted(tree.items()):
        if path.startswith("k8s/base/") and path.endswith(".yaml"):
            docs.extend(d for d in yaml.safe_load_all(text) if isinstance(d, dict))
    return docs


def pod_spec(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]  # type: ignore[no-any-return]


def gate(svc: Service) -> str:
    """The deploy health gate's path through the load balancer: path prefix + health path."""
    return str(svc["path"]).rstrip("/") + str(svc["health_path"])


# --- the places: each returns what it misses for one service ---------------------------------

Check = Callable[[Tree, Service, list[Service], Case], Iterator[str]]


def workload_module(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """Containers: the service's module call passes its port, health path (and runtime where the
    module takes one), and the module puts them in the container port and every probe/health
    check it declares."""
    label = name("module", svc, services)
    call = hcl_block(root_tf(tree), f'module "{label}" {{')
    if not call:
        yield f"no module {label}"
        return
    body = module_folder(tree, call)
    expected = {"container_port": str(svc["port"]), "health_check_path": f'"{svc["health_path"]}"'}
    if 'variable "runtime"' in body:
        expected["runtime"] = f'"{svc["runtime"]}"'
    for key, value in expected.items():
        if arg(call, key) != value:
            yield f"module {label}: {key} = {arg(call, key)}, not {value}"
    ports = re.findall(r"(?:container_port|target_port|containerPort|port)\s*=\s*(\S+)", body)
    if "var.container_port" not in " ".join(ports):
        yield f"module {label}: no port of its container from var.container_port"
    probes = re.findall(r"^\s*path\s*=\s*(\S+)", body, re.M)
    if "var.health_check_path" not in probes:
        yield f"module {label}: no probe or health check on var.health_check_path"
    if any(re.fullmatch(r'"/[^"$]*"', p) for p in probes):
        yield f"module {label}: a probe at a fixed path {probes}"


def load_balancer(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """Containers, http: the load balancer's health check asks for the service's health path
    (AWS: the target group, in the module; Azure: the Front Door route's origin probe; GCP: Cloud
    Run sits behind a serverless NEG, whose backend service takes no health check, so the
    Cloud Run probes are the check) and routes its path prefix to it."""
    text = root_tf(tree)
    if c.cloud == "azure":
        route = hcl_block(text, f'"{svc["name"]}" = {{')
        if arg(route, "health_probe_path") != f'"{svc["health_path"]}"':
            yield f"Front Door route {svc['name']}: health_probe_path {arg(route, 'health_probe_path')}"
        if svc["path"] != "/" and f'"{svc["path"]}/*"' not in route:
            yield f"Front Door route {svc['name']}: no pattern {svc['path']}/*"
    elif c.cloud == "aws":
        call = hcl_block(text, f'module "{name("module", svc, services)}" {{')
        target = hcl_block(module_folder(tree, call), "health_check {")
        if "path" not in target or "var.health_check_path" not in target:
            yield "target group health_check without var.health_check_path"
    elif c.cloud == "gcp" and svc["path"] != "/":
        lb = hcl_block(text, 'module "load_balancer" {')
        if f'"{svc["path"]}/*"' not in lb:
            yield f"url map: no path {svc['path']}/* in module load_balancer"


def kubernetes_workload(
    tree: Tree, svc: Service, services: list[Service], c: Case
) -> Iterator[str]:
    """Kubernetes: the service's workload (Deployment/Rollout, CronJob for a job) names its
    container port, probes its health path on that port; an http service's Service targets the
    port (and GKE's BackendConfig health check asks for the path on it)."""
    docs = manifests(tree)
    kinds = {
        "job": ("CronJob",),
        "http": ("Deployment", "Rollout"),
        "worker": ("Deployment", "Rollout"),
    }
    workloads = [
        d for d in docs if d["kind"] in kinds[svc["kind"]] and d["metadata"]["name"] == svc["name"]
    ]
    if not workloads:
        yield f"no {'/'.join(kinds[svc['kind']])} {svc['name']}"
    elif svc["kind"] == "job":
        if workloads[0]["spec"]["schedule"] != svc["schedule"]:
            yield f"CronJob {svc['name']}: schedule {workloads[0]['spec']['schedule']}"
    else:
        container = pod_spec(workloads[0])["containers"][0]
        ports = {
            p.get("name", p["containerPort"]): p["containerPort"]
            for p in container.get("ports", [])
        }
        yield from container_problems(container, ports, svc)
        if svc["kind"] == "http":
            yield from backend_problems(docs, ports, svc)


def container_problems(
    container: Mapping[str, Any], ports: Mapping[Any, int], svc: Service
) -> Iterator[str]:
    if svc["port"] not in ports.values():
        yield f"{svc['name']}: containerPort {list(ports.values())}, not {svc['port']}"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container.get(probe, {}).get("httpGet")
        if get is None:
            yield f"{svc['name']}: no {probe}"
        elif (
            get["path"] != svc["health_path"] or ports.get(get["port"], get["port"]) != svc["port"]
        ):
            yield f"{svc['name']}: {probe} asks {get['path']} on {get['port']}"
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    if "PORT" in env and env["PORT"] != str(svc["port"]):
        yield f"{svc['name']}: PORT={env['PORT']}"


def backend_problems(
    docs: list[dict[str, Any]], ports: Mapping[Any, int], svc: Service
) -> Iterator[str]:
    backends = [d for d in docs if d["kind"] == "Service"
                and d["spec"].get("selector", {}).get("app.kubernetes.io/name") == svc["name"]]  # fmt: skip
    if not backends:
        yield f"no Service selects {svc['name']}"
    for backend in backends:
        for port in backend["spec"]["ports"]:
            if ports.get(port["targetPort"], port["targetPort"]) != svc["port"]:
                yield f"Service {backend['metadata']['name']}: targetPort {port['targetPort']}"
    for config in (
        d for d in docs if d["kind"] == "BackendConfig" and d["metadata"]["name"] == svc["name"]
    ):
        check = config["spec"]["healthCheck"]
        if check.get("requestPath") != svc["health_path"] or check.get("port") != svc["port"]:
            yield f"BackendConfig {svc['name']}: {check}"


def dockerfile(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """The Dockerfile rendered for the runtime: its runtime stage's base image at the version,
    EXPOSE and PORT at the port. (It has no HEALTHCHECK: ECS, Cloud Run, Container Apps and
    Kubernetes ignore the image's; the platforms' probes of `workload_module` are the check.)"""
    path = f"{name('dir', svc, services)}/Dockerfile"
    text = tree.get(path)
    if text is None:
        yield f"no {path}"
        return
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    image = RUNTIME_IMAGE[svc["runtime"]].format(v=svc["version"])
    if not any(f.startswith(image) for f in froms):
        yield f"{path}: no FROM {image}… in {froms}"
    if f"# {svc['name']}: {svc['runtime']} {svc['version']}" not in text:
        yield f"{path}: header does not name {svc['runtime']} {svc['version']}"
    if "port" in svc:
        if f"\nEXPOSE {svc['port']}\n" not in text:
            yield f"{path}: no EXPOSE {svc['port']}"
        if not re.search(rf"^ENV .*\bPORT={svc['port']}\b", text, re.M):
            yield f"{path}: no ENV PORT={svc['port']}"
    if re.search(r"^EXPOSE (?!{})".format(svc.get("port", "")), text, re.M):
        yield f"{path}: EXPOSE of another port"


def ci_build(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """The service's CI build job sets up its runtime at its version and builds its folder."""
    job_id = "build" + name("job", svc, services)
    folder = name("dir", svc, services)
    if c.answers["ci"] == "github-actions":
        jobs = yaml.safe_load(tree[".github/workflows/deploy.yml"])["jobs"]
        steps = jobs.get(job_id, {}).get("steps", [])
        action, key = SETUP[svc["runtime"]]
        setup = [s for s in steps if s.get("uses", "").startswith(action + "@")]
        if not setup or str(setup[0]["with"].get(key)) != str(svc["version"]):
            yield f"{job_id}: no {action} with {key} {svc['version']}"
        if not any(folder in str(s.get("working-directory", "")) + str(s.get("run", "")) for s in steps) \
                and folder != "app":  # fmt: skip
            yield f"{job_id}: does not build {folder}"
        return
    jobs = yaml.safe_load(tree[".gitlab-ci.yml"])
    test_id = job_id if svc["kind"] == "static" else "test" + name("job", svc, services)
    image = jobs.get(test_id, {}).get("image", "")
    expected = GITLAB_IMAGE[svc["runtime"]].format(v=svc["version"])
    if expected not in str(image):
        yield f"{test_id}: image {image}, not {expected}…"


def deploy_gate(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """http: after the deploy, the pipeline asks for path + health path through the load balancer."""
    if c.answers["ci"] == "github-actions":
        job = yaml.safe_load(tree[".github/workflows/_deploy.yml"])["jobs"]["deploy"]
        runs = [
            s["run"]
            for s in job["steps"]
            if s.get("name") == f"Smoke test {svc['name']} ({gate(svc)})"
        ]
    else:
        runs = [s for s in yaml.safe_load(tree[".gitlab-ci.yml"])[".deploy"]["script"]
                if s.startswith(f"# Smoke test of {svc['name']} through the load balancer")]  # fmt: skip
    if not runs or not runs[0].rstrip().endswith(f" {gate(svc)}"):
        yield f"no smoke test of {svc['name']} at {gate(svc)}"


def alarms(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """Containers: the service's module holds its alarms (wired to the environment's alert
    destination)."""
    label = name("module", svc, services)
    if svc["kind"] == "static" and c.cloud in EDGE_OF_STATIC:
        label = EDGE_OF_STATIC[c.cloud]  # the CDN's alarms are the edge module's
    body = module_folder(tree, hcl_block(root_tf(tree), f'module "{label}" {{'))
    if not any(f'resource "{t}"' in body for t in ALARM_TYPES):
        yield f"module {label}: no alarm"


def dashboard(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """Containers: the service's widgets are on the environment's dashboard."""
    label = name("module", svc, services)
    if f"module.{label}.dashboard_widgets" not in root_tf(tree):
        yield f"module {label}: its dashboard_widgets are on no dashboard"


def cluster_alarms_file(tree: Tree) -> str:
    """Kubernetes: the cluster module's per-service alarms (`service-alarms.tf` of module app)."""
    call = hcl_block(root_tf(tree), 'module "app" {')
    source = re.search(r'source\s*=\s*"\./(modules/[^"]+)"', call)
    return tree.get(f"{source.group(1)}/service-alarms.tf", "") if source else ""


def admitted(text: str, local: str, kind: str) -> bool:
    """Whether `local.<local>` (`{ for name, s in var.services : name => s if s.kind OP "k" }`)
    keeps a service of `kind`."""
    found = re.search(
        rf'^\s*{local}\s*=\s*\{{ for name, s in var.services : name => s if s.kind (==|!=) "(\w+)" \}}',
        text,
        re.M,
    )
    return bool(found) and (found.group(1) == "==") == (found.group(2) == kind)


def kubernetes_alarms(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """Kubernetes: the cluster module is given the service with its kind, and one of its
    per-service alarms is made for each service of that kind (for_each over a local keeping it)."""
    call = hcl_block(root_tf(tree), 'module "app" {')
    if f'"{svc["name"]}" = {{ kind = "{svc["kind"]}" }}' not in (arg(call, "services") or ""):
        yield f"module app: services without {svc['name']} ({svc['kind']})"
    text = cluster_alarms_file(tree)
    alarm_types = (*ALARM_TYPES, "azurerm_monitor_scheduled_query_rules_alert_v2")
    headers = re.findall(r'^resource "(\w+)" "(\w+)" \{', text, re.M)
    alarms = [hcl_block(text, f'resource "{t}" "{n}" {{') for t, n in headers if t in alarm_types]
    locals_used = {m for a in alarms for m in re.findall(r"for_each = local\.(\w+)", a)}
    if not any(admitted(text, local, svc["kind"]) for local in locals_used):
        yield f"no per-service alarm of the cluster module for {svc['name']} ({svc['kind']})"


def kubernetes_dashboard(
    tree: Tree, svc: Service, services: list[Service], c: Case
) -> Iterator[str]:
    """Kubernetes: the cluster module's per-service widgets are on the dashboard and iterate over
    the services of this one's kind."""
    if "module.app.service_dashboard_widgets" not in root_tf(tree):
        yield "module app: its service_dashboard_widgets are on no dashboard"
    text = cluster_alarms_file(tree)
    widgets = re.findall(
        r"for name, s in local\.(\w+)", hcl_block(text, "service_dashboard_widgets =")
    )
    if not any(admitted(text, local, svc["kind"]) for local in widgets):
        yield f"no dashboard widget of {svc['name']} ({svc['kind']})"


def diagram(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """docs/INFRASTRUCTURE.md: the service's node names it, its kind, port and health path
    (containers: its module's row; Kubernetes: its workload's, `<Kind>/<name>`)."""
    text = tree["docs/INFRASTRUCTURE.md"]
    label = re.escape(name("module", svc, services).replace("_", "\\_"))
    if c.compute == "kubernetes" and svc["kind"] != "static":  # a static site is a module
        workload = "CronJob" if svc["kind"] == "job" else "(?:Deployment|Rollout)"
        label = f"{workload}/{re.escape(svc['name'])}"
    rows = [r for r in text.splitlines() if re.match(rf"\| {label} \| ", r)]
    role = f"{svc['name']}: {svc['kind']}"
    if not rows or role not in rows[0]:
        yield f"diagram: row of {label} is {rows[:1]}, without {role}"
        return
    if "port" in svc and f":{svc['port']}{svc['health_path']}" not in rows[0]:
        yield f"diagram: row of {label} without :{svc['port']}{svc['health_path']}"
    if f"{svc['runtime']} {svc['version']}" not in rows[0]:
        yield f"diagram: row of {label} without {svc['runtime']} {svc['version']}"


def runbooks(tree: Tree, svc: Service, services: list[Service], c: Case) -> Iterator[str]:
    """docs/runbooks/deploy.md: the services table gives the service's runtime, port and health
    (gate through the load balancer for http), and the service has its own section; the rollback
    runbook says what to check after rolling it back."""
    deploy = tree["docs/runbooks/deploy.md"]
    rows = [r for r in deploy.splitlines() if r.startswith(f"| {svc['name']} | {svc['kind']} |")]
    row = next((r for r in rows if f"`{name('dir', svc, services)}/`" in r), "")
    if not row:
        yield f"deploy.md: no services-table row of {svc['name']}"
        return
    wants = [f"| {svc['runtime']} {svc['version']} |"]
    if "port" in svc:
        wants.append(f"{svc['health_path']} on port {svc['port']}")
    if svc["kind"] == "http":
        wants.append(f"{gate(svc)} through the load balancer")
    for want in wants:
        if want not in row:
            yield f"deploy.md row of {svc['name']}: no {want!r}"
    section = deploy.split(f"\n### {svc['name']} ({svc['kind']})\n", 1)
    if len(section) < 2:
        yield f"deploy.md: no section {svc['name']} ({svc['kind']})"
    elif "port" in svc:
        words = " ".join(section[1].split("\n### ")[0].split())  # the section, lines joined
        if f"{svc['health_path']} on port {svc['port']}" not in words:
            yield f"deploy.md section {svc['name']}: no {svc['health_path']} on port {svc['port']}"
    yield from rollback_runbook(tree, svc)


def rollback_runbook(tree: Tree, svc: Service) -> Iterator[str]:
    rollback = tree["docs/runbooks/rollback.md"]
    line = next((r for r in rollback.splitlines() if r.startswith(f"- **{svc['name']}** ")), "")
    if svc["kind"] == "worker" and f"{svc['health_path']} on port {svc['port']}" not in line:
        yield f"rollback.md: {svc['name']} without {svc['health_path']} on port {svc['port']}"
    if svc["kind"] == "http" and gate(svc) not in line:
        yield f"rollback.md: {svc['name']} without {gate(svc)}"


@dataclass(frozen=True)
class Place:
    name: str
    kinds: frozenset[str]
    computes: frozenset[str]
    check: Check


IMAGE_KINDS = frozenset({"http", "worker", "job"})
BOTH = frozenset({"containers", "kubernetes"})
PLACES = [
    Place("workload module", frozenset({"http", "worker"}), frozenset({"containers"}), workload_module),
    Place("load balancer", frozenset({"http"}), frozenset({"containers"}), load_balancer),
    Place("kubernetes workload", IMAGE_KINDS, frozenset({"kubernetes"}), kubernetes_workload),
    Place("dockerfile", IMAGE_KINDS, BOTH, dockerfile),
    Place("ci build", IMAGE_KINDS | {"static"}, BOTH, ci_build),
    Place("deploy gate", frozenset({"http"}), BOTH, deploy_gate),
    Place("alarms", IMAGE_KINDS | {"static"}, frozenset({"containers"}), alarms),
    Place("dashboard", IMAGE_KINDS, frozenset({"containers"}), dashboard),
    Place("kubernetes alarms", frozenset({"http", "worker"}), frozenset({"kubernetes"}), kubernetes_alarms),
    Place("kubernetes job alarms", frozenset({"job"}), frozenset({"kubernetes"}), kubernetes_alarms),
    Place("kubernetes dashboard", frozenset({"http", "worker"}), frozenset({"kubernetes"}), kubernetes_dashboard),
    Place("diagram", IMAGE_KINDS | {"static"}, BOTH, diagram),
    Place("runbooks", IMAGE_KINDS | {"static"}, BOTH, runbooks),
]  # fmt: skip
# (place, cloud, compute) the platform does not build per service yet: strict xfails below.
# On Kubernetes the workloads are manifests (k8s/base), not Terraform modules: the diagram draws
# a node per workload from them (`diagram/workloads.py`).
# (None today: a CronJob's failed runs alarm on EKS from the audit log and on GKE from the
# Kubernetes events log, and the AKS dashboard charts each workload from Log Analytics;
# tests/platform_pack/test_k8s_gaps.py and test_k8s_gaps_aks.py pin how.)
GAPS: dict[tuple[str, str, str], str] = {}


def problems(tree: Tree, c: Case, only: str | None = None) -> list[str]:
    services = list(c.answers["services"])
    found = []
    for place in PLACES:
        if only not in (None, place.name) or c.compute not in place.computes:
            continue
        if only is None and (place.name, c.cloud, c.compute) in GAPS:
            continue
        for svc in services:
            if svc["kind"] in place.kinds and svc.get("runtime") != "container":
                found.extend(f"{place.name}: {p}" for p in place.check(tree, svc, services, c))
    return found


# --- the tests -------------------------------------------------------------------------------


def test_the_services_examples_are_the_done_when_three() -> None:
    for cloud, example in CONTAINERS.items():
        services = example_answers(example)["services"]
        kinds = {(s["kind"], s.get("runtime")) for s in services}
        assert {("http", "node"), ("worker", "java"), ("static", "node")} <= kinds, cloud
    assert [(s["kind"], s["runtime"]) for s in three_services()][:3] == [
        ("http", "node"), ("worker", "java"), ("static", "node")]  # fmt: skip


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
def test_every_services_port_health_and_runtime_reach_every_place(c: Case) -> None:
    assert problems(render(c.answers), c) == []


def changed(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The copy of the issue: the node API on port 3100, health /ready, node 20."""
    copied = copy.deepcopy(dict(answers))
    for svc in copied["services"]:
        if svc["kind"] == "http" and svc["runtime"] == "node":
            assert (svc["port"], svc["health_path"]) == (3000, "/healthz")
            svc.update(port=3100, health_path="/ready", version="20")
    return copied


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
def test_a_changed_answer_reaches_every_place(c: Case) -> None:
    moved = Case(c.cloud, c.compute, changed(c.answers))
    tree = render(moved.answers)
    assert problems(tree, moved) == []
    # and nothing of the old values stays where the new ones went
    assert problems(tree, c, only="dockerfile") != []


@pytest.mark.parametrize("gap", sorted(GAPS), ids="-".join)
def test_known_gaps(gap: tuple[str, str, str]) -> None:
    place, cloud, compute = gap
    c = next(x for x in CASES if (x.cloud, x.compute) == (cloud, compute))
    if problems(render(c.answers), c, only=place):
        pytest.xfail(GAPS[gap])
    pytest.fail(f"{gap} is built now: take it out of GAPS")


# Places that carry the port, health path or runtime (alarms and dashboard are per service only).
VALUE_PLACES = [p.name for p in PLACES if not p.name.endswith(("alarms", "dashboard"))]


@pytest.mark.parametrize("place", VALUE_PLACES)
def test_a_stale_value_in_one_place_is_caught(place: str) -> None:
    """Each place's check fails on the render of other answers (the proof that it reads the
    answers, not this file): a render judged against the changed answers."""
    computes = next(p.computes for p in PLACES if p.name == place)
    caught = {
        c.id: problems(render(c.answers), Case(c.cloud, c.compute, changed(c.answers)), only=place)
        for c in CASES
        if c.compute in computes and (place, c.cloud, c.compute) not in GAPS
    }
    assert any(caught.values()), place
