"""A cold `infrascaffold validate` with HashiCorp's verdicts on a thread beside the scan, and
without (`hcl_judge.OVERLAP_MIN_FILES` raised), same code, runs interleaved.

Each run is a fresh process with an empty `XDG_CACHE_HOME`; the table gives the median wall,
user and system seconds of RUNS per tree and variant, with the load average before and after
(a thread only shortens the wall time when a core is idle; read the load).

Run: `.venv/bin/python benchmarks/bench_validate_overlap.py RUNS DIR [DIR ...]`
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

RUN = (
    "import sys\nfrom infrascaffold.validate import hcl_judge\n"
    "if sys.argv.pop(1) == 'alone':\n    hcl_judge.OVERLAP_MIN_FILES = 10**9\n"
    "from infrascaffold.cli import main\nmain()\n"
)
VARIANTS = ("thread", "alone")


def timed(variant: str, root: Path, cache: Path) -> tuple[float, float, float]:
    """Wall, user and system seconds of one cold run."""
    shutil.rmtree(cache, ignore_errors=True)
    command = [sys.executable, "-c", RUN, variant, "validate", str(root), "--format", "json"]
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, env=env, check=False, cwd="/")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main() -> None:
    compile_package()
    runs, roots = int(sys.argv[1]), [Path(arg).resolve() for arg in sys.argv[2:]]
    print(f"load before: {os.getloadavg()[0]:.2f}, median of {runs} cold runs\n")
    print("| repository | run | wall s | user s | sys s |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for root in roots:
            times: dict[str, list[tuple[float, float, float]]] = {v: [] for v in VARIANTS}
            for _ in range(runs):
                for variant in VARIANTS:
                    times[variant].append(timed(variant, root, Path(tmp) / "cache"))
            for variant in VARIANTS:
                wall, user, system = (
                    statistics.median(t[i] for t in times[variant]) for i in range(3)
                )
                print(f"| {root.name} | {variant} | {wall:.3f} | {user:.3f} | {system:.3f} |")
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
