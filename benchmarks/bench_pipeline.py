"""End to end on the largest built-in render: `new`, then `update` without and with edits.

The largest render: 10 environments, kubernetes + postgres + redis, canary, GitHub Actions.
Times `infrascaffold new` (validation included), then `update` with no change, then `update`
after editing 100 generated files (a comment line appended to each). Medians of RUNS runs;
targets: `new` < 2 s, `update` of the edited folder ≤ 1 s (issue 22).

Run: `.venv/bin/python benchmarks/bench_pipeline.py [RUNS]`
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

import yaml
from installed import compile_package

ANSWERS = {
    "project_name": "bench",
    "owner": "platform-team",
    "cloud": "aws",
    "compute": "kubernetes",
    "database": "postgres",
    "cache": "redis",
    "ci": "github-actions",
    "repository": "acme/bench",
    "deploy_strategy": "canary",
    "domain": "bench.example.com",
    "alert_email": "ops@example.com",
    "aws_state_account_id": "999999999999",
    "environments": [
        {
            "name": f"env{i}",
            "region": "eu-west-1",
            "cidr": f"10.{10 + i}.0.0/16",
            "size": ["small", "medium", "large"][i % 3],
            "account_id": f"{100000000000 + i}",
            "protected": i >= 8,
            "runner": f"env{i}-network" if i >= 8 else "",
        }
        for i in range(10)
    ],
}


COMMENTS = {
    ".tf": "# edited by the team\n",
    ".tfvars": "# edited by the team\n",
    ".hcl": "# edited by the team\n",
    ".yml": "# edited by the team\n",
    ".md": "\n<!-- edited by the team -->\n",
}


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys of the process and the children it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu


def edit_files(dest: Path, count: int) -> int:
    """Append a comment to `count` generated files."""
    edited = 0
    for path in sorted(dest.rglob("*")):
        if edited == count:
            break
        if ".infrascaffold" in path.parts or not path.is_file():
            continue
        comment = COMMENTS.get(path.suffix)
        if comment:
            path.write_text(path.read_text() + comment)
            edited += 1
    return edited


def main() -> None:
    compile_package()  # timed as installed: see installed.py
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    exe = str(Path(sys.executable).with_name("infrascaffold"))
    load = os.getloadavg()[0]
    rows: dict[str, list[tuple[float, float]]] = {
        "new (validated)": [],
        "update, no change": [],
        "update, 100 edited files": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        answers = Path(tmp, "answers.yml")
        answers.write_text(yaml.safe_dump(ANSWERS))
        for i in range(runs + 1):  # the first round warms the caches and is not counted
            dest = Path(tmp, f"infra{i}")
            new = timed([exe, "new", str(dest), "--answers", str(answers), "--no-input"])
            same = timed([exe, "update", str(dest)])
            edited = edit_files(dest, 100)
            assert edited == 100, edited
            merged = timed([exe, "update", str(dest), "--set", "deploy_strategy=blue-green"])
            if i:
                for key, value in zip(rows, (new, same, merged), strict=True):
                    rows[key].append(value)
            shutil.rmtree(dest)
    print(f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after\n")
    print(
        "| operation (10 environments, kubernetes + postgres + redis, canary) "
        "| runs | median wall (s) | median CPU (s) | target |"
    )
    print("| --- | --- | --- | --- | --- |")
    for key, values in rows.items():
        median = statistics.median(wall for wall, _ in values)
        cpu = statistics.median(cpu for _, cpu in values)
        limit = {"new (validated)": 2.0, "update, 100 edited files": 1.0}.get(key)
        target = f"{limit:g} s: {'meets' if median <= limit else 'MISSES'}" if limit else ""
        print(f"| {key} | {runs} | {median:.2f} | {cpu:.2f} | {target} |")


if __name__ == "__main__":
    main()
