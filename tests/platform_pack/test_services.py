"""The application's service (issue 25): its runtime, handler, port and health path reach every
place of the render that uses them, the answers are checked against the runtimes each compute
kind supports (data/runtimes.yaml), and the defaults are the values the templates had before.

Every cloud x compute kind renders with non-default values; the Terraform is parsed with
python-hcl2, the workflows and manifests with PyYAML.
"""

from __future__ import annotations

import copy
import hashlib
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.templating.environment import make_environment
from tests import terraform_checks as tc
from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl, unquote

HEALTH = "/healthz"

# id -> (example, overrides, the service)
COMBOS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "aws-containers": ("aws-containers", {}, {"runtime": "node", "version": "24", "port": 3000}),
    "aws-serverless": (
        "aws-serverless-bluegreen", {}, {"runtime": "node", "version": "20", "handler": "api.main"}
    ),
    "aws-kubernetes": ("aws-kubernetes-canary", {}, {"runtime": "java", "port": 9000}),
    "gcp-containers": ("gcp-containers", {}, {"runtime": "go", "version": "1.24", "port": 3000}),
    "gcp-serverless": (
        "gcp-containers", {"compute": "serverless"},
        {"runtime": "node", "version": "20", "handler": "api"},
    ),
    "gcp-kubernetes": ("gcp-kubernetes-canary", {}, {"runtime": "python", "port": 9000}),
    "azure-containers": ("azure-containers", {}, {"runtime": "dotnet", "port": 5000}),
    "azure-serverless": (
        "azure-containers", {"compute": "serverless"}, {"runtime": "node", "version": "20"}
    ),
    "azure-kubernetes": ("azure-kubernetes-canary", {}, {"runtime": "container", "port": 9000}),
}  # fmt: skip

_TREES: dict[str, Mapping[str, str]] = {}


def answers_of(combo: str) -> dict[str, Any]:
    example, overrides, service = COMBOS[combo]
    return {
        **example_answers(example),
        **overrides,
        "services": [{"name": "api", "health_path": HEALTH, **service}],
    }


def tree_of(combo: str) -> Mapping[str, str]:
    if combo not in _TREES:
        _TREES[combo] = render_answers(answers_of(combo))
    return _TREES[combo]


def module_args(tree: Mapping[str, str], name: str) -> dict[str, Any]:
    """The arguments of the root stack's `module "<name>"` (app.tf), unquoted."""
    for module in parse_hcl(tree["app.tf"])["module"]:
        for label, body in module.items():
            if unquote(label) == name:
                return {key: unquote(value) for key, value in body.items()}
    raise AssertionError(f"app.tf has no module {name}")


def app_module(tree: Mapping[str, str]) -> dict[str, Any]:
    return module_args(tree, "app")


def strings(node: Any) -> Iterator[str]:
    """Every string of a parsed YAML document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def ci_scripts(tree: Mapping[str, str]) -> list[str]:
    """Every string of the rendered pipelines (GitHub workflows or .gitlab-ci.yml)."""
    found: list[str] = []
    for path, text in tree.items():
        if path.startswith(".github/workflows/") or path == ".gitlab-ci.yml":
            found += strings(yaml.safe_load(text))
    return found


def runbook_checks(tree: Mapping[str, str]) -> list[str]:
    """The runbooks' curl lines that check the application's URL."""
    return [
        line
        for path, text in tree.items()
        if path.startswith("docs/runbooks/")
        for line in text.splitlines()
        if line.startswith("curl ") and "terraform output -raw app_url" in line
    ]


def k8s_docs(tree: Mapping[str, str], kind: str) -> list[dict[str, Any]]:
    docs = []
    for path, text in tree.items():
        if path.startswith("k8s/") and path.endswith(".yaml"):
            docs += [d for d in yaml.safe_load_all(text) if d and d.get("kind") == kind]
    return docs


# --- the values reach the Terraform ---------------------------------------------------------

terraform = tc.terraform  # the module-scoped fixture


@pytest.mark.parametrize("combo", sorted(COMBOS))
def test_every_combo_renders_canonical_terraform(
    combo: str, terraform: str, tmp_path: Path
) -> None:
    problems = tc.fmt_problems(terraform, tree_of(combo), tmp_path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("combo", ["aws-containers", "gcp-containers", "azure-containers"])
def test_container_port_and_health_path_reach_the_compute_module(combo: str) -> None:
    app = app_module(tree_of(combo))
    service = COMBOS[combo][2]
    assert app["container_port"] == service["port"]
    assert app["health_check_path"] == HEALTH


def test_the_alb_target_group_and_the_task_read_the_module_variables() -> None:
    """ECS: the target group's health check and the task's port mapping are the variables the
    root stack sets, not literals of their own."""
    main = tree_of("aws-containers")["modules/ecs-service/main.tf"]
    assert "path                = var.health_check_path" in main
    assert "containerPort = var.container_port" in main
    assert "container_port   = var.container_port" in main  # the service's load_balancer block


def test_cloud_run_probes_and_container_apps_probes_read_the_module_variables() -> None:
    run = tree_of("gcp-containers")["modules/cloud-run-service/main.tf"]
    assert run.count("path = var.health_check_path") == 2  # startup and liveness probes
    assert "container_port = var.container_port" in run
    aca = tree_of("azure-containers")["modules/container-app/main.tf"]
    assert aca.count("path                    = var.health_check_path") == 3
    assert "target_port                = var.container_port" in aca


def test_front_door_probes_the_container_app_health_path() -> None:
    frontdoor = module_args(tree_of("azure-containers"), "frontdoor")  # the example has a domain
    assert frontdoor["health_probe_path"] == HEALTH


def test_lambda_runtime_and_handler() -> None:
    app = app_module(tree_of("aws-serverless"))
    assert app["runtime"] == "nodejs20.x"
    assert app["handler"] == "api.main"


def test_lambda_placeholder_answers_at_the_handler_in_the_runtime_language() -> None:
    tree = tree_of("aws-serverless")
    main = tree["modules/lambda-api/main.tf"]
    assert 'startswith(var.runtime, "nodejs")' in main
    assert "placeholder.mjs.tftpl" in main and "placeholder.py.tftpl" in main
    assert "export const ${function}" in tree["modules/lambda-api/placeholder.mjs.tftpl"]
    assert "def ${function}(event, context)" in tree["modules/lambda-api/placeholder.py.tftpl"]


def test_cloud_functions_runtime_and_entry_point() -> None:
    tree = tree_of("gcp-serverless")
    app = app_module(tree)
    assert app["runtime"] == "nodejs20"
    assert app["entry_point"] == "api"
    # The platform builds the first revision at creation: the placeholder exists in Node.js.
    assert (
        'functions.http("${entry_point}"' in tree["modules/function-api/placeholder/index.js.tftpl"]
    )
    assert (
        "@google-cloud/functions-framework" in tree["modules/function-api/placeholder/package.json"]
    )


def test_azure_functions_stack_and_health_paths() -> None:
    tree = tree_of("azure-serverless")
    app = app_module(tree)
    assert (app["runtime_name"], app["runtime_version"]) == ("node", "20")
    assert app["health_check_path"] == HEALTH
    assert module_args(tree, "frontdoor")["health_probe_path"] == HEALTH


@pytest.mark.parametrize("combo", ["aws-kubernetes", "gcp-kubernetes", "azure-kubernetes"])
def test_kubernetes_workload_port_probes_and_analysis(combo: str) -> None:
    tree = tree_of(combo)
    port = COMBOS[combo][2]["port"]
    (workload,) = k8s_docs(tree, "Rollout")  # the examples deploy canary
    (container,) = workload["spec"]["template"]["spec"]["containers"]
    assert [p["containerPort"] for p in container["ports"]] == [port]
    probes = [
        container[k] for k in ("startupProbe", "readinessProbe", "livenessProbe") if k in container
    ]
    assert probes and all(p["httpGet"]["path"] == HEALTH for p in probes)
    (analysis,) = k8s_docs(tree, "AnalysisTemplate")
    assert any(s.endswith(".svc.cluster.local" + HEALTH) for s in strings(analysis))


def test_load_balancer_health_checks_of_the_kubernetes_ingresses() -> None:
    (ingress,) = k8s_docs(tree_of("aws-kubernetes"), "Ingress")
    assert (
        ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/healthcheck-path"] == HEALTH
    )
    (backend,) = k8s_docs(tree_of("gcp-kubernetes"), "BackendConfig")
    assert backend["spec"]["healthCheck"]["requestPath"] == HEALTH
    assert backend["spec"]["healthCheck"]["port"] == 9000


# --- the values reach the pipelines and the runbooks ----------------------------------------


@pytest.mark.parametrize(
    "combo",
    ["aws-serverless", "gcp-containers", "gcp-serverless", "azure-containers", "azure-serverless"],
)
def test_deploy_health_gates_check_the_health_path(combo: str) -> None:
    gates = [
        line.strip()
        for script in ci_scripts(tree_of(combo))
        for line in script.splitlines()
        if 'smoke_test "$' in line
    ]
    assert gates, "no deploy health gate"
    assert all(f'" {HEALTH}' in gate for gate in gates), gates


def test_smoke_test_joins_the_url_and_the_path(tmp_path: Path) -> None:
    """The gate's function, run: it asks for URL + PATH (one slash between them)."""
    text = tree_of("aws-serverless")[".github/workflows/_deploy.yml"]
    script = next(s for s in strings(yaml.safe_load(text)) if "smoke_test() {" in s)
    function = script[script.index("smoke_test() {") :].split("\n}\n", 1)[0] + "\n}\n"
    fake = tmp_path / "curl"
    fake.write_text('#!/bin/sh\nfor a; do last="$a"; done\necho "$last"\n')
    fake.chmod(0o755)
    done = subprocess.run(
        ["bash", "-c", function + 'smoke_test "https://x.example/" /healthz; smoke_test "https://y"'],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin"}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["https://x.example/healthz", "https://y"]


@pytest.mark.parametrize(
    "combo", ["aws-containers", "aws-serverless", "gcp-containers", "azure-serverless"]
)
def test_runbook_checks_ask_for_the_health_path(combo: str) -> None:
    checks = runbook_checks(tree_of(combo))
    assert checks
    assert all(f'"$(terraform output -raw app_url)"{HEALTH}' in line for line in checks), checks


# --- defaults: the values the templates had before the question -----------------------------


def test_default_service_keeps_todays_values() -> None:
    containers = app_module(render_answers(example_answers("aws-containers")))
    assert (containers["container_port"], containers["health_check_path"]) == (8080, "/")
    lam = app_module(render_answers(example_answers("aws-serverless-bluegreen")))
    assert (lam["runtime"], lam["handler"]) == ("python3.13", "app.handler")
    gcp = app_module(render_answers({**example_answers("gcp-containers"), "compute": "serverless"}))
    assert (gcp["runtime"], gcp["entry_point"]) == ("python313", "handler")
    azure = render_answers({**example_answers("azure-containers"), "compute": "serverless"})
    func = app_module(azure)
    assert (func["runtime_name"], func["runtime_version"]) == ("python", "3.12")
    assert func["health_check_path"] == "/api/health"
    assert module_args(azure, "frontdoor")["health_probe_path"] == "/api/health"


def test_default_kubernetes_workload_keeps_port_8080_and_root_path() -> None:
    tree = render_answers(example_answers("aws-kubernetes-canary"))
    (workload,) = k8s_docs(tree, "Rollout")
    (container,) = workload["spec"]["template"]["spec"]["containers"]
    assert [p["containerPort"] for p in container["ports"]] == [8080]
    assert container["readinessProbe"]["httpGet"]["path"] == "/"


def test_static_sites_have_no_service_question() -> None:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, example_answers("aws-static-site"))
    assert not problems and "services" not in resolved


# --- answer-time checks ----------------------------------------------------------------------


def problems_of(
    example: str, services: list[dict[str, Any]], **overrides: Any
) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    answers = {**example_answers(example), **overrides, "services": copy.deepcopy(services)}
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    return problems + check_answers(pack, env, resolved)


BAD: dict[str, tuple[str, list[dict[str, Any]], dict[str, Any], str, str]] = {
    "several": ("aws-serverless-bluegreen", [{"name": "a"}, {"name": "b"}], {}, "services",
                "several services need compute containers or kubernetes"),
    "serverless-path": ("aws-serverless-bluegreen", [{"name": "a", "path": "/b"}], {},
                        "services[0].path", "/b: serverless serves one service at /"),
    "serverless-worker": ("aws-serverless-bluegreen", [{"name": "a", "kind": "worker"}],
                          {}, "services[0].kind", "worker services need compute containers or kubernetes"),
    "no-http": ("aws-containers", [{"name": "a", "kind": "worker"}], {}, "services",
                "describe at least one http service"),
    "same-path": ("aws-containers", [{"name": "a", "path": "/x"}, {"name": "b", "path": "/x"}], {},
                  "services", "two http services have the same path"),
    "path": ("aws-containers", [{"name": "a", "path": "/API/"}], {}, "services[0].path",
             "is not a path prefix"),
    "schedule": ("aws-containers", [{"name": "a"}, {"name": "b", "kind": "job", "schedule": "daily"}],
                 {}, "services[1].schedule", "daily is not a cron schedule"),
    "static-runtime": ("gcp-containers", [{"name": "a", "path": "/a"}, {"name": "b", "kind": "static", "runtime": "go"}],
                       {}, "services[1].runtime", "a static front end is built with node"),
    "name": ("aws-containers", [{"name": "Api_1"}], {}, "services[0].name", "is not a DNS label"),
    "port-range": ("aws-containers", [{"name": "a", "port": 70000}], {}, "services[0].port",
                   "70000 is not a TCP port"),
    "port-privileged": ("gcp-containers", [{"name": "a", "port": 80}], {}, "services[0].port",
                        "80 is a privileged port"),
    "health": ("aws-containers", [{"name": "a", "health_path": "healthz"}], {},
               "services[0].health_path", "start with /"),
    "container-on-lambda": ("aws-serverless-bluegreen", [{"name": "a", "runtime": "container"}], {},
                            "services[0].runtime",
                            "container is not a runtime of serverless on aws (supported: python, node, java, dotnet, go)"),
    "java-on-cloud-functions": ("gcp-containers", [{"name": "a", "runtime": "java"}],
                                {"compute": "serverless"}, "services[0].runtime",
                                "java is not a runtime of serverless on gcp"),
    "go-on-azure-functions": ("azure-containers", [{"name": "a", "runtime": "go"}],
                              {"compute": "serverless"}, "services[0].runtime",
                              "go is not a runtime of serverless on azure"),
    "java-8-on-lambda": ("aws-serverless-bluegreen", [{"name": "a", "runtime": "java", "version": "8"}],
                         {}, "services[0].version", "8 is not a version of java on serverless on aws"),
    "python-3.13-on-flex": ("azure-containers", [{"name": "a", "version": "3.13"}],
                            {"compute": "serverless"}, "services[0].version",
                            "3.13 is not a version of python on serverless on azure"),
    "entry-point": ("gcp-containers", [{"name": "a", "handler": "pkg.fn"}], {"compute": "serverless"},
                    "services[0].handler", "is not a function name"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_service_is_one_problem_naming_the_field(case: str) -> None:
    example, services, overrides, field, says = BAD[case]
    found = problems_of(example, services, **overrides)
    assert [where for where, _ in found] == [field], found
    assert says in found[0][1], found


@pytest.mark.parametrize(
    ("example", "overrides", "service"),
    [
        ("aws-serverless-bluegreen", {}, {"runtime": "java", "version": "21"}),
        ("aws-serverless-bluegreen", {}, {"runtime": "go"}),
        ("gcp-containers", {"compute": "serverless"}, {"runtime": "python", "version": "3.11"}),
        ("azure-containers", {"compute": "serverless"}, {"runtime": "node"}),
        ("azure-kubernetes-canary", {}, {"runtime": "container"}),
    ],
)
def test_supported_runtimes_are_accepted(
    example: str, overrides: dict[str, Any], service: dict[str, Any]
) -> None:
    assert problems_of(example, [{"name": "api", **service}], **overrides) == []


def test_supported_runtimes_come_from_pack_data() -> None:
    """Lambda's Go runs on the OS-only runtime; the data names the platform's identifiers."""
    runtimes = load_pack("platform").data["runtimes"]
    assert runtimes["serverless"]["aws"]["go"]["versions"]["1.25"] == "provided.al2023"
    assert runtimes["serverless"]["aws"]["python"]["versions"]["3.13"] == "python3.13"
    assert runtimes["serverless"]["gcp"]["node"]["versions"]["22"] == "nodejs22"
    assert "container" not in runtimes["serverless"]["aws"]
    for cloud in ("aws", "gcp", "azure"):
        for runtime, spec in runtimes["serverless"][cloud].items():
            assert spec["default"] in spec["versions"], (cloud, runtime)


def test_several_serverless_services_exit_2_with_one_line(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    text = (Path(__file__).parents[2] / "examples/answers/aws-serverless-bluegreen.yml").read_text()
    answers.write_text(text + "services:\n  - {name: api}\n  - {name: web}\n")
    done = subprocess.run(
        [sys.executable, "-m", "infrascaffold", "new", str(tmp_path / "dest"),
         "--answers", str(answers), "--no-input"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "error: services: several services need compute containers or kubernetes (serverless"
        " deploys one service): describe one service"
    ]
    assert not (tmp_path / "dest").exists()


def test_readme_documents_the_question_and_its_limit() -> None:
    text = (Path(__file__).parents[2] / "README.md").read_text()
    assert "services:" in text and "data/runtimes.yaml" in text
    assert re.search(r"several\s+services\s+need\s+compute\s+containers\s+or\s+kubernetes", text)


# --- build per runtime ------------------------------------------------------------------------

SETUP_ACTIONS = {
    "python": ("actions/setup-python", "python-version"),
    "node": ("actions/setup-node", "node-version"),
    "java": ("actions/setup-java", "java-version"),
    "dotnet": ("actions/setup-dotnet", "dotnet-version"),
    "go": ("actions/setup-go", "go-version"),
}
LAMBDA = ("aws-serverless-bluegreen", {})
FUNCTIONS = {"aws": LAMBDA, "azure": ("azure-containers", {"compute": "serverless"})}


def build_job(answers: dict[str, Any]) -> dict[str, Any]:
    tree = render_answers(answers)
    if answers.get("ci") == "gitlab-ci":
        job: dict[str, Any] = yaml.safe_load(tree[".gitlab-ci.yml"])["build"]
    else:
        job = yaml.safe_load(tree[".github/workflows/deploy.yml"])["jobs"]["build"]
    return job


@pytest.mark.parametrize(
    ("cloud", "runtime", "version"),
    [("aws", "python", "3.12"), ("aws", "node", "24"), ("aws", "java", "17"),
     ("aws", "dotnet", "10"), ("aws", "go", "1.24"), ("azure", "python", "3.11"),
     ("azure", "node", "20")],
)  # fmt: skip
def test_github_build_sets_up_the_runtime_pinned_with_its_cache(
    cloud: str, runtime: str, version: str
) -> None:
    example, overrides = FUNCTIONS[cloud]
    service = {"name": "api", "runtime": runtime, "version": version}
    job = build_job({**example_answers(example), **overrides, "services": [service]})
    action, version_input = SETUP_ACTIONS[runtime]
    (setup,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith(action + "@")]
    assert re.fullmatch(rf"{action}@[0-9a-f]{{40}}", setup["uses"])
    assert setup["with"][version_input] == (version + ".x" if runtime == "dotnet" else version)
    assert "cache-dependency-path" in setup["with"]
    text = render_answers({**example_answers(example), **overrides, "services": [service]})[
        ".github/workflows/deploy.yml"
    ]
    assert re.search(rf"uses: {action}@[0-9a-f]{{40}} # v\d+\.\d+\.\d+\n", text)


def test_cloud_functions_builds_the_source_itself() -> None:
    """No runtime to set up on GCP: the platform installs the dependencies from the zip."""
    service = {"name": "api", "runtime": "node", "version": "22", "handler": "api"}
    answers = {**example_answers("gcp-containers"), "compute": "serverless", "services": [service]}
    job = build_job(answers)
    assert not [s for s in job["steps"] if "setup-" in str(s.get("uses", ""))]
    (package,) = [s for s in job["steps"] if s.get("name") == "Package APP_DIR"]
    assert "npm" not in package["run"] and 'cp -R "$APP_DIR"/. "$build"' in package["run"]


@pytest.mark.parametrize(
    ("runtime", "version", "image", "layout"),
    [("python", "3.13", "python:3.13-slim", "--platform manylinux2014_aarch64"),
     ("node", "22", "node:22-bookworm-slim", "npm ci --omit=dev"),
     ("java", "21", "maven:3.9-eclipse-temurin-21", "mvn --batch-mode"),
     ("dotnet", "8", "mcr.microsoft.com/dotnet/sdk:8.0", "--runtime linux-arm64"),
     ("go", "1.25", "golang:1.25-bookworm", 'GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc')],
)  # fmt: skip
def test_gitlab_build_runs_in_the_runtime_image_with_a_cache(
    runtime: str, version: str, image: str, layout: str
) -> None:
    answers = {
        **example_answers("aws-serverless-bluegreen"), "ci": "gitlab-ci", "repository": "acme/shop",
        "services": [{"name": "api", "runtime": runtime, "version": version}],
    }  # fmt: skip
    job = build_job(answers)
    assert job["image"] == image
    assert job["cache"]["paths"] == [".cache/"] and job["variables"]
    assert all(value.startswith(("$CI_PROJECT_DIR/.cache/", "-Dmaven.repo.local=$CI_PROJECT_DIR/.cache/"))
               for value in job["variables"].values())  # fmt: skip
    assert any(layout in line for line in job["script"])


def package_script(answers: dict[str, Any]) -> str:
    job = build_job(answers)
    (step,) = [s for s in job["steps"] if s.get("name") == "Package APP_DIR"]
    return str(step["run"])


@pytest.mark.parametrize(
    ("cloud", "runtime", "files", "expected"),
    [("aws", "python", {"app.py": "def handler(e, c): pass\n"}, ["app.py"]),
     ("aws", "node", {"index.mjs": "export const handler = 1;\n",
                      "package.json": '{"name": "api", "version": "1.0.0"}\n',
                      "package-lock.json": '{"name": "api", "version": "1.0.0", "lockfileVersion": 3, '
                                           '"requires": true, "packages": {"": {"name": "api", "version": "1.0.0"}}}\n'},
      ["index.mjs", "package-lock.json", "package.json"]),
     ("azure", "python", {"function_app.py": "import azure.functions\n", "host.json": "{}\n"},
      ["function_app.py", "host.json"])],
)  # fmt: skip
def test_package_step_zips_the_handler_at_the_root(
    tmp_path: Path, cloud: str, runtime: str, files: dict[str, str], expected: list[str]
) -> None:
    """The packaging step, run as the job runs it: the handler's file is at the zip's root."""
    import zipfile

    example, overrides = FUNCTIONS[cloud]
    script = package_script(
        {**example_answers(example), **overrides, "services": [{"name": "api", "runtime": runtime}]}
    )
    app = tmp_path / "app"
    app.mkdir()
    for name, text in files.items():
        (app / name).write_text(text)
    (tmp_path / "release").mkdir()
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        cwd=tmp_path, env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
                           "APP_DIR": "app", "RUNNER_TEMP": str(tmp_path),
                           "GITHUB_OUTPUT": str(tmp_path / "output")},
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "release" / "package.zip") as package:
        assert sorted(package.namelist()) == expected
    # The job's output `sha256`, which every deploy checks the package against (_deploy.yml).
    digest = hashlib.sha256((tmp_path / "release" / "package.zip").read_bytes()).hexdigest()
    assert (tmp_path / "output").read_text() == f"sha256={digest}\n"


def test_lambda_placeholders_answer_200_at_a_custom_handler(tmp_path: Path) -> None:
    """The first version's code, as Terraform's templatefile renders it, runs and answers 200."""
    tree = tree_of("aws-serverless")
    python = tree["modules/lambda-api/placeholder.py.tftpl"].replace("${function}", "main")
    scope: dict[str, Any] = {}
    exec(compile(python, "placeholder.py", "exec"), scope)  # noqa: S102 - the pack's own file
    assert scope["main"]({}, None)["statusCode"] == 200
    node = tree["modules/lambda-api/placeholder.mjs.tftpl"].replace("${function}", "main")
    (tmp_path / "api.mjs").write_text(node)
    done = subprocess.run(
        ["node", "--input-type=module", "-e",
         "const m = await import('./api.mjs'); console.log((await m.main()).statusCode)"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.stdout.strip() == "200", done.stderr


@pytest.mark.parametrize(
    ("combo", "base"),
    [("aws-containers", "FROM node:24-bookworm-slim"), ("gcp-containers", "FROM gcr.io/distroless/static-debian12:nonroot"),
     ("azure-containers", "FROM mcr.microsoft.com/dotnet/aspnet:8.0"),
     ("aws-kubernetes", "FROM eclipse-temurin:21-jre"), ("gcp-kubernetes", "FROM python:3.13-slim")],
)  # fmt: skip
def test_a_service_without_a_dockerfile_gets_a_multi_stage_non_root_one(
    combo: str, base: str
) -> None:
    dockerfile = tree_of(combo)["app/Dockerfile"]
    port = COMBOS[combo][2]["port"]
    stages = [line for line in dockerfile.splitlines() if line.startswith("FROM ")]
    assert len(stages) == 2 and stages[0].endswith(" AS build") and stages[1] == base
    version = COMBOS[combo][2].get("version")
    assert version is None or f":{version}-" in stages[0]  # the answer's version builds it
    # The user the pods (runAsUser/runAsGroup 10001) and the read-only root file systems expect.
    assert dockerfile.splitlines().count("USER 10001:10001") == 1
    assert f"EXPOSE {port}" in dockerfile and f"PORT={port}" in dockerfile
    workload = tree_of(combo).get("k8s/base/workload.yaml", "")
    if workload:
        assert "runAsUser: 10001" in workload and "runAsGroup: 10001" in workload


def test_bring_your_own_image_renders_no_dockerfile() -> None:
    assert "app/Dockerfile" not in tree_of("azure-kubernetes")  # runtime: container
    assert "app/Dockerfile" not in render_answers(example_answers("aws-containers"))
    assert "app/Dockerfile" not in tree_of("aws-serverless")


@pytest.mark.parametrize("strategy", ["rolling", "canary"])
@pytest.mark.parametrize("combo", ["aws-kubernetes", "gcp-kubernetes", "azure-kubernetes"])
def test_kubernetes_objects_and_their_commands_are_named_after_the_service(
    combo: str, strategy: str
) -> None:
    tree = render_answers({**answers_of(combo), "deploy_strategy": strategy})
    kind = "Deployment" if strategy == "rolling" else "Rollout"
    (workload,) = k8s_docs(tree, kind)
    assert workload["metadata"]["name"] == "api"
    assert [c["name"] for c in workload["spec"]["template"]["spec"]["containers"]] == ["api"]
    # The namespace stays "app": the clouds' identity bindings name it.
    assert 'namespace: "app"' in tree["k8s/base/kustomization.yaml"].splitlines()
    stale = [
        (path, line)
        for path, text in tree.items()
        if not path.startswith("k8s/")
        for line in text.splitlines()
        if re.search(
            r"(deployment|rollout|status|restart)[/ ]app\b|\bapp-(canary|preview|health)\b", line
        )
    ]
    assert stale == []


@pytest.mark.parametrize("combo", ["aws-containers", "azure-containers"])
def test_first_revision_answers_on_the_service_port_and_health_path(combo: str) -> None:
    """The modules' placeholder (nginx on 8080, 200 at / only) would fail the probes and health
    checks of another port or path; Container Apps then refuses the first revision."""
    app = app_module(tree_of(combo))
    assert app["container_image"] == "us-docker.pkg.dev/cloudrun/container/hello"
    port = COMBOS[combo][2]["port"]
    assert f'PORT = "{port}"' in app["environment"]  # the sample listens on $PORT


def test_default_service_keeps_the_modules_placeholder() -> None:
    for example in ("aws-containers", "azure-containers"):
        assert "container_image" not in app_module(render_answers(example_answers(example)))
    health_only = {
        **example_answers("aws-containers"),
        "services": [{"name": "app", "health_path": "/up"}],
    }
    assert app_module(render_answers(health_only))["container_image"].endswith("/hello")
