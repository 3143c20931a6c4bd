"""The built-in example: the first `new` ever on a machine, a warm `new`, and `--help`.

`infrascaffold new DEST --example aws-containers --no-input` in fresh processes: "first ever"
with an empty `XDG_CACHE_HOME` each run (no parse cache, no compiled templates: a fresh
install), "warm" with one cache folder filled by an uncounted run. Runs are interleaved
(first ever, warm, `--help`, then again). Prints wall and CPU seconds (user + sys of the
process and the children it waited for: steadier than wall time on a shared machine) and the
load average. Goals (issue 22): first ever < 2 s, warm < 1 s, `--help` < 0.3 s.

Run: `.venv/bin/python benchmarks/bench_example.py [RUNS]`
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from time import perf_counter

from installed import compile_package

GOALS = {"first ever (no cache at all)": 2.0, "warm": 1.0, "--help": 0.3}


def timed(argv: list[str], cache: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = perf_counter()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    subprocess.run(argv, check=True, capture_output=True, env=env)
    wall = perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    compile_package()  # timed as installed: see installed.py
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    exe = str(Path(sys.executable).with_name("infrascaffold"))
    rows: dict[str, list[tuple[float, float]]] = {name: [] for name in GOALS}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        warm = work / "cache-warm"
        new = [exe, "new", "--example", "aws-containers", "--no-input"]
        for i in range(runs + 1):  # the first round only fills the warm cache
            cold = work / f"cache-{i}"
            first = timed([*new[:2], str(work / f"a{i}"), *new[2:]], cold)
            again = timed([*new[:2], str(work / f"b{i}"), *new[2:]], warm)
            helped = timed([exe, "--help"], warm)
            for path in (cold, work / f"a{i}", work / f"b{i}"):
                shutil.rmtree(path, ignore_errors=True)
            if i:
                for name, value in zip(rows, (first, again, helped), strict=True):
                    rows[name].append(value)
    print(f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after, {runs} runs each\n")
    print("| run | wall (s), sorted | CPU user+sys (s), sorted | median CPU | goal |")
    print("| --- | --- | --- | --- | --- |")
    for name, values in rows.items():
        walls = " / ".join(f"{w:.2f}" for w in sorted(w for w, _ in values))
        cpus = " / ".join(f"{c:.2f}" for c in sorted(c for _, c in values))
        median_wall = statistics.median(w for w, _ in values)
        median_cpu = statistics.median(c for _, c in values)
        verdict = "meets" if median_wall < GOALS[name] else "MISSES"
        print(
            f"| {name} | {walls} | {cpus} | {median_cpu:.2f} "
            f"| < {GOALS[name]:g} s: {verdict} (median wall {median_wall:.2f}) |"
        )


if __name__ == "__main__":
    main()
