"""Rendering against peers on the same work: infrascaffold vs copier vs cookiecutter.

For N = 50, 500, 2,000 files, generates one synthetic template three times — an infrascaffold
pack, a copier template and a cookiecutter template, with identical Jinja content and questions —
then times `infrascaffold new --no-input`, `copier copy --defaults` and `cookiecutter --no-input`
(median of RUNS runs each) and prints a Markdown table with each ratio, plus the growth of
infrascaffold's time with N. copier and cookiecutter run from a separate environment (BENCH_VENV,
made by `make bench`).

Run: `.venv/bin/python benchmarks/bench_render.py [RUNS]`
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZES = (50, 500, 2000)
COPIER_YML = """\
project_name: {type: str, default: shop}
owner: {type: str, default: team}
enable_cache: {type: bool, default: true}
_templates_suffix: .jinja
"""
COOKIECUTTER_JSON = '{"project_name": "shop", "owner": "team", "enable_cache": true}\n'
BODY = """\
# File {index} of {{{{ project_name }}}}
owner: {{{{ owner }}}}
{{% for env in ['dev', 'staging', 'prod'] %}}
- {{{{ env }}}}: {{{{ project_name }}}}-{{{{ env }}}} ({{{{ loop.index }}}})
{{% endfor %}}
{{% if enable_cache %}}cache: enabled{{% else %}}cache: disabled{{% endif %}}
"""


def body(index: int, prefix: str = "") -> str:
    """One template file; `prefix` is `cookiecutter.` for cookiecutter's namespaced variables."""
    text = BODY.format(index=index)
    for name in ("project_name", "owner", "enable_cache"):
        text = text.replace(name, prefix + name)
    return text


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def make_templates(root: Path, n: int) -> dict[str, Path]:
    """The three templates of N files under `root`."""
    pack = root / "pack"
    write(
        pack,
        {
            "pack.yaml": "name: bench\nversion: 1.0.0\nquestions:\n"
            "  - {key: project_name, default: shop}\n  - {key: owner, default: team}\n"
            "  - {key: enable_cache, type: bool, default: true}\n",
            **{f"files/dir{i % 20}/file{i}.txt.j2": body(i) for i in range(n)},
        },
    )
    copier = root / "copier"
    write(
        copier,
        {
            "copier.yml": COPIER_YML,
            **{f"dir{i % 20}/file{i}.txt.jinja": body(i) for i in range(n)},
        },
    )
    cookie = root / "cookiecutter"
    write(
        cookie,
        {
            "cookiecutter.json": COOKIECUTTER_JSON,
            **{
                f"{{{{cookiecutter.project_name}}}}/dir{i % 20}/file{i}.txt": body(
                    i, "cookiecutter."
                )
                for i in range(n)
            },
        },
    )
    return {"pack": pack, "copier": copier, "cookiecutter": cookie}


def _commands(here: Path, bench_bin: Path, t: dict[str, Path]) -> list[Callable[[Path], list[str]]]:
    """The three tools' commands rendering into an output folder."""
    return [
        lambda o: [
            str(here / "infrascaffold"),
            "new",
            str(o),
            "--pack",
            str(t["pack"]),
            "--no-input",
        ],
        lambda o: [
            str(bench_bin / "copier"),
            "copy",
            "--defaults",
            "--quiet",
            str(t["copier"]),
            str(o),
        ],
        lambda o: [
            str(bench_bin / "cookiecutter"),
            "--no-input",
            "-o",
            str(o),
            str(t["cookiecutter"]),
        ],
    ]


def median_time(run: Callable[[Path], list[str]], runs: int, work: Path) -> float:
    times = []
    for i in range(runs + 1):  # the first run warms caches and is not counted
        out = work / f"out{i}"
        start = time.perf_counter()
        subprocess.run(run(out), check=True, capture_output=True, cwd=work)
        if i:
            times.append(time.perf_counter() - start)
        shutil.rmtree(out, ignore_errors=True)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    here = Path(sys.executable).parent
    bench_bin = Path(os.environ.get("BENCH_VENV", ".venv-bench")).resolve() / "bin"
    print(
        "| files | infrascaffold (s) | copier (s) | cookiecutter (s) "
        "| vs copier | vs cookiecutter |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    growth = []
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            t = make_templates(work, n)
            commands = _commands(here, bench_bin, t)
            ours, copier, cookie = (median_time(c, runs, work) for c in commands)
        growth.append((n, ours))
        print(
            f"| {n} | {ours:.3f} | {copier:.3f} | {cookie:.3f} | {ours / copier:.2f}× "
            f"| {ours / cookie:.2f}× |"
        )
    (n0, t0), (n1, t1) = growth[0], growth[-1]
    slope = (t1 - t0) / (n1 - n0) * 1000
    print(
        f"\ninfrascaffold growth: {slope:.2f} ms per extra file between N={n0} and N={n1} "
        f"({'linear' if t1 / t0 <= 1.5 * n1 / n0 else 'WORSE THAN LINEAR'})"
    )


if __name__ == "__main__":
    main()
