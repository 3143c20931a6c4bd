"""`infrascaffold validate` on real repositories against `terraform fmt` and the raw parsers.

For each folder given, five tools read the same tree, each as a fresh process, runs interleaved
(run i of every tool before run i+1), median of RUNS:

- `validate` cold: an empty `XDG_CACHE_HOME` (no parse cache; nothing is built on a first run,
  so this is also the first run ever on a machine);
- `validate` warm: the same tree again with the cache of an earlier run;
- `terraform fmt -check -recursive` (its exit code is ignored: it only has to read everything);
- python-hcl2 (`hcl2.loads` of every `.tf`/`.tfvars`; the parser validate used for its model
  until the token scan) and pygohcl (`pygohcl.loads`), which only parse.

Speeds are MB of `.tf`, `.tf.json`, `.tfvars` and `.hcl` text per second. The load average is
printed before and after.

Run: `.venv/bin/python benchmarks/bench_validate_repos.py RUNS DIR [DIR ...]`
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
from pathlib import Path

from installed import compile_package

SUFFIXES = (".tf", ".tf.json", ".tfvars", ".hcl")
PARSE = """\
import sys
from pathlib import Path
import {module}
for path in Path(sys.argv[1]).rglob("*"):
    if path.suffix in (".tf", ".tfvars") and ".terraform" not in path.parts:
        try:
            {module}.loads(path.read_text(encoding="utf-8"))
        except Exception:
            pass
"""


def hcl_megabytes(root: Path) -> float:
    total = sum(
        p.stat().st_size for p in root.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES)
    )
    return total / 1e6


def tools(root: Path, work: Path) -> dict[str, tuple[list[str], Path | None]]:
    """name → (command, cache folder or None); a cold cache folder is emptied before each run."""
    here = Path(sys.executable).parent
    validate = [str(here / "infrascaffold"), "validate", str(root), "--format", "json"]
    return {
        "validate cold": (validate, work / "cold"),
        "validate warm": (validate, work / "warm"),
        "terraform fmt": (["terraform", "fmt", "-check", "-recursive", str(root)], None),
        "python-hcl2": ([sys.executable, "-c", PARSE.format(module="hcl2"), str(root)], None),
        "pygohcl": ([sys.executable, "-c", PARSE.format(module="pygohcl"), str(root)], None),
    }


def timed(command: list[str], cache: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys of the process and the children it waits for: not the
    parse pool's workers, which a fork server starts) of one run."""
    env = dict(os.environ)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def measure(root: Path, runs: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        commands = tools(root, work)
        timed(commands["validate warm"][0], work / "warm")  # fills the warm cache
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (command, cache) in commands.items():
                if name == "validate cold" and cache is not None:
                    shutil.rmtree(cache, ignore_errors=True)
                times[name].append(timed(command, cache))
        return {
            name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
            for name, values in times.items()
        }


def main() -> None:
    compile_package()  # timed as installed: see installed.py
    runs = int(sys.argv[1])
    roots = [Path(arg) for arg in sys.argv[2:]]
    print(f"load before: {os.getloadavg()[0]:.2f} (1-minute average), median of {runs} runs\n")
    names = list(tools(Path(), Path()))
    print(
        "wall s (MB/s), then CPU s (MB per CPU second); CPU counts the process and the children"
        " it waits for\n"
    )
    print("| repository | MB | " + " | ".join(f"{n} s (MB/s)" for n in names) + " |")
    print("| --- | --- |" + " --- |" * len(names))
    for root in roots:
        size = hcl_megabytes(root)
        result = measure(root, runs)
        cells = " | ".join(
            f"{w:.2f} ({size / w:.2f}); CPU {c:.2f} ({size / c:.2f})"
            for w, c in (result[n] for n in names)
        )
        print(f"| {root.name} | {size:.2f} | {cells} |", flush=True)
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
