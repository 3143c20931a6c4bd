"""The `gate_path` filter: the path a deploy gate asks for through the load balancer.

No load balancer strips a path prefix: a service routed at /api receives /api/.... Its health
path is asked as it is when it already lies under the prefix (/api/healthz), else under the
prefix (/api + /healthz); a service at / is asked its health path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def gate_path(service: Mapping[str, Any]) -> str:
    """The path, under the load balancer's host, that checks `service` (a `services` record)."""
    prefix = str(service.get("path") or "/").rstrip("/")
    health = str(service["health_path"])
    if not prefix or health.startswith(prefix + "/"):
        return health
    return prefix + health


FILTERS = {"gate_path": gate_path}
