"""The regions a render needs besides its environments' (data/residency.yaml `extra`).

CloudFront takes ACM certificates only from us-east-1 and publishes its metrics there (AWS ACM
user guide "Supported Regions"; CloudFront API ViewerCertificate.ACMCertificateArn), so a render
using CloudFront (the static-site compute kind, or any static service) creates its certificate,
alarms, their topic and key and its log delivery in us-east-1: the region-deny SCP must allow
it, or the first apply fails on them once the SCP is attached. GCP and Azure static front ends
need no other location: the load balancer, Cloud CDN and Front Door are global resources, which
gcp.resourceLocations does not restrict ("Restrict resource locations", Limitations) and the
built-in "Allowed locations" policy exempts (`location` notEquals `global`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest

from tests.builders import example_answers, render_answers

SCP = "bootstrap/region-deny-scp.json"
REGION_LITERAL = re.compile(r'^\s*\w*region\s*=\s*"([a-z]{2}(?:-[a-z]+)+-\d)"', re.MULTILINE)
EU = ["eu-west-1", "eu-central-1", "eu-central-1"]


def _in_europe(example: str, **overrides: Any) -> dict[str, Any]:
    """The example's answers with every environment outside us-east-1."""
    answers = {**example_answers(example), **overrides}
    envs = [
        {**env, "region": region} for env, region in zip(answers["environments"], EU, strict=False)
    ]
    return {**answers, "environments": envs}


def _kubernetes_with_a_static_service() -> dict[str, Any]:
    services = [
        {"name": "api", "kind": "http", "path": "/", "runtime": "node", "version": "22", "port": 3000,
         "health_path": "/healthz"},
        {"name": "web", "kind": "static", "runtime": "node", "version": "22"},
    ]  # fmt: skip
    return _in_europe("aws-kubernetes-canary", services=services)


CASES: dict[str, Any] = {
    "aws-services": lambda: _in_europe("aws-services"),
    "aws-static-site": lambda: _in_europe("aws-static-site"),
    "aws-kubernetes-static": _kubernetes_with_a_static_service,
    "aws-containers": lambda: _in_europe("aws-containers"),
    "aws-serverless-bluegreen": lambda: _in_europe("aws-serverless-bluegreen"),
    "aws-kubernetes-canary": lambda: _in_europe("aws-kubernetes-canary"),
}
CLOUDFRONT = {"aws-services", "aws-static-site", "aws-kubernetes-static"}


@cache
def _tree(case: str) -> dict[str, str]:
    return dict(render_answers(CASES[case]()))


def _allowed(tree: dict[str, str]) -> list[str]:
    (statement,) = json.loads(tree[SCP])["Statement"]
    regions: list[str] = statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    return regions


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_region_the_stacks_name_is_allowed_by_the_scp(case: str) -> None:
    """Each `region = "..."` of the stacks and modules (resource-level regions, the
    certificate's and alarms' regions) is one the SCP allows; us-east-1 is allowed exactly when
    CloudFront is used."""
    tree = _tree(case)
    named = {
        region
        for path, text in tree.items()
        if path.endswith(".tf") and not path.startswith("bootstrap/")
        for region in REGION_LITERAL.findall(text)
    }
    allowed = _allowed(tree)
    assert named <= set(allowed), (case, named - set(allowed))
    envs = list(dict.fromkeys(env["region"] for env in CASES[case]()["environments"]))
    assert allowed == [*envs, "us-east-1"] if case in CLOUDFRONT else envs
    assert ("us-east-1" in named) == (case in CLOUDFRONT)


def test_a_static_service_outside_us_east_1_allows_us_east_1_for_cloudfront() -> None:
    """aws-services in eu-west-1 (review s34, finding 4): the static front end's key, topic,
    alarms, certificate and log delivery are in us-east-1, so is the SCP's second region."""
    tree = dict(render_answers(example_answers("aws-services")))
    assert _allowed(tree) == ["eu-west-1", "us-east-1"]
    static = tree["static.tf"]
    for module in ("edge_secrets", "edge_observability", "svc_web_dns"):  # key, topic, certificate
        body = static.split(f'module "{module}" {{', 1)[1].split("\n}\n", 1)[0]
        assert re.search(r'^\s*(?:certificate_)?region\s*=\s*"us-east-1"$', body, re.MULTILINE), (
            module
        )
    doc = tree["docs/region-policy.md"]
    assert (
        "The environments run in eu-west-1. The cloud refuses a resource outside\neu-west-1, us-east-1,"
        in doc
    )
    assert (
        "- us-east-1: CloudFront's certificate, metrics, alarms and log delivery are there." in doc
    )
    assert "The policy allows us-east-1 to every service" in doc  # the residency cost, said
    (record,) = [p for p in tree if re.fullmatch(r"docs/adr/\d{4}-regions\.md", p)]
    assert "Regions and data residency: eu-west-1, us-east-1" in tree[record]


def test_without_cloudfront_the_docs_name_the_environments_regions_only() -> None:
    tree = _tree("aws-containers")
    doc = tree["docs/region-policy.md"]
    assert "The environments run in eu-west-1, eu-central-1 and nowhere else" in doc
    assert "us-east-1 is in the list" not in doc and "CloudFront" not in doc.split("## ")[0]


def test_a_static_site_in_us_east_1_adds_nothing() -> None:
    tree = dict(render_answers(example_answers("aws-static-site")))
    assert _allowed(tree) == ["us-east-1"]
    doc = tree["docs/region-policy.md"]
    assert "The environments run in us-east-1 and nowhere else" in doc
    assert "us-east-1 is in the list" not in doc


def test_an_overlay_keyed_on_a_compute_kind_still_adds_its_regions(tmp_path: Any) -> None:
    """`extra` keys are needs: a compute kind (as overlays wrote them before) or cloudfront."""
    from tests.builders import build_file_tree, pack_from

    root = build_file_tree(tmp_path / "eu", {
        "pack.yaml": "name: eu\nversion: 1.0.0\nextends: platform\ndata: {residency: data/residency.yaml}\n",
        "data/residency.yaml": "allowed: {aws: [], gcp: [], azure: []}\n"
                               "extra: {aws: {containers: [eu-north-1]}, gcp: {}, azure: {}}\n"
                               "aws_scp_global_actions: ['iam:*']\n",
    })  # fmt: skip
    tree = dict(render_answers(_in_europe("aws-services"), pack_from(root)))
    assert _allowed(tree) == ["eu-west-1", "eu-central-1", "eu-north-1"]
    assert "- eu-north-1: needed by the containers compute kind." in tree["docs/region-policy.md"]


@pytest.mark.parametrize(
    ("example", "policy", "key"),
    [("gcp-services", "bootstrap/region-policy.tf", "allowed_regions"),
     ("azure-services", "bootstrap/region-policy.tf", "allowed_locations")],
)  # fmt: skip
def test_gcp_and_azure_static_front_ends_need_no_other_location(
    example: str, policy: str, key: str
) -> None:
    """Their static front ends are a bucket or storage account in the environment's region
    behind a global load balancer or Front Door: the location policy lists the environments'
    regions only, and every location the render writes as a literal is `global`."""
    answers = example_answers(example)
    tree = dict(render_answers(answers))
    regions = sorted({env["region"] for env in answers["environments"]})
    assert re.search(rf"{key}\s+= \[{', '.join(json.dumps(r) for r in regions)}\]", tree[policy])
    literals = {
        value
        for path, text in tree.items()
        if path.endswith(".tf")
        for value in re.findall(r'^\s*(?:location|region)\s*=\s*"([^"$]+)"', text, re.MULTILINE)
    }
    assert literals <= {"global"}, literals
    assert "static" in {service["kind"] for service in answers["services"]}
