"""Function packages and static sites reach every environment as the build made them (review
s34 #9), read from the parsed pipelines and by running their check steps.

GitHub: an artifact's name is mutable within a run (upload-artifact `overwrite: true` deletes
the artifact and uploads another under the same name; README "Overwriting an Artifact": the new
one gets a new ID), and any job of the run can upload, the unprotected environments' deploy jobs
included. So the build job outputs its upload's `artifact-id` (upload-artifact v7 output) and a
SHA-256; deploy.yml hands both to each deploy; _deploy.yml downloads with `artifact-ids:`
(download-artifact v5 and later extract one artifact by ID straight into `path`, as by name:
its README "v5 - What's new", actions/download-artifact#410) and runs `sha256sum --check`
before the deploy step. GitLab: deploy jobs take artifacts through `needs` from their own
pipeline's build jobs only (a job token uploads only its own job's artifacts and expires with
the job), never from another deploy job.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builders import example_answers, render_answers, run_step

CLOUDS = ("aws", "azure", "gcp")
# (answers, cloud, compute) of every GitHub render that deploys a package or a site.
SINGLE = [f"{cloud}-{compute}" for cloud in CLOUDS for compute in ("serverless", "static-site")]
SERVICES = [f"{cloud}-services" for cloud in CLOUDS]
DEPLOY = ".github/workflows/deploy.yml"
REUSABLE = ".github/workflows/_deploy.yml"
CHECK = "sha256sum --check --strict"


def answers_of(name: str, ci: str = "github-actions") -> dict[str, Any]:
    """`<cloud>-services` is the example; `<cloud>-<compute>` the cloud's containers example with
    that compute (a static site has no database or cache)."""
    if name.endswith("-services"):
        return {**example_answers(name), "ci": ci}
    cloud, compute = name.split("-", 1)
    answers = {**example_answers(f"{cloud}-containers"), "compute": compute, "ci": ci}
    if compute == "static-site":
        answers.pop("database", None)
        answers.pop("cache", None)
    return answers


@functools.cache
def render(name: str, ci: str = "github-actions") -> Mapping[str, str]:
    return render_answers(answers_of(name, ci))


def parsed(name: str, path: str, ci: str = "github-actions") -> dict[str, Any]:
    loaded = yaml.safe_load(render(name, ci)[path])
    assert isinstance(loaded, dict)
    return loaded


def bundles(name: str) -> dict[str, tuple[str, str, str]]:
    """Build job → (its artifact-ID input of _deploy.yml, its SHA-256 input, the name its deploy
    step starts with)."""
    if name.endswith("-services"):
        sites = [s["name"] for s in answers_of(name)["services"] if s["kind"] == "static"]
        assert sites, name
        return {
            f"build-{site}": (
                f"artifact_id_{site}",
                f"artifact_sha256_{site}",
                f"Deploy {site} (static",
            )
            for site in sites
        }
    return {"build": ("artifact_id", "artifact_sha256", "Deploy (")}


def upload_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s for s in job.get("steps", []) if s.get("uses", "").startswith("actions/upload-artifact@")
    ]


@pytest.mark.parametrize("name", SINGLE + SERVICES)
def test_each_build_outputs_its_artifact_id_and_sha256(name: str) -> None:
    jobs = parsed(name, DEPLOY)["jobs"]
    built = {job_id for job_id, job in jobs.items() if upload_steps(job)}
    assert built == set(bundles(name)), "one build job per package or site uploads an artifact"
    for job_id in built:
        job = jobs[job_id]
        [upload] = upload_steps(job)
        assert (
            job["outputs"]["artifact-id"] == f"${{{{ steps.{upload['id']}.outputs.artifact-id }}}}"
        )
        sha = job["outputs"]["sha256"]
        [digest] = [
            s
            for s in job["steps"]
            if "id" in s and sha == f"${{{{ steps.{s['id']}.outputs.sha256 }}}}"
        ]
        assert 'echo "sha256=$sha256" >> "$GITHUB_OUTPUT"' in digest["run"]
        assert job["steps"].index(digest) < job["steps"].index(upload), (
            "the digest is of what is uploaded"
        )
        if "serverless" in name:
            assert "sha256=$(sha256sum \"$package\" | cut -d ' ' -f 1)" in digest["run"]
        else:
            assert "site_files " in digest["run"], "a site's digest is of its files' list"


@pytest.mark.parametrize("name", SINGLE + SERVICES)
def test_each_deploy_is_handed_the_builds_artifact_id_and_sha256(name: str) -> None:
    jobs = parsed(name, DEPLOY)["jobs"]
    deploys = {job_id: job for job_id, job in jobs.items() if job_id.startswith("deploy-")}
    assert len(deploys) == len(answers_of(name)["environments"])
    inputs = parsed(name, REUSABLE)[True]["workflow_call"]["inputs"]  # YAML 1.1: `on` is True
    for job_id, job in deploys.items():
        for build, (id_input, sha_input, _) in bundles(name).items():
            assert build in job["needs"], job_id
            assert job["with"][id_input] == f"${{{{ needs.{build}.outputs.artifact-id }}}}", job_id
            assert job["with"][sha_input] == f"${{{{ needs.{build}.outputs.sha256 }}}}", job_id
            assert inputs[id_input]["required"] is True
            assert inputs[sha_input]["required"] is True


@pytest.mark.parametrize("name", SINGLE + SERVICES)
def test_the_deploy_downloads_by_id_and_checks_the_sha256_before_deploying(name: str) -> None:
    job = parsed(name, REUSABLE)["jobs"]["deploy"]
    steps = job["steps"]
    downloads = [s for s in steps if s.get("uses", "").startswith("actions/download-artifact@")]
    assert downloads, name
    for download in downloads:
        assert "artifact-ids" in download["with"], "never by name: a name can be uploaded again"
        assert not {"name", "pattern"} & set(download["with"]), download
    for id_input, sha_input, deploy_name in bundles(name).values():
        [download] = [
            d for d in downloads if d["with"]["artifact-ids"] == f"${{{{ inputs.{id_input} }}}}"
        ]
        [check] = [
            s for s in steps if f"${{{{ inputs.{sha_input} }}}}" in s.get("env", {}).values()
        ]
        [deploy] = [s for s in steps if s.get("name", "").startswith(deploy_name)]
        assert CHECK in check["run"]
        assert steps.index(download) < steps.index(check) < steps.index(deploy), name
        if "serverless" in name:
            # The package the check reads is the one deployed: PACKAGE, in the downloaded folder.
            assert job["env"]["PACKAGE"] == download["with"]["path"] + "/package.zip"
            assert '"$PACKAGE"' in check["run"] and '$PACKAGE"' in deploy["run"]  # fileb://$PACKAGE
        elif name.endswith("-services"):
            site = deploy_name.split()[1]
            assert download["with"]["path"] == f".release/{site}"
            where = f'SITE_DIR="$GITHUB_WORKSPACE/.release/"{site}'
            assert where in check["run"] and where in deploy["run"]
        else:
            assert job["env"]["SITE_DIR"] == download["with"]["path"]
            assert '"$SITE_DIR"' in check["run"] and '"$SITE_DIR"' in deploy["run"]


def step_named(steps: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    [step] = [s for s in steps if s.get("name", "").startswith(prefix)]
    return step


def build_site(tmp_path: Path, name: str) -> tuple[str, Path, str]:
    """Runs the build's digest step of the first site of `name` over a dist/ with a hidden
    file; returns (its SHA-256 output, where the upload would put the artifact, check step)."""
    jobs = parsed(name, DEPLOY)["jobs"]
    build, (_, _, deploy_name) = next(iter(bundles(name).items()))
    step = step_named(jobs[build]["steps"], "SHA-256 of the site's files")
    folder = "app" if build == "build" else f"services/{deploy_name.split()[1]}"
    dist = tmp_path / "work" / folder / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<h1>shop</h1>\n")
    (dist / "assets" / "app 1.js").write_text("console.log(1)\n")  # a space in a name
    (dist / ".well-known").mkdir()
    (dist / ".well-known" / "security.txt").write_text("Contact: x\n")
    out = tmp_path / "build-output"
    (tmp_path / "rt-build").mkdir()
    done = run_step(step["run"], tmp_path / "work", APP_DIR="app",
                    RUNNER_TEMP=str(tmp_path / "rt-build"), GITHUB_OUTPUT=str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    [line] = out.read_text().splitlines()
    assert line.startswith("sha256=") and len(line) == len("sha256=") + 64
    # What upload-artifact uploads and download-artifact extracts: hidden files left out.
    fetched = tmp_path / "ws" / ".release"
    if build != "build":
        fetched = fetched / deploy_name.split()[1]
    shutil.copytree(dist, fetched, ignore=shutil.ignore_patterns(".*"))
    check = step_named(
        parsed(name, REUSABLE)["jobs"]["deploy"]["steps"], "Check the site is the build's"
    )
    return line.removeprefix("sha256="), fetched, check["run"]


@pytest.mark.parametrize("name", ["aws-static-site", "gcp-services"])
def test_the_site_check_passes_the_builds_files_and_refuses_any_other(
    tmp_path: Path, name: str
) -> None:
    sha256, fetched, check = build_site(tmp_path, name)
    (tmp_path / "rt").mkdir()

    def checked(digest: str = sha256) -> int:
        env = {"SITE_SHA256": digest, "RUNNER_TEMP": str(tmp_path / "rt"),
               "GITHUB_WORKSPACE": str(tmp_path / "ws"), "SITE_DIR": str(fetched)}  # fmt: skip
        return run_step(check, tmp_path, **env).returncode

    assert checked() == 0, "the build's files pass"
    assert checked("") != 0, "no digest, no deploy"
    page = fetched / "index.html"
    page.write_text("<h1>other</h1>\n")
    assert checked() != 0, "a changed file is refused"
    page.write_text("<h1>shop</h1>\n")
    (fetched / "extra.js").write_text("steal()\n")
    assert checked() != 0, "an added file is refused"
    (fetched / "extra.js").unlink()
    (fetched / "assets" / "app 1.js").unlink()
    assert checked() != 0, "a removed file is refused"


@pytest.mark.parametrize("name", ["aws-serverless", "azure-serverless"])
def test_the_package_check_passes_the_builds_zip_only(tmp_path: Path, name: str) -> None:
    check = step_named(
        parsed(name, REUSABLE)["jobs"]["deploy"]["steps"], "Check the package is the build's"
    )
    package = tmp_path / "package.zip"
    package.write_bytes(b"PK\x05\x06" + bytes(18))
    good = hashlib.sha256(package.read_bytes()).hexdigest()
    assert (
        run_step(check["run"], tmp_path, PACKAGE=str(package), PACKAGE_SHA256=good).returncode == 0
    )
    other = hashlib.sha256(b"another package").hexdigest()
    refused = run_step(check["run"], tmp_path, PACKAGE=str(package), PACKAGE_SHA256=other)
    assert refused.returncode != 0 and "FAILED" in refused.stdout
    empty = run_step(check["run"], tmp_path, PACKAGE=str(package), PACKAGE_SHA256="")
    assert empty.returncode != 0 and "nothing is deployed" in empty.stderr


@pytest.mark.parametrize("name", ["gcp-serverless", "aws-static-site", "aws-services"])
def test_gitlab_deploys_take_artifacts_from_their_pipelines_build_jobs_only(name: str) -> None:
    doc = parsed(name, ".gitlab-ci.yml", "gitlab-ci")
    builds = {
        job_id
        for job_id, job in doc.items()
        if isinstance(job, dict) and job.get("stage") == "build"
    }
    assert builds >= set(bundles(name)), "the package's or site's build job is there"
    deploys = {job_id: job for job_id, job in doc.items() if job_id.startswith("deploy:")}
    assert len(deploys) == len(answers_of(name)["environments"])
    for job_id, job in deploys.items():
        for need in job["needs"]:
            if isinstance(need, str):
                assert need in builds, (job_id, need)
            else:
                assert need["job"] in builds or need["artifacts"] is False, (job_id, need)
    # The deploy jobs' own artifacts are their dotenv report (APP_URL), never a package or site.
    assert doc[".deploy"]["artifacts"] == {"reports": {"dotenv": "deploy.env"}}


@pytest.mark.parametrize(("name", "ci", "says"), [
    ("aws-serverless", "github-actions", "Each deploy downloads the artifact by that ID"),
    ("gcp-services", "github-actions", "Each static front end is built once"),
    ("aws-static-site", "gitlab-ci", "takes it from\n  the build job of its own pipeline (`needs`)"),
])  # fmt: skip
def test_security_doc_says_how_the_bundle_is_tied_to_its_build(
    name: str, ci: str, says: str
) -> None:
    assert says in render(name, ci)["docs/SECURITY.md"]


def test_gitops_security_doc_says_what_protects_a_protected_environment() -> None:
    """Review s34 #8: the unprotected environments hold a token or App key that pushes to the
    branch without review; the doc says so and how the approver checks the diff first."""
    doc = render_answers(example_answers("gcp-kubernetes-gitops"))["docs/SECURITY.md"]
    assert "unprotected ones included, whose deploy jobs start without approval" in doc
    assert 'git log --oneline --first-parent "$last..origin/"main' in doc
    assert "One App per environment" in doc
