"""What each install mode ships and whether the built-in pack survives it."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from infrascaffold.pack.model import is_build_dropping
from tests.e2e.conftest import Installed

SERVERLESS = ("aws-serverless-bluegreen",)
PLACEHOLDERS = (
    "infrascaffold/templates/platform/files/aws/modules/lambda-api/placeholder.py.tftpl",
    "infrascaffold/templates/platform/files/gcp/modules/function-api/placeholder/main.py.tftpl",
)
# A .py file the pack renders as is (pip byte-compiles it when it installs the wheel).
PY_TEMPLATE = "infrascaffold/templates/platform/files/common/scripts/dora_metrics.py"


def test_the_wheel_ships_packs_and_examples_and_no_droppings(installed: Installed) -> None:
    names = [
        n for n in zipfile.ZipFile(installed.wheel).namelist() if n.startswith("infrascaffold/")
    ]
    assert not [n for n in names if is_build_dropping(n)]
    assert set(PLACEHOLDERS) <= set(names)
    assert "infrascaffold/templates/platform/pack.yaml" in names
    assert "infrascaffold/examples/answers/aws-containers.yml" in names


def test_the_sdist_holds_what_the_wheel_is_built_from(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {
        "pyproject.toml",
        "templates/platform/pack.yaml",
        "examples/answers/gcp-containers.yml",
    } <= names
    assert not [n for n in names if is_build_dropping(n)]


def test_a_plain_install_compiles_the_templates_and_still_renders_serverless(
    installed: Installed, work: Path
) -> None:
    where = installed.run("--version", cwd=work)
    assert where.returncode == 0 and "infrascaffold, version" in where.stdout
    site = next((installed.venv / "lib").glob("python3*/site-packages"))
    # pip byte-compiled the pack's .py templates: the case that used to break the loader.
    assert list((site / PY_TEMPLATE).parent.glob("__pycache__/dora_metrics.*.pyc"))
    direct_url = next(site.glob("infrascaffold-*.dist-info")) / "direct_url.json"
    assert not direct_url.exists() or '"editable": true' not in direct_url.read_text()
    # (The render matrix renders serverless on every cloud from this install.)
    result = installed.run("new", "fn", "--example", SERVERLESS[0], "--no-input", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "fn" / "modules" / "lambda-api" / "placeholder.py.tftpl").is_file()
    assert (work / "fn" / "scripts" / "dora_metrics.py").is_file()
    assert not list((work / "fn").rglob("*.pyc"))


def test_a_no_compile_install_renders_serverless(installed: Installed, work: Path) -> None:
    target = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "-q",
            "install",
            "--no-compile",
            "--no-deps",
            "--target",
            str(target),
            str(installed.wheel),
        ],
        check=True,
    )
    assert not list(target.rglob("*.pyc"))
    # The virtualenv's dependencies, this uncompiled copy of infrascaffold first on the path.
    env = installed.env(PYTHONPATH=str(target))
    probe = "import infrascaffold, sys; print(infrascaffold.__file__)"
    found = subprocess.run(
        [str(installed.python), "-c", probe],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.startswith(str(target))
    for example in SERVERLESS:
        result = subprocess.run(
            [
                str(installed.python),
                "-m",
                "infrascaffold",
                "new",
                "fn",
                "--example",
                example,
                "--no-input",
            ],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_an_editable_install_renders_serverless(installed: Installed, work: Path) -> None:
    # The contributors' .venv is an editable install of this checkout (`make`).
    exe = Path(sys.executable).with_name("infrascaffold")
    info = subprocess.run(
        [sys.executable, "-m", "pip", "show", "--files", "infrascaffold"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Editable project location" in info.stdout
    result = subprocess.run(
        [str(exe), "new", "fn", "--example", SERVERLESS[0], "--no-input"],
        cwd=work,
        env=installed.env(PATH=f"{exe.parent}:/usr/bin:/bin"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_an_extending_pack_lints_against_the_installed_base(
    installed: Installed, work: Path
) -> None:
    # `template init --extends platform` reads the compiled built-in pack as its base.
    assert (
        installed.run("template", "init", "acme", "--extends", "platform", cwd=work).returncode == 0
    )
    result = installed.run("template", "lint", "acme", "--max-renders", "2", cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("0 error(s), 0 warning(s)\n")
    assert installed.run("template", "test", "acme", cwd=work).returncode == 0


def help_examples(installed: Installed, *command: str) -> list[str]:
    """The command lines under `Example:` in a command's --help."""
    text = installed.run(*command, "--help", cwd=installed.venv).stdout
    lines = text.split("Example:", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ").splitlines()
    return [" ".join(line.split()) for line in lines if line.strip().startswith("infrascaffold ")]


def test_help_examples_work_from_the_installed_wheel(installed: Installed, work: Path) -> None:
    script = [
        *help_examples(installed),  # new infra/ --example aws-containers --no-input
        *help_examples(installed, "validate"),
        *help_examples(installed, "diagram"),
        *help_examples(installed, "update")[:1],
        "infrascaffold update infra/ --check",
    ]
    assert script[0] == "infrascaffold new infra/ --example aws-containers --no-input"
    for line in script:
        result = subprocess.run(
            ["bash", "-c", line],
            cwd=work,
            env=installed.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
    assert (work / "architecture.mmd").read_text().startswith("flowchart")
    assert "qa" in json.dumps(list((work / "infra" / "environments").iterdir()), default=str)
    assert shlex.split(script[0])[0] == "infrascaffold"
