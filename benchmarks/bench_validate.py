"""`infrascaffold validate` on a synthetic 1,000-file / 3 MB Terraform tree: cold and warm.

Run: `.venv/bin/python benchmarks/bench_validate.py [RUNS]` (default 3 runs each); prints a
Markdown table with wall times and the CPU time of all processes (a busy machine stretches the
first, not the second). Each run is a fresh `infrascaffold validate DIR` process with its own
XDG_CACHE_HOME: "first ever" and "cold" both start from an empty cache (no parser tables are
built any more: HashiCorp's parser and the token scan need none), "warm" re-validates the
unchanged tree. Targets (2 cores):
cold < 10 s, warm < 1 s.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from installed import compile_package  # noqa: E402 - the folder is not a package
from synthetic_tree import synthetic_tree, write_tree  # noqa: E402 - the folder is not a package

TARGETS = {"cold": 10.0, "warm": 1.0}


def run_validate(tree_dir: Path, cache_home: Path) -> tuple[float, float]:
    """Wall and CPU seconds (all processes) of one `infrascaffold validate`; fails unless the
    tree is clean."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    command = [sys.executable, "-m", "infrascaffold", "validate", str(tree_dir)]
    cpu_before = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"validate failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return elapsed, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    compile_package()  # timed as installed: see installed.py
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    tree = synthetic_tree()
    size = sum(len(text.encode("utf-8")) for text in tree.values())
    with tempfile.TemporaryDirectory() as tmp:
        tree_dir, cache_home = Path(tmp, "repo"), Path(tmp, "cache")
        write_tree(tree_dir, tree)
        times: dict[str, list[tuple[float, float]]] = {
            "first ever": [run_validate(tree_dir, cache_home)]
        }
        parse_cache = cache_home / "infrascaffold" / "parse"
        times["cold"] = []
        for _ in range(runs):
            shutil.rmtree(parse_cache)
            times["cold"].append(run_validate(tree_dir, cache_home))
        times["warm"] = [run_validate(tree_dir, cache_home) for _ in range(runs)]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"Tree: {len(tree)} files, {size / 1e6:.2f} MB; {cpus} cores.\n")
    print("| run | runs | median (s) | min (s) | max (s) | CPU, median (s) | target |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, results in times.items():
        print(_row(name, results))


def _row(name: str, results: list[tuple[float, float]]) -> str:
    walls = [wall for wall, _ in results]
    median = statistics.median(walls)
    cpu = statistics.median(cpu for _, cpu in results)
    target = TARGETS.get(name)
    verdict = (
        "-" if target is None else f"{target:.0f} s: " + ("meets" if median < target else "MISSES")
    )
    return (
        f"| {name} | {len(walls)} | {median:.2f} | {min(walls):.2f} | {max(walls):.2f} "
        f"| {cpu:.2f} | {verdict} |"
    )


if __name__ == "__main__":
    main()
