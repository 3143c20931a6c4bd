"""Which environment serves the apex `domain`: the last protected one (prod), so that adding an
environment after prod in promotion order (`infrascaffold env add qa`, whose default is last)
never moves prod's domain, zone or certificate to the new environment."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from tests.builders import example_answers, render_answers

IDS = {"aws": ("account_id", "444444444444"), "gcp": ("project_id", "shop-qa-4242")}


def with_qa_after_prod(example: str) -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(example))
    qa = {**answers["environments"][0], "name": "qa", "cidr": "10.40.0.0/16", "protected": False}
    key, value = IDS.get(
        answers["cloud"], ("subscription_id", "44444444-4444-4444-4444-444444444444")
    )
    if key in qa:
        qa[key] = value
    answers["environments"].append(qa)
    return answers


def tfvar(text: str, name: str) -> str:
    match = re.search(rf'^{name}\s*=\s*"([^"]*)"', text, re.M)
    assert match, name
    return match.group(1)


@pytest.mark.parametrize(
    ("example", "var"),
    [("aws-containers", "domain_name"), ("gcp-containers", "domain_name"),
     ("azure-containers", "domain_name")],
)  # fmt: skip
def test_an_environment_added_after_prod_takes_a_subdomain(example: str, var: str) -> None:
    answers = with_qa_after_prod(example)
    tree = render_answers(answers)
    domain = answers["domain"]
    assert tfvar(tree["environments/prod.tfvars"], var) == domain
    assert tfvar(tree["environments/qa.tfvars"], var) == f"qa.{domain}"
    assert f"qa.{domain}" in tree["docs/runbooks/bootstrap.md"]


def test_aws_delegates_the_new_subdomain_from_prods_zone() -> None:
    tree = render_answers(with_qa_after_prod("aws-containers"))
    ci = tree["bootstrap/ci.tf"]
    assert 'resource "aws_route53_record" "delegate_qa"' in ci
    assert 'resource "aws_route53_record" "delegate_prod"' not in ci
    block = ci.split('"delegate_qa" {', 1)[1].split("\n}", 1)[0]
    assert "provider = aws.prod" in block
    assert "module.account_prod.dns_zone_id" in block
