"""Several services in the shared pipelines (issue 25, ci): one build per service with its
runtime's setup, tests, folder and image; deploy and rollback steps per service with `svc`
bound, in the contract's order; a smoke test per http service at its path + health path; a
Dockerfile per service folder; single-service renders as before.

Rendered on AWS containers; the cloud partials may still read `service` (they fall back to it
until the cloud branches land), so these tests check the pipelines' structure and the markers
the shared files write before each service's partial.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import pytest
import yaml

from tests.builders import example_answers, render_answers

SERVICES = [
    {"name": "api", "kind": "http", "path": "/api", "runtime": "node", "version": "22",
     "port": 3000, "health_path": "/healthz"},
    {"name": "worker", "kind": "worker", "runtime": "java", "version": "21", "port": 8081,
     "health_path": "/health"},
    {"name": "web", "kind": "static", "runtime": "node", "version": "22"},
    {"name": "nightly-report", "kind": "job", "schedule": "15 2 * * *", "runtime": "python",
     "version": "3.13"},
]  # fmt: skip
# The contract's deploy order: jobs' and workers' images, http services, static front ends.
DEPLOY_ORDER = ["worker", "nightly-report", "api", "web"]


@functools.cache
def render(ci: str) -> Mapping[str, str]:
    answers: dict[str, Any] = {**example_answers("aws-node-containers"), "ci": ci}
    answers["services"] = SERVICES
    return render_answers(answers)


def workflow(path: str) -> dict[str, Any]:
    loaded = yaml.safe_load(render("github-actions")[path])
    assert isinstance(loaded, dict)
    return loaded


def gitlab() -> dict[str, Any]:
    loaded = yaml.safe_load(render("gitlab-ci")[".gitlab-ci.yml"])
    assert isinstance(loaded, dict)
    return loaded


def steps_named(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s.get("name", s.get("uses", "")): s for s in job["steps"]}


# --- GitHub Actions ------------------------------------------------------------------------


def test_github_builds_each_image_service_with_its_runtime_tests_folder_and_image() -> None:
    jobs = workflow(".github/workflows/deploy.yml")["jobs"]
    assert set(jobs) >= {"build", "build-worker", "build-nightly-report", "build-web"}
    expected = {
        "build": ("actions/setup-node@", "node-version", "22", "app", "/app", '"$APP_DIR"',
                  "npm test --if-present"),
        "build-worker": ("actions/setup-java@", "java-version", "21", "services/worker",
                         "/worker", "services/worker", "mvn --batch-mode --no-transfer-progress test"),
        "build-nightly-report": ("actions/setup-python@", "python-version", "3.13",
                                 "services/nightly-report", "/nightly-report",
                                 "services/nightly-report", "python -m pytest"),
    }  # fmt: skip
    for job_id, (action, key, version, folder, image, context, test) in expected.items():
        steps = jobs[job_id]["steps"]
        setup = next(s for s in steps if s.get("uses", "").startswith(action))
        assert setup["with"][key] == version, job_id
        assert re.fullmatch(r"[^@]+@[0-9a-f]{40}", setup["uses"]), "actions pinned by SHA"
        assert setup["with"]["cache-dependency-path"].startswith(
            "${{ env.APP_DIR }}" if folder == "app" else folder
        )
        tests = next(s for s in steps if s.get("name", "").startswith("Test "))
        assert tests["working-directory"] == folder and test in tests["run"], job_id
        push = steps_named(jobs[job_id])["Build and push"]["run"]
        assert f'image="ghcr.io/${{GITHUB_REPOSITORY,,}}{image}"' in push
        assert f'--tag "$image:$GITHUB_SHA" {context}\n' in push
        names = [s.get("name", s.get("uses", "")) for s in steps]
        assert "SBOM" in names and "Sign the image and attest its SBOM" in names
        assert names.index(tests["name"]) < names.index("Build and push"), "tests gate the image"


def test_github_builds_the_static_front_end_into_an_artifact_of_its_own() -> None:
    job = workflow(".github/workflows/deploy.yml")["jobs"]["build-web"]
    build = next(s for s in job["steps"] if s.get("name") == "Build services/web/dist")
    assert build["working-directory"] == "services/web"
    assert "npm ci" in build["run"] and "npm run build" in build["run"]
    upload = next(s for s in job["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "site-web"
    assert upload["with"]["path"] == "services/web/dist"


def test_github_deploys_need_every_build_and_receive_every_image() -> None:
    deploy = workflow(".github/workflows/deploy.yml")
    paths = deploy[True]["push"]["paths"]  # PyYAML reads `on` as True
    for folder in ("app/**", "services/worker/**", "services/web/**", "services/nightly-report/**"):
        assert folder in paths
    for env in ("staging", "prod"):
        job = deploy["jobs"][f"deploy-{env}"]
        assert {"build", "build-worker", "build-web", "build-nightly-report"} <= set(job["needs"])
        assert job["with"]["image"] == "${{ needs.build.outputs.image }}"
        assert job["with"]["image_worker"] == "${{ needs.build-worker.outputs.image }}"
        assert job["with"]["image_nightly_report"] == (
            "${{ needs.build-nightly-report.outputs.image }}"
        )
    inputs = workflow(".github/workflows/_deploy.yml")[True]["workflow_call"]["inputs"]
    assert {"image", "image_worker", "image_nightly_report"} <= set(inputs)


def test_github_deploy_job_takes_one_step_per_service_in_the_contracts_order() -> None:
    job = workflow(".github/workflows/_deploy.yml")["jobs"]["deploy"]
    deploys = [s for s in job["steps"] if s.get("name", "").startswith("Deploy ")]
    assert [s["name"].split()[1] for s in deploys] == DEPLOY_ORDER
    by_name = {s["name"].split()[1]: s for s in deploys}
    assert by_name["worker"]["env"]["IMAGE"] == "${{ inputs.image_worker }}"
    assert by_name["api"]["env"]["IMAGE"] == "${{ inputs.image }}"
    assert by_name["nightly-report"]["env"]["IMAGE"] == "${{ inputs.image_nightly_report }}"
    assert "# Service worker (worker): services/worker, image worker." in by_name["worker"]["run"]
    assert "# Service api (http): app, image app." in by_name["api"]["run"]
    web = by_name["web"]["run"]
    assert web.startswith(
        '# Service web (static): services/web.\nSITE_DIR="$GITHUB_WORKSPACE/.release/"web\n'
    )
    assert 'aws s3 sync "$SITE_DIR"' in web, "the static partial deploys the front end"
    fetch = next(
        s for s in job["steps"] if s.get("with", {}).get("artifact-ids") == "${{ inputs.artifact_id_web }}"
    )
    assert fetch["with"]["path"] == ".release/web"
    verify = steps_named(job)["Verify the images were signed by this workflow"]
    assert 'for image in "$IMAGE" "$IMAGE_WORKER" "$IMAGE_NIGHTLY_REPORT"; do' in verify["run"]


def test_github_smoke_tests_each_http_service_at_its_path_and_health_path() -> None:
    job = workflow(".github/workflows/_deploy.yml")["jobs"]["deploy"]
    smoke = [s for s in job["steps"] if s.get("name", "").startswith("Smoke test ")]
    assert [s["name"] for s in smoke] == ["Smoke test api (/api/healthz)"]
    assert smoke[0]["run"].rstrip().endswith('smoke_test "$APP_URL" /api/healthz')
    names = [s.get("name", "") for s in job["steps"]]
    assert names.index("Smoke test api (/api/healthz)") > names.index(
        "Deploy web (static, static site)"
    )


def test_github_rollback_takes_one_step_per_service() -> None:
    job = workflow(".github/workflows/_rollback.yml")["jobs"]["rollback"]
    rollbacks = [s for s in job["steps"] if s.get("name", "").startswith("Roll back ")]
    assert [s["name"].split()[2] for s in rollbacks] == DEPLOY_ORDER
    assert rollbacks[0]["run"].startswith("# Service worker (worker): services/worker.\n")
    assert "s3" in rollbacks[-1]["run"], "the static front end rolls back with its partial"


# --- GitLab CI -----------------------------------------------------------------------------


def test_gitlab_tests_then_builds_each_image_service() -> None:
    jobs = gitlab()
    expected = {
        "": ("node:22-bookworm-slim", "app", "npm test --if-present", "/app", '"$APP_DIR"', "IMAGE"),
        "-worker": ("maven:3.9-eclipse-temurin-21", "services/worker",
                    "mvn --batch-mode --no-transfer-progress test", "/worker", "services/worker",
                    "IMAGE_WORKER"),
        "-nightly-report": ("python:3.13-slim", "services/nightly-report", "python -m pytest",
                            "/nightly-report", "services/nightly-report", "IMAGE_NIGHTLY_REPORT"),
    }  # fmt: skip
    for suffix, (image, folder, test, repo, context, variable) in expected.items():
        tests, build = jobs[f"test{suffix}"], jobs[f"build{suffix}"]
        assert tests["image"] == image and tests["stage"] == "build"
        assert tests["script"][0] == f"cd {folder}" and test in tests["script"][1]
        assert tests["cache"]["paths"] == [".cache/"]
        assert build["needs"] == [f"test{suffix}"]
        script = "\n".join(build["script"])
        assert f'--tag "$CI_REGISTRY_IMAGE{repo}:$CI_COMMIT_SHA" {context}' in script
        assert f'echo "{variable}=$image" > build.env' in script
        assert 'cosign sign --yes "$image"' in script


def test_gitlab_builds_the_static_front_end_and_deploys_every_service() -> None:
    jobs = gitlab()
    web = jobs["build-web"]
    assert web["image"] == "node:22-alpine" and web["artifacts"]["paths"] == ["services/web/dist"]
    assert "services/web/**/*" in jobs[".app-changes"]["rules"][0]["changes"]
    deploy = jobs["deploy:staging"]
    assert {"build", "build-worker", "build-nightly-report", "build-web"} <= set(deploy["needs"])
    script = jobs[".deploy"]["script"]
    blocks = [s for s in script if s.startswith("# Service ")]
    assert [b.split()[2] for b in blocks] == DEPLOY_ORDER
    assert blocks[0].startswith(
        '# Service worker (worker): services/worker, image worker.\n(\nIMAGE="$IMAGE_WORKER"\n'
    )
    assert blocks[2].startswith("# Service api (http): app, image app.\n(\n# ")
    assert blocks[3].startswith(
        '# Service web (static): services/web.\n(\nSITE_DIR="$CI_PROJECT_DIR/"services/web/dist\n'
    )
    assert all(b.rstrip().endswith("\n)") for b in blocks), "each service in its own subshell"
    verify = next(s for s in script if s.startswith("for image in"))
    assert '"$IMAGE" "$IMAGE_WORKER" "$IMAGE_NIGHTLY_REPORT"' in verify
    smoke = [s for s in script if s.startswith("# Smoke test of ")]
    assert len(smoke) == 1 and smoke[0].rstrip().endswith(
        'smoke_test "$(terraform output -raw app_url 2> /dev/null || true)" /api/healthz'
    )
    rollbacks = [s for s in jobs[".rollback"]["script"] if s.startswith("# Service ")]
    assert [b.split()[2] for b in rollbacks] == DEPLOY_ORDER


# --- The services' folders -----------------------------------------------------------------


@pytest.mark.parametrize("ci", ["github-actions", "gitlab-ci"])
def test_each_image_service_without_a_dockerfile_gets_one_in_its_folder(ci: str) -> None:
    tree = render(ci)
    primary, worker = tree["app/Dockerfile"], tree["services/worker/Dockerfile"]
    assert "FROM node:22-bookworm-slim" in primary and "EXPOSE 3000" in primary
    assert "FROM eclipse-temurin:21-jre" in worker and "EXPOSE 8081" in worker
    assert "ENV PORT=8081" in worker and "USER 10001:10001" in worker
    job = tree["services/nightly-report/Dockerfile"]
    assert "FROM python:3.13-slim AS build" in job and "USER 10001:10001" in job
    assert "EXPOSE" not in job and "PORT=" not in job, "a job listens on no port"
    assert "services/web/Dockerfile" not in tree, "a static front end has no image"


def test_a_service_that_brings_its_image_gets_no_dockerfile() -> None:
    answers: dict[str, Any] = {**example_answers("aws-node-containers")}
    answers["services"] = [SERVICES[0], {**SERVICES[1], "runtime": "container"}]
    del answers["services"][1]["version"]
    tree = render_answers(answers)
    assert "services/worker/Dockerfile" not in tree and "app/Dockerfile" in tree
    setup = [s.get("uses", "") for s in yaml.safe_load(tree[".github/workflows/deploy.yml"])[
        "jobs"]["build-worker"]["steps"]]  # fmt: skip
    assert not any(u.startswith("actions/setup-") for u in setup), "no runtime to set up"


@pytest.mark.parametrize("ci", ["github-actions", "gitlab-ci"])
def test_a_single_service_render_has_no_per_service_jobs(ci: str) -> None:
    tree = render_answers({**example_answers("aws-node-containers"), "ci": ci})
    text = tree[".github/workflows/deploy.yml" if ci == "github-actions" else ".gitlab-ci.yml"]
    assert "# Service " not in text and "build-" not in text and "Smoke test " not in text
    assert not [p for p in tree if p.startswith("services/")]


# --- The runbooks --------------------------------------------------------------------------


def test_the_deploy_runbook_has_a_section_per_service_with_its_health_and_schedule() -> None:
    text = render("github-actions")["docs/runbooks/deploy.md"]
    sections = re.findall(r"^### (\S+) \((\w+)\)$", text, flags=re.MULTILINE)
    assert sections == [
        ("worker", "worker"), ("nightly-report", "job"), ("api", "http"), ("web", "static")
    ]  # fmt: skip
    assert (
        "| api | http | node 22 | `app/` | image `app` | /api/healthz through the load balancer, /healthz on port 3000 |"
        in text
    )
    assert (
        "| worker | worker | java 21 | `services/worker/` | image `worker` | /health on port 8081 (no ingress) |"
        in text
    )
    assert (
        "| nightly-report | job | python 3.13 | `services/nightly-report/` | image `nightly-report` | runs at 15 2 \\* \\* \\* (UTC) |"
        in text
    )
    assert (
        'curl --fail --silent --show-error "$(terraform output -raw app_url)"/api/healthz' in text
    )


def test_the_rollback_runbook_names_every_service_in_the_deploy_order() -> None:
    text = render("gitlab-ci")["docs/runbooks/rollback.md"]
    assert "worker (worker), nightly-report (job), api (http), web (static)." in text
    assert "- **api** (http): its previous version serves /api again" in text
    assert "- **nightly-report** (job): the schedule (15 2 \\* \\* \\*, UTC)" in text


def test_infrastructure_doc_names_the_service_each_module_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Until the cloud branches add `svc_<name>` modules, one is added to the Terraform the docs
    are derived from: the architecture table then says which module runs which service."""
    import infrascaffold.diagram.build as build

    derive = build.architecture_context
    worker = {
        "worker.tf": 'module "svc_worker" {\n  source = "./modules/worker"\n}\n',
        "modules/worker/main.tf": 'resource "aws_ecs_service" "this" {\n  name = "w"\n}\n',
    }
    monkeypatch.setattr(
        build,
        "architecture_context",
        lambda tree, services=(): derive({**tree, **worker}, services),
    )
    answers: dict[str, Any] = {**example_answers("aws-node-containers"), "services": SERVICES}
    text = render_answers(answers)["docs/INFRASTRUCTURE.md"]
    assert "| Module | Kind | Service | Source | Resources |" in text
    # the roles come from the answers (name, kind, path, port and health path, runtime)
    assert (
        "| app | compute | api: http · /api · :3000/healthz · node 22 | `./modules/ecs-service` |"
        in text
    )
    assert (
        "| svc\\_worker | compute | worker: worker · :8081/health · java 21 | `./modules/worker` |"
        in text
    )
    assert "worker: worker service · :8081/health · java 21" in text, "the diagram labels the node"


def test_deploy_and_rollback_jobs_have_time_for_every_services_rollout() -> None:
    """Each service's rollout may wait up to an hour (the ECS wait loop); four services get
    four hours to deploy, two to roll back, on both CI systems (capped at GitHub's six)."""
    assert workflow(".github/workflows/_deploy.yml")["jobs"]["deploy"]["timeout-minutes"] == 240
    assert workflow(".github/workflows/_rollback.yml")["jobs"]["rollback"]["timeout-minutes"] == 120
    jobs = gitlab()
    assert (jobs[".deploy"]["timeout"], jobs[".rollback"]["timeout"]) == ("4h", "120m")


def test_what_the_builds_hand_over_never_collides() -> None:
    """GitLab passes every needed job's dotenv report to the deploy job, and of one variable
    set twice only one value survives (docs.gitlab.com/ci/variables/dotenv_variables): each
    build hands over its image under a name of its own. GitHub refuses a second artifact of one
    name in a run (upload-artifact v4: "409 Conflict: an artifact with this name already
    exists"): each static front end uploads its own."""
    handed = [
        line.split("=", 1)[0].split()[-1].strip('"')
        for job in gitlab().values()
        if isinstance(job, dict) and job.get("stage") == "build"
        for line in "\n".join(job.get("script", [])).splitlines()
        if line.endswith("> build.env")
    ]
    assert sorted(handed) == ["IMAGE", "IMAGE_NIGHTLY_REPORT", "IMAGE_WORKER"]
    answers: dict[str, Any] = {**example_answers("aws-node-containers")}
    answers["services"] = [*SERVICES, {"name": "admin", "kind": "static", "runtime": "node"}]
    jobs = yaml.safe_load(render_answers(answers)[".github/workflows/deploy.yml"])["jobs"]
    uploads = [
        s["with"]["name"]
        for job in jobs.values()
        for s in job.get("steps", [])
        if "upload-artifact" in s.get("uses", "")
    ]
    assert sorted(uploads) == ["site-admin", "site-web"]
