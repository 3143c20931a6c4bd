"""The `gate_path` filter (templating/services.py): what the deploy gate asks the load balancer."""

from __future__ import annotations

import pytest

from infrascaffold.templating.environment import make_environment
from infrascaffold.templating.services import gate_path


@pytest.mark.parametrize(
    ("path", "health", "asked"),
    [
        ("/", "/healthz", "/healthz"),  # the service at / is asked its health path
        (None, "/", "/"),  # a record without a path (serverless) is at /
        ("/api", "/healthz", "/api/healthz"),  # no load balancer strips /api
        ("/api", "/api/healthz", "/api/healthz"),  # already under the prefix: as it is
        ("/api", "/apihealth", "/api/apihealth"),  # a mere string prefix is not under /api
        ("/api/v1", "/", "/api/v1/"),
    ],
)
def test_the_gate_asks_the_health_path_under_the_services_prefix(
    path: str | None, health: str, asked: str
) -> None:
    service = {"name": "api", "health_path": health} | ({"path": path} if path else {})
    assert gate_path(service) == asked


def test_templates_reach_it_as_a_filter() -> None:
    template = make_environment().from_string("{{ svc | gate_path }}")
    assert template.render(svc={"path": "/api", "health_path": "/healthz"}) == "/api/healthz"
