"""CLI start-up: median wall time of `infrascaffold --help` (target < 0.3 s).

Run: `.venv/bin/python benchmarks/bench_help.py [RUNS]`; prints a Markdown table row.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from installed import compile_package


def time_command(argv: list[str], runs: int) -> list[float]:
    """Wall times of `runs` executions of argv (after one warm-up run)."""
    subprocess.run(argv, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    compile_package()  # timed as installed: see installed.py
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    exe = shutil.which("infrascaffold") or str(Path(sys.executable).with_name("infrascaffold"))
    times = time_command([exe, "--help"], runs)
    median = statistics.median(times)
    verdict = "meets" if median < 0.3 else "MISSES"
    print("| command | runs | median (s) | min (s) | max (s) | target 0.3 s |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(
        f"| infrascaffold --help | {runs} | {median:.3f} | {min(times):.3f} | {max(times):.3f} "
        f"| {verdict} |"
    )


if __name__ == "__main__":
    main()
