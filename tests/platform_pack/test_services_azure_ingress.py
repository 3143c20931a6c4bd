"""Azure Container Apps behind Front Door (issue 25): what keeps a request from bypassing Front
Door, and what the docs say about the host names that stay public.

Facts pinned here:
- Container Apps ingress filters by IP range only (azurerm 4.55 `ingress.ip_security_restriction`:
  action, description, ip_address_range, name): no service tag and no header match, the open
  request microsoft/azure-container-apps#120; Front Door's ranges admit every profile
  (microsoft/azure-container-apps#471), so they are not used.
- Front Door sends its profile's ID (`azurerm_cdn_frontdoor_profile.resource_guid`) in the
  `X-Azure-FDID` header of every request to an origin (learn.microsoft.com, Front Door origin
  security): each http service receives it as FRONT_DOOR_ID to compare.
- Front Door Premium's Private Link to a Container Apps environment needs the environment's public
  network access disabled (hashicorp/terraform-provider-azurerm#30833) and an approved private
  endpoint connection (Front Door Private Link docs): not built, and the docs say so.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from tests import terraform_checks as tc
from tests.builders import example_answers, render_answers

ORDERS = {"name": "orders", "kind": "http", "path": "/orders", "runtime": "go", "version": "1.24",
          "port": 8090, "health_path": "/ready"}  # fmt: skip
FD_ID = re.compile(r"^\s+FRONT_DOOR_ID\s+= module\.frontdoor\.profile_resource_guid$", re.M)


@cache
def _render(example: str, extra_http: bool = False, domain: str | None = None) -> dict[str, str]:
    answers: dict[str, Any] = copy.deepcopy(example_answers(example))
    if extra_http:
        answers["services"] = [*answers["services"], ORDERS]
    if domain is not None:  # a protected environment needs a domain: none is protected then
        answers["domain"] = domain
        answers["environments"] = [{**env, "protected": False} for env in answers["environments"]]
    return dict(render_answers(answers))


def _module(text: str, label: str) -> str:
    found = re.search(rf'^module "{re.escape(label)}" \{{\n(.*?)^\}}', text, re.M | re.S)
    assert found, f"no module {label}"
    return found.group(1)


def test_container_apps_ingress_cannot_filter_on_a_header_or_service_tag() -> None:
    schema = tc.provider_schema("azurerm")["resources"]["azurerm_container_app"]
    restriction = schema["ingress"]["block"]["ip_security_restriction"]["block"]
    assert set(restriction) == {"action", "description", "ip_address_range", "name"}


def test_every_http_service_gets_the_front_door_id_and_no_worker_or_job_does() -> None:
    tree = _render("azure-services", extra_http=True)
    assert FD_ID.search(_module(tree["app.tf"], "app"))  # the primary, api
    assert FD_ID.search(_module(tree["services.tf"], "svc_orders"))
    for label in ("svc_worker", "svc_nightly"):
        assert not FD_ID.search(_module(tree["services.tf"], label))
    guid = tree["modules/frontdoor/outputs.tf"]
    assert "value       = azurerm_cdn_frontdoor_profile.this.resource_guid" in guid


def test_single_service_gets_it_only_when_front_door_fronts_it() -> None:
    with_domain = _render("azure-containers")
    assert FD_ID.search(_module(with_domain["app.tf"], "app"))
    without = _render("azure-containers", domain="")
    assert 'module "frontdoor"' not in without["app.tf"]
    assert "FRONT_DOOR_ID" not in without["app.tf"]
    assert "**Ingress.**" not in without["docs/INFRASTRUCTURE.md"]


def test_the_docs_say_the_host_names_are_public_and_private_link_is_not_built() -> None:
    tree = _render("azure-services")
    security = tree["docs/INFRASTRUCTURE.md"]
    bullet = security[security.index("- **Ingress.**") :]
    bullet = bullet[: bullet.index("\n- ") if "\n- " in bullet else None]
    assert "public HTTPS host name of its own" in bullet
    assert "microsoft/azure-container-apps#120" in bullet
    assert "`X-Azure-FDID`" in bullet
    assert "not built" in bullet
    layout = tree["docs/azure-layout.md"]
    assert "Those host names are public, beside Front Door" in layout
    assert "hashicorp/terraform-provider-azurerm#30833" in layout
    # The Container Apps keep external ingress: nothing pretends they are private.
    service = tree["modules/container-app-service/main.tf"]
    assert "external_enabled           = true" in service
