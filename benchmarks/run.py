"""`make bench`: every benchmark in turn, each printing its Markdown table (under 5 minutes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    ("CLI start-up", "bench_help.py", "20"),
    ("Rendering against copier and cookiecutter", "bench_render.py", "5"),
    ("End to end: new and update of the largest render", "bench_pipeline.py", "3"),
    ("Validation, cold and warm", "bench_validate.py", "3"),
)


def main() -> None:
    for title, script, runs in SCRIPTS:
        print(f"\n## {title}\n", flush=True)
        subprocess.run([sys.executable, str(HERE / script), runs], check=True)


if __name__ == "__main__":
    main()
