"""CI files at the root of the repository holding DEST: `new` puts them there and says so,
`update` merges them there, `--no-ci-at-root` and old records keep them in DEST, and a root file
the tool did not write is refused. Real processes, real git."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from infrascaffold.write.record import load_record
from tests.builders import build_file_tree
from tests.commands.test_update_lifecycle import git, run_cli
from tests.platform_pack.test_ci import run, tool

PACK = """\
name: svc
version: {version}
questions:
  - {{key: greeting, default: hello}}
"""
WORKFLOW = """\
name: ci
on: [push]
jobs:
  check:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: {{{{ infra_dir | yaml }}}}
    steps:
      - run: echo {{{{ greeting | sh }}}}
{extra}"""


def make_pack(folder: Path, version: str, extra: str = "") -> Path:
    return build_file_tree(
        folder,
        {
            "pack.yaml": PACK.format(version=version),
            "files/main.tf.j2": "# {{ greeting | comment }}\n",
            "files/.github/workflows/ci.yml.j2": WORKFLOW.format(extra=extra),
            "files/.github/CODEOWNERS.j2": "* @team\n",
        },
    )


def app_repository(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir(parents=True)
    git(app, "init", "-q", "-b", "main")
    (app / "README.md").write_text("The app.\n")
    return app


def files_under(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts[:1]
    }


def recorded(dest: Path) -> dict[str, object]:
    meta = yaml.safe_load((dest / ".infrascaffold" / "pack.yaml").read_text())
    assert isinstance(meta, dict)
    return meta


def test_new_puts_the_platform_workflows_at_the_root_pointed_at_infra(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    done = run_cli("new", "app/infra", "--example", "aws-containers", "--no-input", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"went to the repository root {app.resolve()}: .github/dependabot.yml" in done.stdout
    assert "git add -A . :/.github/workflows" in done.stdout  # next steps: no nested `git init`
    assert not (app / "infra" / ".github").exists()
    workflows = app / ".github" / "workflows"
    terraform = yaml.safe_load((workflows / "terraform.yml").read_text())
    assert terraform["env"]["TF_ROOT"] == "${{ vars.TF_ROOT || 'infra' }}"
    assert (
        terraform["jobs"]["checks"]["defaults"]["run"]["working-directory"] == "${{ env.TF_ROOT }}"
    )
    assert terraform[True]["pull_request"]["paths"][:3] == [
        "infra/**.tf",
        "infra/**.tfvars",
        "infra/**.hcl",
    ]
    # The application's folder is the repository's (`app/` beside `infra/`), not the infra's.
    deploy = yaml.safe_load((workflows / "deploy.yml").read_text())
    assert deploy["env"]["APP_DIR"] == "app" and deploy[True]["push"]["paths"][0] == "app/**"
    dependabot = yaml.safe_load((app / ".github" / "dependabot.yml").read_text())
    terraform_dirs = next(u for u in dependabot["updates"] if u["package-ecosystem"] == "terraform")
    assert terraform_dirs["directories"] == ["/infra", "/infra/bootstrap", "/infra/modules/*"]
    assert all(
        (app / d.lstrip("/").removesuffix("/*")).is_dir() for d in terraform_dirs["directories"]
    )
    assert "infra/scripts/dora_metrics.py" in (workflows / "dora-metrics.yml").read_text()
    assert (app / "infra" / "scripts" / "dora_metrics.py").is_file()
    assert recorded(app / "infra")["ci_at_root"] == {"repository_root": "..", "infra_dir": "infra"}
    dossier = (app / "infra" / "docs" / "INFRASTRUCTURE.md").read_text()
    assert "are at the root of the repository that holds this\nfolder" in dossier
    security = (app / "infra" / "docs" / "SECURITY.md").read_text()
    assert "review of `.github/` and `infra/`: a `CODEOWNERS` entry" in security
    assert "their jobs work in `infra/`" in dossier
    # The base keeps them under their render paths.
    assert any(p.startswith(".github/workflows/") for p in load_record(app / "infra").base)

    files = sorted(str(p) for p in workflows.glob("*.yml"))
    lint = run([tool("actionlint"), "-shellcheck", tool("shellcheck"), *files], cwd=app)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    schema = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files])
    assert schema.returncode == 0, schema.stdout + schema.stderr
    bot = run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot"]
        + [str(app / ".github" / "dependabot.yml")]
    )
    assert bot.returncode == 0, bot.stdout + bot.stderr
    # `validate` of DEST still passes (the CI files are judged as CI files when rendered).
    assert run_cli("validate", str(app / "infra")).returncode == 0


def test_gitlab_ci_goes_to_the_root_and_a_foreign_one_is_refused(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    args = ["--example", "gcp-containers", "--set", "ci=gitlab-ci", "--no-input"]
    done = run_cli("new", str(app / "infra"), *args)
    assert done.returncode == 0, done.stderr
    assert ".gitlab-ci.yml" in done.stdout
    pipeline = yaml.safe_load((app / ".gitlab-ci.yml").read_text())
    assert pipeline["variables"]["TF_ROOT"] == "infra"
    assert pipeline[".terraform-changes"]["rules"][1]["changes"][:3] == [
        "infra/**/*.tf",
        "infra/**/*.tfvars",
        "infra/**/*.hcl",
    ]
    assert (app / ".gitlab" / "infrascaffold" / "requirements.txt").is_file()
    # Renovate reads .gitlab/renovate.json at the root (never a renovate.json in infra/).
    assert (app / ".gitlab" / "renovate.json").is_file()
    assert not (app / "infra" / "renovate.json").exists()
    dossier = (app / "infra" / "docs" / "INFRASTRUCTURE.md").read_text()
    assert "`.gitlab-ci.yml` (and `.gitlab/`) are at the root of the repository" in dossier
    cmd = [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci"]
    schema = run([*cmd, "--data-transform", "gitlab-ci", str(app / ".gitlab-ci.yml")])
    assert schema.returncode == 0, schema.stdout + schema.stderr

    other = app_repository(tmp_path / "second")
    (other / ".gitlab-ci.yml").write_text("include: shared.yml\n")
    before = files_under(other)
    refused = run_cli("new", str(other / "infra"), *args)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"error: {other.resolve() / '.gitlab-ci.yml'}: exists and was not written by "
        "infrascaffold; move it away, or keep the CI files in DEST with --no-ci-at-root"
    ]
    assert files_under(other) == before and not (other / "infra").exists()  # nothing written


def test_a_root_workflow_the_tool_did_not_write_is_refused(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    build_file_tree(app, {".github/workflows/terraform.yml": "name: ours\n"})
    before = files_under(app)
    done = run_cli("new", str(app / "infra"), "--example", "aws-containers", "--no-input")
    assert done.returncode == 2
    assert "terraform.yml: exists and was not written by infrascaffold" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert files_under(app) == before
    # --force is about DEST, not about the repository's own pipelines.
    forced = run_cli(
        "new", str(app / "infra"), "--example", "aws-containers", "--no-input", "--force"
    )
    assert forced.returncode == 2 and files_under(app) == before


def test_no_ci_at_root_keeps_them_in_dest_and_update_keeps_that(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    pack = make_pack(tmp_path / "pack", "1.0.0")
    dest = app / "infra"
    done = run_cli("new", str(dest), "--pack", str(pack), "--defaults", "--no-ci-at-root")
    assert done.returncode == 0, done.stderr
    assert "repository root" not in done.stdout
    assert files_under(app) == {
        "README.md",
        "infra/main.tf",
        "infra/.github/workflows/ci.yml",
        "infra/.github/CODEOWNERS",
        "infra/.infrascaffold/pack.yaml",
        "infra/.infrascaffold/answers.yaml",
        "infra/.infrascaffold/base.txt",
    }
    assert 'working-directory: "."' in (dest / ".github/workflows/ci.yml").read_text()
    assert "ci_at_root" not in recorded(dest)  # the record of today's (and older) placement
    updated = run_cli("update", str(dest), "--set", "greeting=hi")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "echo hi" in (dest / ".github/workflows/ci.yml").read_text()
    assert not (app / ".github").exists()


def test_update_merges_an_edited_root_workflow_with_a_pack_change(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    dest = app / "infra"
    v1 = make_pack(tmp_path / "v1", "1.0.0")
    done = run_cli("new", str(dest), "--pack", str(v1), "--defaults", "--verbose")
    assert done.returncode == 0, done.stderr
    assert "CI files (1) went to the repository root" in done.stdout
    assert "create .github/CODEOWNERS\ncreate ../.github/workflows/ci.yml\n" in done.stdout
    root_workflow = app / ".github" / "workflows" / "ci.yml"
    assert 'working-directory: "infra"' in root_workflow.read_text()
    assert (dest / ".github" / "CODEOWNERS").is_file()  # not an entry point: stays in DEST
    git(app, "add", "-A")
    git(app, "commit", "-qm", "scaffold")
    # The team edits the root workflow; the pack's next release adds a step.
    root_workflow.write_text(
        root_workflow.read_text().replace("on: [push]", "on: [push, pull_request]")
    )
    v2 = make_pack(tmp_path / "v2", "2.0.0", extra="      - run: echo v2\n")

    check = run_cli("update", str(dest), "--check", "--pack", str(v2))
    assert check.returncode == 1 and "updated       ../.github/workflows/ci.yml" not in check.stdout
    assert "merged        ../.github/workflows/ci.yml" in check.stdout
    updated = run_cli("update", str(dest), "--pack", str(v2))
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "merged        ../.github/workflows/ci.yml\n" in updated.stdout
    text = root_workflow.read_text()
    assert "on: [push, pull_request]" in text and "- run: echo v2" in text
    assert not (dest / ".github" / "workflows").exists()
    base = load_record(dest).base[".github/workflows/ci.yml"]
    assert "echo v2" in base and "pull_request" not in base
    again = run_cli("update", str(dest), "--check", "--pack", str(v2))
    assert (again.returncode, again.stdout) == (0, "up to date\n")


def test_a_conflict_at_the_root_is_marked_and_unmerged_in_git(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    dest = app / "infra"
    assert (
        run_cli(
            "new", str(dest), "--pack", str(make_pack(tmp_path / "p", "1.0.0")), "--defaults"
        ).returncode
        == 0
    )
    git(app, "add", "-A")
    git(app, "commit", "-qm", "scaffold")
    root_workflow = app / ".github" / "workflows" / "ci.yml"
    root_workflow.write_text(root_workflow.read_text().replace("echo hello", "echo team"))
    updated = run_cli("update", str(dest), "--set", "greeting=hi")
    assert updated.returncode == 1
    assert "<<<<<<< yours" in root_workflow.read_text()
    status = git(app, "status", "--porcelain").stdout
    assert "UU .github/workflows/ci.yml" in status
    check = run_cli("update", str(dest), "--check")
    assert check.returncode == 1 and "../.github/workflows/ci.yml" in check.stdout


@pytest.mark.parametrize("flag", ["--ci-at-root", None])
def test_outside_a_repository_nothing_moves(tmp_path: Path, flag: str | None) -> None:
    pack = make_pack(tmp_path / "pack", "1.0.0")
    args = ["new", str(tmp_path / "plain" / "infra"), "--pack", str(pack), "--defaults"]
    done = run_cli(*args, *([flag] if flag else []))
    if flag:
        assert done.returncode == 2
        assert "--ci-at-root: not inside a git repository" in done.stderr
        assert not (tmp_path / "plain").exists()
    else:
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "plain" / "infra" / ".github" / "workflows" / "ci.yml").is_file()


def test_update_refuses_a_new_pack_workflow_over_the_teams_own(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    dest = app / "infra"
    v1 = make_pack(tmp_path / "v1", "1.0.0")
    assert run_cli("new", str(dest), "--pack", str(v1), "--defaults").returncode == 0
    ours = build_file_tree(app, {".github/workflows/app.yml": "name: the app's own CI\n"})
    v2 = make_pack(tmp_path / "v2", "2.0.0")
    (v2 / "files/.github/workflows/app.yml.j2").write_text(WORKFLOW.format(extra=""))
    before = files_under(app)
    updated = run_cli("update", str(dest), "--pack", str(v2))
    assert updated.returncode == 2
    assert updated.stderr == (
        f"error: {(ours / '.github/workflows/app.yml').resolve()}: exists and was not written by "
        "infrascaffold; move it away, or keep the CI files in DEST with --no-ci-at-root\n"
    )
    assert files_under(app) == before
    assert (app / ".github/workflows/app.yml").read_text() == "name: the app's own CI\n"


def test_the_interview_says_before_writing_that_ci_files_go_to_the_root(tmp_path: Path) -> None:
    from tests.answers.test_interview import ENTER, answer, pexpect, spawn

    app = app_repository(tmp_path)
    child = spawn("new", str(app / "infra"), "--pack", str(make_pack(tmp_path / "p", "1.0.0")))
    answer(child, r"greeting")
    where = f"to {app}/infra (CI files at the repository root {app.resolve()})? "
    answer(child, re.escape(where), "y" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert (app / ".github" / "workflows" / "ci.yml").is_file()


def test_a_moved_folder_is_refused_until_its_record_says_where_it_is(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    pack = make_pack(tmp_path / "p", "1.0.0")
    assert run_cli("new", str(app / "infra"), "--pack", str(pack), "--defaults").returncode == 0
    (app / "deploy").mkdir()
    (app / "infra").rename(app / "deploy" / "infra")
    dest = app / "deploy" / "infra"
    refused = run_cli("update", str(dest), "--set", "greeting=hi")
    assert refused.returncode == 2
    assert "that is not where it is now" in refused.stderr
    assert "echo hello" in (app / ".github/workflows/ci.yml").read_text()  # nothing written
    meta = dest / ".infrascaffold" / "pack.yaml"
    meta.write_text(
        meta.read_text()
        .replace("repository_root: ..", "repository_root: ../..")
        .replace("infra_dir: infra", "infra_dir: deploy/infra")
    )
    updated = run_cli("update", str(dest), "--set", "greeting=hi", "--pack", str(pack))
    assert updated.returncode == 0, updated.stdout + updated.stderr
    text = (app / ".github/workflows/ci.yml").read_text()
    assert 'working-directory: "deploy/infra"' in text and "echo hi" in text


def test_a_dry_run_says_where_the_ci_files_would_go_and_writes_nothing(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    pack = make_pack(tmp_path / "p", "1.0.0")
    done = run_cli("new", str(app / "infra"), "--pack", str(pack), "--defaults", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert (
        f"CI files (1) would go to the repository root {app.resolve()}: .github/workflows"
        in done.stdout
    )
    assert "     157  ../.github/workflows/ci.yml\n" in done.stdout
    assert "dry run: 3 files (+3 record files) would be written to" in done.stdout
    assert files_under(app) == {"README.md"}


def test_another_clone_updates_the_ci_files_at_its_own_root(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    pack = make_pack(app / "packs" / "svc", "1.0.0")  # recorded relative: ../packs/svc
    assert run_cli("new", str(app / "infra"), "--pack", str(pack), "--defaults").returncode == 0
    git(app, "add", "-A")
    git(app, "commit", "-qm", "scaffold")
    clone = tmp_path / "elsewhere" / "checkout"
    clone.parent.mkdir()
    git(tmp_path, "clone", "-q", str(app), str(clone))
    updated = run_cli("update", str(clone / "infra"), "--set", "greeting=hi")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "echo hi" in (clone / ".github/workflows/ci.yml").read_text()
    assert "echo hello" in (app / ".github/workflows/ci.yml").read_text()  # the original's own
    assert git(clone, "status", "--porcelain").stdout.splitlines() == [
        " M .github/workflows/ci.yml",
        " M infra/.infrascaffold/answers.yaml",
        " M infra/.infrascaffold/base.txt",
        " M infra/main.tf",
    ]


def test_update_moves_the_ci_files_of_an_old_render_to_the_root_and_back(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    dest = app / "infra"
    pack = make_pack(tmp_path / "p", "1.0.0")
    assert (
        run_cli("new", str(dest), "--pack", str(pack), "--defaults", "--no-ci-at-root").returncode
        == 0
    )
    inside = dest / ".github" / "workflows" / "ci.yml"
    inside.write_text(inside.read_text().replace("on: [push]", "on: [push, pull_request]"))
    git(app, "add", "-A")
    git(app, "commit", "-qm", "scaffold, CI files in infra/ (never run by GitHub)")

    moved = run_cli("update", str(dest), "--ci-at-root")
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert f"the CI files moved to the repository root {app.resolve()}" in moved.stdout
    at_root = (app / ".github" / "workflows" / "ci.yml").read_text()
    assert "on: [push, pull_request]" in at_root  # the team's edit moved with the file
    assert 'working-directory: "infra"' in at_root  # and the new render's path merged in
    assert not (dest / ".github" / "workflows").exists()
    assert (dest / ".github" / "CODEOWNERS").is_file()  # not an entry point: stays
    assert recorded(dest)["ci_at_root"] == {"repository_root": "..", "infra_dir": "infra"}
    assert run_cli("update", str(dest), "--check").stdout == "up to date\n"

    back = run_cli("update", str(dest), "--no-ci-at-root")
    assert back.returncode == 0, back.stdout + back.stderr
    assert f"the CI files moved back into {dest}" in back.stdout
    assert not (app / ".github").exists()
    text = inside.read_text()
    assert "on: [push, pull_request]" in text and 'working-directory: "."' in text
    assert "ci_at_root" not in recorded(dest)


def test_moving_to_the_root_refuses_a_workflow_the_team_has_there(tmp_path: Path) -> None:
    app = app_repository(tmp_path)
    dest = app / "infra"
    pack = make_pack(tmp_path / "p", "1.0.0")
    assert (
        run_cli("new", str(dest), "--pack", str(pack), "--defaults", "--no-ci-at-root").returncode
        == 0
    )
    build_file_tree(app, {".github/workflows/ci.yml": "name: the app's CI\n"})
    before = {p: p.read_bytes() for p in app.rglob("*") if p.is_file() and ".git" not in p.parts}
    moved = run_cli("update", str(dest), "--ci-at-root")
    assert moved.returncode == 2
    assert "ci.yml: exists and was not written by infrascaffold" in moved.stderr
    after = {p: p.read_bytes() for p in app.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before


def test_ci_files_the_team_moved_by_hand_are_adopted_by_ci_at_root(tmp_path: Path) -> None:
    """The issue's case: an old render's workflows moved to the root with `git mv`; a plain
    update counts them as deleted, `update --ci-at-root` takes them as the team's and merges."""
    app = app_repository(tmp_path)
    dest = app / "infra"
    pack = make_pack(tmp_path / "p", "1.0.0")
    assert (
        run_cli("new", str(dest), "--pack", str(pack), "--defaults", "--no-ci-at-root").returncode
        == 0
    )
    git(app, "add", "-A")
    git(app, "commit", "-qm", "scaffold")
    (app / ".github" / "workflows").mkdir(parents=True)
    git(app, "mv", "infra/.github/workflows/ci.yml", ".github/workflows/ci.yml")
    by_hand = app / ".github" / "workflows" / "ci.yml"
    by_hand.write_text(by_hand.read_text().replace("on: [push]", "on: [push, pull_request]"))
    plain = run_cli("update", str(dest), "--check")
    assert plain.returncode == 0  # deleted by you: left alone, never recreated in infra/
    updated = run_cli("update", str(dest), "--ci-at-root", "--set", "greeting=hi")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    text = by_hand.read_text()
    assert "on: [push, pull_request]" in text  # the team's edit
    assert "echo hi" in text and 'working-directory: "infra"' in text  # the new render's
    assert not (dest / ".github" / "workflows" / "ci.yml").exists()
    assert recorded(dest)["ci_at_root"] == {"repository_root": "..", "infra_dir": "infra"}
