"""Rendering against peers on the same work: infrascaffold vs copier vs cookiecutter.

For N = 50, 500, 2,000 files, generates one synthetic template three times — an infrascaffold
pack, a copier template and a cookiecutter template, with identical Jinja content and questions —
and times `infrascaffold new --no-input`, `copier copy --defaults` and `cookiecutter --no-input`.
The files are Terraform (`.tf`), which infrascaffold parses and validates before writing; a
`.txt` row (no validation) is kept as a secondary row.

Cold: every run of every tool starts with empty caches (a fresh `XDG_CACHE_HOME`: no parse
cache, no Jinja bytecode cache, no parser tables — a user's first render of new content; copier
and cookiecutter keep none). Warm: one cache folder shared by the runs, after one uncounted run.
Runs are interleaved (run i of every tool before run i+1 of any), the median of RUNS is
reported, with the load average. copier and cookiecutter come from BENCH_VENV (`make bench`).

Run: `.venv/bin/python benchmarks/bench_render.py [RUNS] [N ...]`; `BENCH_ROWS=tf-cold,tf-warm`
(any of tf-cold, tf-warm, txt-cold) keeps only those rows.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from installed import compile_package

SIZES = (50, 500, 2000)
COPIER_YML = """\
project_name: {type: str, default: shop}
owner: {type: str, default: team}
enable_cache: {type: bool, default: true}
_templates_suffix: .jinja
"""
COOKIECUTTER_JSON = '{"project_name": "shop", "owner": "team", "enable_cache": true}\n'
TF_BODY = (
    "# File {index} of {{{{ project_name }}}}\n"
    "locals {{\n"
    '  file_{index}_owner = "{{{{ owner }}}}"\n'
    "  file_{index}_names = [\n"
    "{{% for env in ['dev', 'staging', 'prod'] %}}"
    '    "{{{{ project_name }}}}-{{{{ env }}}}-{{{{ loop.index }}}}",\n'
    "{{% endfor %}}  ]\n"
    "  file_{index}_cache = {{% if enable_cache %}}true{{% else %}}false{{% endif %}} # cache\n"
    "}}\n"
)
TXT_BODY = """\
# File {index} of {{{{ project_name }}}}
owner: {{{{ owner }}}}
{{% for env in ['dev', 'staging', 'prod'] %}}
- {{{{ env }}}}: {{{{ project_name }}}}-{{{{ env }}}} ({{{{ loop.index }}}})
{{% endfor %}}
{{% if enable_cache %}}cache: enabled{{% else %}}cache: disabled{{% endif %}}
"""
Command = Callable[[Path], list[str]]


def body(template: str, index: int, prefix: str = "") -> str:
    """One template file; `prefix` is `cookiecutter.` for cookiecutter's namespaced variables."""
    text = template.format(index=index)
    for name in ("project_name", "owner", "enable_cache"):
        text = text.replace("{ " + name, "{ " + prefix + name).replace(
            "if " + name, "if " + prefix + name
        )
    return text


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def make_templates(root: Path, n: int, suffix: str) -> dict[str, Path]:
    """The three templates of N `.tf` or `.txt` files under `root`."""
    template = TF_BODY if suffix == "tf" else TXT_BODY
    names = [f"dir{i % 20}/file{i}.{suffix}" for i in range(n)]
    pack = root / "pack"
    questions = (
        "  - {key: project_name, default: shop}\n  - {key: owner, default: team}\n"
        "  - {key: enable_cache, type: bool, default: true}\n"
    )
    write(
        pack,
        {
            "pack.yaml": f"name: bench\nversion: 1.0.0\nquestions:\n{questions}",
            **{f"files/{name}.j2": body(template, i) for i, name in enumerate(names)},
        },
    )
    copier = root / "copier"
    files = {f"{name}.jinja": body(template, i) for i, name in enumerate(names)}
    write(copier, {"copier.yml": COPIER_YML, **files})
    cookie = root / "cookiecutter"
    prefix = "{{cookiecutter.project_name}}/"
    files = {prefix + name: body(template, i, "cookiecutter.") for i, name in enumerate(names)}
    write(cookie, {"cookiecutter.json": COOKIECUTTER_JSON, **files})
    return {"pack": pack, "copier": copier, "cookiecutter": cookie}


def commands(here: Path, bench_bin: Path, t: dict[str, Path]) -> dict[str, Command]:
    """Each tool's command rendering into an output folder."""
    return {
        "infrascaffold": lambda o: [
            str(here / "infrascaffold"),
            "new",
            str(o),
            "--pack",
            str(t["pack"]),
            "--no-input",
        ],
        "copier": lambda o: [
            str(bench_bin / "copier"),
            "copy",
            "--defaults",
            "--quiet",
            str(t["copier"]),
            str(o),
        ],
        "cookiecutter": lambda o: [
            str(bench_bin / "cookiecutter"),
            "--no-input",
            "-o",
            str(o),
            str(t["cookiecutter"]),
        ],
    }


def timed(command: list[str], work: Path, cache: Path, out: Path) -> tuple[float, float, float]:
    """Wall, CPU (user + sys of the process and the children it waited for) and user seconds
    of one run; a run killed by a signal from outside (a shared machine) is run again, up to
    twice, and said so on stderr. User time is the steadiest on a busy machine: the kernel's
    time creating files grows with what the other sessions create at the same moment."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, check=False, capture_output=True, cwd=work, env=env)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode >= 0:
            done.check_returncode()
            user = after.ru_utime - before.ru_utime
            return seconds, user + after.ru_stime - before.ru_stime, user
        print(f"{command[0]} killed by signal {-done.returncode}: run again", file=sys.stderr)
        shutil.rmtree(out, ignore_errors=True)
    raise RuntimeError(f"{command[0]} was killed three times")


def interleaved(
    tools: dict[str, Command], runs: int, work: Path, warm: bool
) -> dict[str, tuple[float, float, float]]:
    """Median wall, CPU and user seconds per tool; runs interleaved across tools."""
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in tools}
    shared = work / "cache-warm"
    for i in range(runs + (1 if warm else 0)):
        for name, command in tools.items():
            out = work / f"out-{name}-{i}"
            cache = shared if warm else work / f"cache-{name}-{i}"
            seconds = timed(command(out), work, cache, out)
            if not warm or i:  # a warm series does not count its first (cache-filling) run
                times[name].append(seconds)
            shutil.rmtree(out, ignore_errors=True)
            if not warm:
                shutil.rmtree(cache, ignore_errors=True)
    return {
        name: tuple(statistics.median(v[i] for v in values) for i in range(3))  # type: ignore[misc]
        for name, values in times.items()
    }


def main() -> None:
    compile_package()  # timed as installed: see installed.py
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sizes = tuple(int(a) for a in sys.argv[2:]) or SIZES
    here = Path(sys.executable).parent
    rows = {r for r in os.environ.get("BENCH_ROWS", "").split(",") if r}
    bench_bin = Path(os.environ.get("BENCH_VENV", ".venv-bench")).resolve() / "bin"
    print(f"load before: {os.getloadavg()[0]:.2f} (1-minute average), median of {runs} runs\n")
    print(
        "| files | kind | cache | infrascaffold (s) | copier (s) | cookiecutter (s) "
        "| vs copier | vs cookiecutter | CPU s: ours / copier / cookiecutter | CPU ratios "
        "| user s: ours / copier / cookiecutter | user ratios |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    growth: dict[str, list[tuple[int, float]]] = {"cold": [], "warm": []}
    for n in sizes:
        for suffix in ("tf", "txt"):
            for state in ("cold", "warm"):
                if suffix == "txt" and state == "warm":
                    continue  # the secondary row: cold only
                if rows and f"{suffix}-{state}" not in rows:
                    continue
                with tempfile.TemporaryDirectory() as tmp:
                    work = Path(tmp)
                    tools = commands(here, bench_bin, make_templates(work, n, suffix))
                    t = interleaved(tools, runs, work, state == "warm")
                (
                    (ours, c_ours, u_ours),
                    (copier, c_copier, u_copier),
                    (cookie, c_cookie, u_cookie),
                ) = (
                    t["infrascaffold"],
                    t["copier"],
                    t["cookiecutter"],
                )
                if suffix == "tf":
                    growth[state].append((n, ours))
                print(
                    f"| {n} | .{suffix} | {state} | {ours:.3f} | {copier:.3f} | {cookie:.3f} "
                    f"| {ours / copier:.2f}× | {ours / cookie:.2f}× "
                    f"| {c_ours:.2f} / {c_copier:.2f} / {c_cookie:.2f} "
                    f"| {c_ours / c_copier:.2f}× / {c_ours / c_cookie:.2f}× "
                    f"| {u_ours:.2f} / {u_copier:.2f} / {u_cookie:.2f} "
                    f"| {u_ours / u_copier:.2f}× / {u_ours / u_cookie:.2f}× |",
                    flush=True,
                )
    print(f"\nload after: {os.getloadavg()[0]:.2f}")
    for state, points in growth.items():
        if len(points) > 1:
            (n0, t0), (n1, t1) = points[0], points[-1]
            print(
                f"infrascaffold .tf {state}: {(t1 - t0) / (n1 - n0) * 1000:.2f} ms per extra file"
            )


if __name__ == "__main__":
    main()
