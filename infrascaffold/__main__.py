from __future__ import annotations

from infrascaffold.cli import main

main()
