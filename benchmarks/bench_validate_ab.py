"""`infrascaffold validate` of this checkout (B) against a git revision (A), runs interleaved.

For a busy shared machine, where one run's wall time says little: each repository is validated
by A and B alternately (A cold, A warm, B cold, B warm, then again), each a fresh process, and
the median CPU time (user + sys of the process and the children it waits for) and wall time
of RUNS are printed with the load average. A is `git archive REV infrascaffold` unpacked in a
temporary folder and put first on `PYTHONPATH` (this checkout's virtualenv and dependencies);
both have their bytecode written first (`installed.py`). Each run starts in `/`: from this
checkout, `-m` would import this checkout's package for A too (the working folder comes first
on `sys.path`), and both columns would time B.

Run: `.venv/bin/python benchmarks/bench_validate_ab.py REV RUNS DIR [DIR ...]`
"""

from __future__ import annotations

import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from installed import compile_package

CHECKOUT = Path(__file__).resolve().parent.parent


def export(rev: str, into: Path) -> None:
    """The package of `rev`, unpacked under `into`, with its bytecode."""
    into.mkdir(parents=True)
    archive = into / "a.tar"
    with archive.open("wb") as handle:
        command = ["git", "-C", str(CHECKOUT), "archive", rev, "infrascaffold"]
        subprocess.run(command, stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    if not compileall.compile_dir(str(into / "infrascaffold"), quiet=1):
        raise SystemExit(f"cannot compile {rev}")


def timed(pythonpath: Path, cache: Path, root: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `validate` run with `XDG_CACHE_HOME=cache`."""
    env = dict(os.environ, PYTHONPATH=str(pythonpath), XDG_CACHE_HOME=str(cache))
    command = [sys.executable, "-m", "infrascaffold", "validate", str(root), "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Not in this checkout: `-m` puts the working folder first on `sys.path`, before
    # PYTHONPATH, and A would run this checkout's package (B's) instead of its own.
    subprocess.run(command, capture_output=True, env=env, check=False, cwd="/")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def check_imports_from(pythonpath: Path) -> None:
    """Stop unless a run with `pythonpath` imports the package found there (not another copy)."""
    command = [sys.executable, "-c", "import infrascaffold; print(infrascaffold.__file__)"]
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    found = subprocess.run(command, capture_output=True, text=True, env=env, cwd="/", check=True)
    if not Path(found.stdout.strip()).is_relative_to(pythonpath):
        raise SystemExit(f"PYTHONPATH={pythonpath} imports {found.stdout.strip()}")


def measure(variants: dict[str, Path], root: Path, runs: int, work: Path) -> dict[str, list]:
    results: dict[str, list[tuple[float, float]]] = {}
    for name, path in variants.items():
        timed(path, work / f"{name}-warm", root)  # fills the warm cache
    for _ in range(runs):
        for name, path in variants.items():
            shutil.rmtree(work / f"{name}-cold", ignore_errors=True)
            results.setdefault(f"{name} cold", []).append(timed(path, work / f"{name}-cold", root))
            results.setdefault(f"{name} warm", []).append(timed(path, work / f"{name}-warm", root))
    return results


def main() -> None:
    compile_package()
    rev, runs, roots = sys.argv[1], int(sys.argv[2]), [Path(arg).resolve() for arg in sys.argv[3:]]
    print(f"load before: {os.getloadavg()[0]:.2f}; A = {rev}, B = this checkout; median of {runs}")
    print("\n| repository | run | A CPU s | B CPU s | B/A CPU | A wall s | B wall s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        export(rev, work / "a")
        variants = {"A": work / "a", "B": CHECKOUT}
        for path in variants.values():
            check_imports_from(path)
        for root in roots:
            results = measure(variants, root, runs, work / root.name)
            for run in ("cold", "warm"):
                (a_wall, a_cpu), (b_wall, b_cpu) = (
                    (
                        statistics.median(w for w, _ in results[f"{v} {run}"]),
                        statistics.median(c for _, c in results[f"{v} {run}"]),
                    )
                    for v in variants
                )
                print(
                    f"| {root.name} | {run} | {a_cpu:.3f} | {b_cpu:.3f} | {b_cpu / a_cpu:.2f} |"
                    f" {a_wall:.3f} | {b_wall:.3f} |",
                    flush=True,
                )
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
