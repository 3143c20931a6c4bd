"""`infrascaffold cost DIR`: the estimate of a render from its recorded answers, as the dossier has it.

Run as users run it (the console entry point in a subprocess), on renders written by `new`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.builders import example_answers

SUMMARY_ROW = re.compile(r"^\| (?P<name>[a-z0-9-]+) \| (?P<region>[a-z0-9-]+) \| (?P<floor>≥ )?"
                         r"(?P<total>[0-9]+\.[0-9]{2}) \| (?P<budget>[0-9]+|none) \|", re.M)  # fmt: skip


def run_cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "infrascaffold", *args],
        capture_output=True, text=True, env=env, cwd=tmp, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(
    scope="module", params=["aws-containers", "gcp-kubernetes-canary", "azure-containers"]
)
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cost")
    done = run_cli(tmp, "new", str(tmp / "infra"), "--example", request.param, "--no-input")
    assert done.returncode == 0, done.stderr
    return tmp / "infra"


def _dossier_rows(text: str) -> dict[str, tuple[str, float, bool, str]]:
    return {m["name"]: (m["region"], float(m["total"]), not m["floor"], m["budget"])
            for m in SUMMARY_ROW.finditer(text)}  # fmt: skip


def test_totals_equal_the_dossiers(rendered: Path) -> None:
    done = run_cli(rendered.parent, "cost", str(rendered), "--format", "json")
    assert done.returncode == 0, done.stderr
    estimate = json.loads(done.stdout)
    printed = {env["name"]: (env["region"], env["total"], env["complete"], str(env["budget"]))
               for env in estimate["environments"]}  # fmt: skip
    answers = yaml.safe_load((rendered / ".infrascaffold" / "answers.yaml").read_text())
    assert list(printed) == [env["name"] for env in answers["environments"]]
    for doc in ("docs/cost.md", "docs/INFRASTRUCTURE.md"):
        assert _dossier_rows((rendered / doc).read_text()) == printed, doc
    assert f"| {estimate['total']:.2f} |" in (rendered / "docs/cost.md").read_text().replace(
        "≥ ", ""
    )
    assert sum(env["total"] for env in estimate["environments"]) == pytest.approx(estimate["total"])


def test_json_and_docs_flag_the_same_unverified_lines(rendered: Path) -> None:
    """`cost --format json` names each line's evidence; the lines it flags are the docs' list."""
    done = run_cli(rendered.parent, "cost", str(rendered), "--format", "json")
    assert done.returncode == 0, done.stderr
    estimate = json.loads(done.stdout)
    cost = (rendered / "docs/cost.md").read_text()
    for env in estimate["environments"]:
        flagged = [line["name"] for line in env["lines"] if line["checked"] == "unverified"]
        assert env["unverified_lines"] == flagged and env["verified"] == (not flagged)
        if flagged:
            assert f"\n- {env['name']}: {', '.join(flagged)}\n" in cost
    assert estimate["verified"] == all(env["verified"] for env in estimate["environments"])
    assert {f["checked"] for f in estimate["figures"]} <= {"official", "secondary", "unverified"}


def test_one_environment_lines_match_its_section(rendered: Path) -> None:
    answers = yaml.safe_load((rendered / ".infrascaffold" / "answers.yaml").read_text())
    last = answers["environments"][-1]["name"]
    done = run_cli(rendered.parent, "cost", str(rendered), "--env", last, "--format", "json")
    assert done.returncode == 0, done.stderr
    (env,) = json.loads(done.stdout)["environments"]
    section = (rendered / "docs/cost.md").read_text().split(f"### {last} (")[1].split("\n### ")[0]
    for line in env["lines"]:
        monthly = "–" if line["monthly"] is None else f"{line['monthly']:.2f}"
        assert f"| {line['name']} |" in section and f"| {monthly} |" in section, line
    text = run_cli(rendered.parent, "cost", str(rendered), "--env", last)
    assert text.returncode == 0 and text.stdout.startswith(f"{last} (")
    assert all(line["name"] in text.stdout for line in env["lines"])


def test_text_summary_names_every_environment(rendered: Path) -> None:
    done = run_cli(rendered.parent, "cost", str(rendered))
    assert done.returncode == 0, done.stderr
    answers = yaml.safe_load((rendered / ".infrascaffold" / "answers.yaml").read_text())
    for env in answers["environments"]:
        assert re.search(rf"^{re.escape(env['name'])} ", done.stdout, re.M)
    assert "list prices of" in done.stdout and "All environments" in done.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--env", "nope"], "error: --env: no environment 'nope' (known: "),
        (["--format", "xml"], "error: invalid value for '--format'"),
    ],
)
def test_bad_options_exit_2_with_one_line(rendered: Path, args: list[str], needle: str) -> None:
    done = run_cli(rendered.parent, "cost", str(rendered), *args)
    assert done.returncode == 2
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stdout == ""


def test_a_folder_that_is_no_render_exits_2(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    for target, needle in ((tmp_path / "plain", "not made by infrascaffold"),
                           (tmp_path / "absent", "no such folder")):  # fmt: skip
        done = run_cli(tmp_path, "cost", str(target))
        assert done.returncode == 2 and needle in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_an_estimate_over_budget_warns_at_answer_time(tmp_path: Path) -> None:
    answers = example_answers("aws-containers")
    answers["environments"][0]["monthly_budget"] = 10
    path = tmp_path / "answers.yml"
    path.write_text(yaml.safe_dump(answers))
    done = run_cli(tmp_path, "new", str(tmp_path / "infra"), "--answers", str(path), "--no-input")
    assert done.returncode == 0, done.stderr
    (warning,) = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warning.startswith("warning: environments[0].monthly_budget: dev's estimated monthly")
    assert "over its budget of 10" in warning
    within = run_cli(tmp_path, "new", str(tmp_path / "ok"), "--example", "aws-containers",
                     "--no-input")  # fmt: skip
    assert within.returncode == 0 and "warning:" not in within.stderr


def test_a_new_region_supersedes_the_regions_decision(tmp_path: Path) -> None:
    """An environment moved to a new region records a new regions ADR asking for sign-off."""
    infra = tmp_path / "infra"
    assert (
        run_cli(tmp_path, "new", str(infra), "--example", "aws-containers", "--no-input").returncode
        == 0
    )
    (first,) = sorted((infra / "docs/adr").glob("*-regions.md"))
    done = run_cli(tmp_path, "update", str(infra), "--set", "environments.2.region=eu-central-1")
    assert done.returncode == 0, done.stderr
    records = sorted((infra / "docs/adr").glob("*-regions.md"))
    assert len(records) == 2 and records[0] == first
    assert first.read_text().startswith("---\nstatus: superseded")
    new = records[1].read_text()
    assert "Regions and data residency: eu-west-1, eu-central-1" in new
    assert "legal and security must validate" in new
    scp = json.loads((infra / "bootstrap/region-deny-scp.json").read_text())
    assert scp["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == [
        "eu-west-1",
        "eu-central-1",
    ]
