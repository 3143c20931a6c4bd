"""The built-in pack's budgets (bootstrap/budgets.tf of every cloud) and cost documents.

Each test reads the render: the budget of each environment, where it lives, what it notifies and
the provider facts it depends on (AWS Budgets in the environment's account; the GCP Budgets API's
quota project; the Azure budget's start date, which cannot be in a past month nor change).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest

from infrascaffold.errors import InfrascaffoldError
from tests import terraform_checks as tc
from tests.builders import example_answers, render_answers
from tests.terraform_checks import unquote

BUDGETS = "bootstrap/budgets.tf"
BUDGET_TYPES = {
    "aws": "aws_budgets_budget",
    "gcp": "google_billing_budget",
    "azure": "azurerm_consumption_budget_subscription",
}
EXAMPLES = {"aws": "aws-containers", "gcp": "gcp-containers", "azure": "azure-containers"}
PROVIDERS = {"aws": "aws", "gcp": "google", "azure": "azurerm"}


def _answers(cloud: str, **overrides: Any) -> dict[str, Any]:
    return {**example_answers(EXAMPLES[cloud]), **overrides}


@cache
def _render(cloud: str) -> dict[str, str]:
    """The render of the cloud's example answers (cached: never change it)."""
    return dict(render_answers(_answers(cloud)))


def _render_with(cloud: str, **overrides: Any) -> dict[str, str]:
    return dict(render_answers(_answers(cloud, **overrides)))


def _with_budgets(cloud: str, budgets: list[int]) -> list[dict[str, Any]]:
    """The example's environments, with these monthly budgets."""
    examples = example_answers(EXAMPLES[cloud])["environments"]
    return [
        {**env, "monthly_budget": amount} for env, amount in zip(examples, budgets, strict=True)
    ]


def _resources(tree: dict[str, str], type_: str, path: str = BUDGETS) -> dict[str, dict[str, Any]]:
    doc = tc.parse_hcl(tree[path])
    return {name: body for (kind, name), body in tc.labelled(doc.get("resource"), 2)
            if kind == type_}  # fmt: skip


def _blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = body.get(name, [])
    return found if isinstance(found, list) else [found]


def _plain(value: Any) -> Any:
    """`value` with the quotes python-hcl2 keeps around strings removed, in lists and maps too."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return unquote(value)


def _value(body: dict[str, Any], key: str) -> Any:
    return _plain(body[key])


# --- every cloud ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", sorted(BUDGET_TYPES))
def test_budgets_match_the_provider_schema(cloud: str, hcl2_warm: None) -> None:
    tree = _render(cloud)
    checked, problems = tc.schema_check({BUDGETS: tc.parse_hcl(tree[BUDGETS])}, PROVIDERS[cloud])
    assert checked >= 3 and not problems, problems


@pytest.mark.parametrize("cloud", sorted(BUDGET_TYPES))
def test_budgets_live_in_bootstrap_never_in_a_stack_ci_applies(cloud: str) -> None:
    """The identity whose spend a budget watches cannot change it: no budget in a CI-applied root."""
    tree = _render(cloud)
    holders = sorted(path for path, text in tree.items() if path.endswith(".tf")
                     and f'resource "{BUDGET_TYPES[cloud]}"' in text)  # fmt: skip
    assert holders == [BUDGETS]


@pytest.mark.parametrize("cloud", sorted(BUDGET_TYPES))
def test_one_budget_per_environment_with_a_budget(cloud: str, hcl2_warm: None) -> None:
    tree = _render_with(cloud, environments=_with_budgets(cloud, [0, 1234, 5678]))
    text = tree[BUDGETS]
    if cloud == "gcp":  # one resource over the environments' map
        assert 'zipmap(["dev", "staging", "prod"], [0, 1234, 5678])' in text
        assert "if amount > 0" in text
        return
    budgets = _resources(tree, BUDGET_TYPES[cloud])
    assert sorted(budgets) == ["prod", "staging"]
    amount_key = "limit_amount" if cloud == "aws" else "amount"
    assert str(_value(budgets["staging"], amount_key)) == "1234"
    assert str(_value(budgets["prod"], amount_key)) == "5678"


@pytest.mark.parametrize("cloud", sorted(BUDGET_TYPES))
def test_a_protected_environment_requires_a_budget(cloud: str) -> None:
    answers = _answers(cloud)
    envs = answers["environments"]
    envs[-1] = {**envs[-1], "monthly_budget": 0}
    with pytest.raises(InfrascaffoldError) as caught:
        render_answers(answers)
    assert "environments[2].monthly_budget" in str(caught.value)
    assert "prod is protected: set monthly_budget" in str(caught.value)


def test_budget_defaults_follow_the_size() -> None:
    from infrascaffold.pack.manifest import load_pack

    defaults = load_pack("platform").data["cost"]["budgets"]["default"]
    tree = _render("aws")
    budgets = _resources(tree, "aws_budgets_budget")
    sizes = {env["name"]: env["size"] for env in example_answers("aws-containers")["environments"]}
    for name, body in budgets.items():
        assert _value(body, "limit_amount") == str(defaults[sizes[name]])


def test_a_negative_budget_is_refused() -> None:
    answers = _answers("aws")
    answers["environments"][0] = {**answers["environments"][0], "monthly_budget": -5}
    with pytest.raises(InfrascaffoldError, match=r"environments\[0\]\.monthly_budget"):
        render_answers(answers)


# --- AWS -----------------------------------------------------------------------------------------


def test_aws_budget_is_in_the_environments_own_account(hcl2_warm: None) -> None:
    """Budgets measure the account they are created in: each uses its environment's provider."""
    budgets = _resources(_render("aws"), "aws_budgets_budget")
    accounts = {env["name"]: env["account_id"]
                for env in example_answers("aws-containers")["environments"]}  # fmt: skip
    assert sorted(budgets) == sorted(accounts)
    for name, body in budgets.items():
        assert body["provider"] == f"${{aws.{name}}}"
        assert _value(body, "account_id") == accounts[name]
        assert (_value(body, "budget_type"), _value(body, "time_unit")) == ("COST", "MONTHLY")
        assert _value(body, "limit_unit") == "USD"  # AWS Budgets' currency


def test_aws_providers_of_budgets_exist_in_bootstrap(hcl2_warm: None) -> None:
    tree = _render("aws")
    aliases = set(re.findall(r'alias\s+= "([a-z0-9-]+)"', tree["bootstrap/providers.tf"]))
    used = set(re.findall(r"provider = aws\.([a-z0-9_-]+)", tree[BUDGETS]))
    assert used and used <= aliases


def test_aws_budget_notifies_actual_and_forecasted_spend(hcl2_warm: None) -> None:
    budgets = _resources(_render("aws"), "aws_budgets_budget")
    for body in budgets.values():
        rules = [(_value(n, "notification_type"), n["threshold"], _value(n, "threshold_type"),
                  _value(n, "subscriber_email_addresses")) for n in _blocks(body, "notification")]  # fmt: skip
        assert rules == [("ACTUAL", 80, "PERCENTAGE", ["ops@example.com"]),
                         ("ACTUAL", 100, "PERCENTAGE", ["ops@example.com"]),
                         ("FORECASTED", 100, "PERCENTAGE", ["ops@example.com"])]  # fmt: skip


def test_aws_budget_without_alert_email_has_no_empty_subscriber_list(hcl2_warm: None) -> None:
    """A notification needs at least one subscriber: without an address, no notification."""
    envs = [
        {**env, "protected": False} for env in example_answers("aws-containers")["environments"]
    ]
    tree = _render_with("aws", alert_email="", environments=envs)
    budgets = _resources(tree, "aws_budgets_budget")
    assert len(budgets) == 3
    assert all("notification" not in body for body in budgets.values())


# --- GCP -----------------------------------------------------------------------------------------


def test_gcp_budgets_api_has_a_quota_project(hcl2_warm: None) -> None:
    """billingbudgets.googleapis.com refuses user credentials without a quota project."""
    tree = _render("gcp")
    doc = tc.parse_hcl(tree[BUDGETS])
    providers = [
        body for item in doc["provider"] for name, body in item.items() if unquote(name) == "google"
    ]
    billing = next(p for p in providers if unquote(p.get("alias")) == "billing")
    assert billing["user_project_override"] is True
    assert _value(billing, "billing_project") == "${var.state_project_id}"
    budget = _resources(tree, "google_billing_budget")["environment"]
    assert budget["provider"] == "${google.billing}"
    services = _resources(tree, "google_project_service")["billing"]
    assert "billingbudgets.googleapis.com" in str(services["for_each"])
    assert _value(services, "project") == "${var.state_project_id}"
    assert "google_project_service.billing" in str(budget["depends_on"])


def test_gcp_budget_is_scoped_to_the_environment_project(hcl2_warm: None) -> None:
    budget = _resources(_render("gcp"), "google_billing_budget")["environment"]
    budget_filter = _blocks(budget, "budget_filter")[0]
    assert "data.google_project.budgeted[each.key].number" in str(budget_filter["projects"])
    assert _value(budget_filter, "calendar_period") == "MONTH"
    # No currency_code: a code other than the billing account's currency is refused.
    amount = _blocks(_blocks(budget, "amount")[0], "specified_amount")[0]
    assert "currency_code" not in amount


def test_gcp_billing_account_answer_or_each_projects_own(hcl2_warm: None) -> None:
    read = _resources(_render("gcp"), "google_billing_budget")["environment"]
    assert read["billing_account"] == "${data.google_project.budgeted[each.key].billing_account}"
    given = _render_with("gcp", gcp_billing_account="01A2B3-C4D5E6-F7A8B9")
    budget = _resources(given, "google_billing_budget")["environment"]
    assert _value(budget, "billing_account") == "01A2B3-C4D5E6-F7A8B9"
    with pytest.raises(InfrascaffoldError, match="gcp_billing_account"):
        render_answers(_answers("gcp", gcp_billing_account="billingAccounts/123"))


def test_gcp_budget_thresholds_and_alert_channel(hcl2_warm: None) -> None:
    tree = _render("gcp")
    budget = _resources(tree, "google_billing_budget")["environment"]
    rules = [(r["threshold_percent"], _value(r, "spend_basis"))
             for r in _blocks(budget, "threshold_rules")]  # fmt: skip
    assert rules == [(0.8, "CURRENT_SPEND"), (1.0, "CURRENT_SPEND"), (1.0, "FORECASTED_SPEND")]
    channel = _resources(tree, "google_monitoring_notification_channel")["budget"]
    assert _value(channel, "labels")["email_address"] == "oncall@example.com"
    assert "google_monitoring_notification_channel.budget" in str(
        _blocks(budget, "all_updates_rule")[0]["monitoring_notification_channels"]
    )


# --- Azure ---------------------------------------------------------------------------------------


def test_azure_budget_uses_its_environments_subscription_provider(hcl2_warm: None) -> None:
    tree = _render("azure")
    providers = dict(re.findall(
        r'alias\s+= "(env\d+)"\n\s+subscription_id\s+= local\.environments\["([a-z0-9-]+)"\]',
        tree["bootstrap/environments.tf"]))  # fmt: skip
    budgets = _resources(tree, "azurerm_consumption_budget_subscription")
    for name, body in budgets.items():
        alias = body["provider"].removeprefix("${azurerm.").removesuffix("}")
        assert providers[alias] == name
        assert name in _value(body, "subscription_id")


def test_azure_budget_start_date_is_this_months_first_and_kept(hcl2_warm: None) -> None:
    """start_date: the first of a month, not before the current one, never changed once created."""
    budgets = _resources(_render("azure"), "azurerm_consumption_budget_subscription")
    for body in budgets.values():
        period = _blocks(body, "time_period")[0]
        assert period["start_date"] == "${formatdate(\"YYYY-MM-01'T'00:00:00Z\", plantimestamp())}"
        assert _value(body, "time_grain") == "Monthly"
        assert "time_period" in str(_blocks(body, "lifecycle")[0]["ignore_changes"])


def test_azure_budget_notifies_owners_and_alert_email(hcl2_warm: None) -> None:
    budgets = _resources(_render("azure"), "azurerm_consumption_budget_subscription")
    for body in budgets.values():
        rules = [(n["threshold"], _value(n, "threshold_type"), _value(n, "contact_roles"),
                  _plain(n.get("contact_emails"))) for n in _blocks(body, "notification")]  # fmt: skip
        assert rules == [(80, "Actual", ["Owner"], ["oncall@example.com"]),
                         (100, "Actual", ["Owner"], ["oncall@example.com"]),
                         (100, "Forecasted", ["Owner"], ["oncall@example.com"])]  # fmt: skip


# --- the price table and the estimate in the docs ------------------------------------------------

PRICE_DOMAINS = {
    "aws": "https://aws.amazon.com/",
    "gcp": "https://cloud.google.com/",
    "azure": "https://azure.microsoft.com/",
}


@pytest.mark.parametrize("cloud", sorted(PRICE_DOMAINS))
def test_price_table_has_a_date_and_the_providers_page_for_every_figure(cloud: str) -> None:
    from infrascaffold.pack.manifest import load_pack

    data = load_pack("platform").data
    table = data["prices"][cloud]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", table["as_of"])
    assert all(url.startswith(PRICE_DOMAINS[cloud]) for url in table["sources"].values())
    assert set(table["regions"]) <= set(data["regions"][cloud]["names"])
    for region, prices in table["regions"].items():
        for key, figure in prices.items():
            assert key.split("/")[0] in table["sources"], f"{region} {key}: no source page"
            assert isinstance(figure["value"], int | float) and figure["value"] > 0, (
                f"{region} {key}"
            )


EVIDENCE_DATE = re.compile(r"undated|\d{4}-\d{2}(-\d{2})?")


@pytest.mark.parametrize("cloud", sorted(PRICE_DOMAINS))
def test_every_figure_records_where_it_was_checked(cloud: str) -> None:
    """Each list price says how it was checked; a checked one names its page and that page's date."""
    from infrascaffold.pack.manifest import load_pack

    for region, prices in load_pack("platform").data["prices"][cloud]["regions"].items():
        for key, figure in prices.items():
            where = f"{region} {key}"
            assert figure["checked"] in {"official", "secondary", "unverified"}, where
            if figure["checked"] == "unverified":
                assert "source" not in figure, f"{where}: an unverified figure names no page"
                continue
            assert set(figure) == {"value", "checked", "source", "source_date"}, where
            assert figure["source"].startswith("https://"), where
            assert EVIDENCE_DATE.fullmatch(figure["source_date"]), where
            official = figure["source"].startswith(OFFICIAL_DOMAINS[cloud])
            assert official == (figure["checked"] == "official"), (
                f"{where}: official means its page"
            )


OFFICIAL_DOMAINS = {
    "aws": ("https://aws.amazon.com/", "https://docs.aws.amazon.com/"),
    "gcp": ("https://cloud.google.com/",),
    "azure": ("https://azure.microsoft.com/", "https://learn.microsoft.com/",
              "https://techcommunity.microsoft.com/"),
}  # fmt: skip


def test_lines_on_unverified_figures_are_flagged_in_the_docs() -> None:
    """The reader sees which lines rest on unchecked figures: per line, in the summary, per figure."""
    tree = _render("aws")
    cost = tree["docs/cost.md"]
    prices = load_prices("aws")["eu-west-1"]
    dev = _section(cost, "dev")
    assert "| NAT gateways | 1 gateway | 0.048 / hour | 35.04 | **unverified** |" in dev
    assert prices["vpc/nat_gateway_hour"]["checked"] == "unverified"
    alb = prices["elb/alb_hour"]
    assert f"| 18.40 | [secondary, {alb['source_date']}]({alb['source']}) |" in dev
    for doc in (cost, tree["docs/INFRASTRUCTURE.md"]):
        assert "**Unverified figures.**" in doc
        assert re.search(r"^- dev: NAT gateways, .*RDS instance$", doc, re.M), doc
    assert re.search(r"^\| eu-west-1 \| `vpc/nat_gateway_hour` \| 0\.048 / hour \| \*\*unverified\*\* \|",
                     cost, re.M)  # fmt: skip


def test_checked_figures_raise_no_flag() -> None:
    """GCP's Cloud Run, load balancer and GKE fees are checked on Google's pages: no flag for them."""
    cost = _render("gcp")["docs/cost.md"]
    dev = _section(cost, "dev")
    for line in ("Cloud Run vCPU (minimum instances)", "Load balancer forwarding rule"):
        (row,) = [row for row in dev.splitlines() if row.startswith(f"| {line} |")]
        assert row.endswith(
            "(https://cloud.google.com/run/pricing) |"
            if "Run" in line
            else "(https://cloud.google.com/load-balancing/pricing) |"
        )
        assert "[official, " in row
    assert re.search(r"^- dev: Cloud Run memory \(minimum instances\)$", cost, re.M)


def load_prices(cloud: str) -> dict[str, dict[str, Any]]:
    from infrascaffold.pack.manifest import load_pack

    regions: dict[str, dict[str, Any]] = load_pack("platform").data["prices"][cloud]["regions"]
    return regions


def _section(text: str, env: str) -> str:
    return text.split(f"### {env} (")[1].split("\n### ")[0]


def test_estimate_follows_protection_and_size(hcl2_warm: None) -> None:
    """A protected environment pays a NAT gateway per AZ and a Multi-AZ standby database."""
    text = _render("aws")["docs/cost.md"]
    dev, prod = _section(text, "dev"), _section(text, "prod")
    assert "| NAT gateways | 1 gateway | 0.048 / hour | 35.04 |" in dev
    assert "| NAT gateways | 3 gateway | 0.048 / hour | 105.12 |" in prod
    assert "| RDS instance | 1 instance | 0.018 / hour | 13.14 |" in dev
    assert "| RDS instance | 2 instance |" in prod
    assert "| Fargate vCPU (minimum tasks) | 3 vCPU |" in prod  # large: 3 tasks of 1 vCPU


def test_a_region_without_list_prices_is_unpriced_not_guessed() -> None:
    envs = [
        {**env, "region": "af-south-1"} for env in example_answers("aws-containers")["environments"]
    ]
    text = _render_with("aws", environments=envs)["docs/cost.md"]
    dev = _section(text, "dev")
    assert "unpriced (`vpc/nat_gateway_hour`)" in dev
    assert "**≥ 0.00**" in dev
    assert re.search(
        r"^\| dev \| af-south-1 \| ≥ 0\.00 \| 300 \| \d+ line\(s\) unpriced \|$", text, re.M
    )


@pytest.mark.parametrize("cloud", sorted(BUDGET_TYPES))
def test_cost_docs_name_the_budget_file_and_the_dossier_links_them(cloud: str) -> None:
    tree = _render(cloud)
    cost = tree["docs/cost.md"]
    assert "`bootstrap/budgets.tf`" in cost and BUDGETS in tree
    assert "list prices" in cost and "## Price sources" in cost
    dossier = tree["docs/INFRASTRUCTURE.md"]
    assert "## Cost estimate" in dossier and "(cost.md)" in dossier
    assert "[Cost estimate](#cost-estimate)" in dossier


# --- region policy -------------------------------------------------------------------------------

POLICY = "bootstrap/region-policy.tf"


def _regions(cloud: str) -> list[str]:
    return sorted({env["region"] for env in example_answers(EXAMPLES[cloud])["environments"]})


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_region_policy_matches_the_provider_schema(cloud: str, hcl2_warm: None) -> None:
    tree = _render(cloud)
    checked, problems = tc.schema_check({POLICY: tc.parse_hcl(tree[POLICY])}, PROVIDERS[cloud])
    assert checked >= 1 and not problems, problems


def test_gcp_resource_locations_policy_on_every_environment_project(hcl2_warm: None) -> None:
    tree = _render("gcp")
    text = tree[POLICY]
    assert f"allowed_regions = {json_list(_regions('gcp'))}" in text
    policy = _resources(tree, "google_org_policy_policy", POLICY)["resource_locations"]
    assert _value(policy, "name") == "projects/${each.value}/policies/gcp.resourceLocations"
    assert _value(policy, "parent") == "projects/${each.value}"
    rule = _blocks(_blocks(policy, "spec")[0], "rules")[0]
    allowed = _blocks(rule, "values")[0]["allowed_values"]
    assert "in:${region}-locations" in allowed  # the region's value group: region and zones
    assert "env.project_id" in text and "var.environments" in text
    service = _resources(tree, "google_project_service", POLICY)["orgpolicy"]
    assert "var.state_project_id" in str(service["for_each"])
    assert "google_project_service.orgpolicy" in str(policy["depends_on"])


def test_gcp_location_policy_can_be_turned_off(hcl2_warm: None) -> None:
    text = _render_with("gcp", gcp_enforce_locations=False)[POLICY]
    assert "location_policy_projects = toset([])" in text
    doc = _render_with("gcp", gcp_enforce_locations=False)["docs/region-policy.md"]
    assert "nothing in the cloud enforces the regions" in doc


def test_azure_allowed_locations_assigned_to_every_subscription(hcl2_warm: None) -> None:
    tree = _render("azure")
    text = tree[POLICY]
    assert "policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c" in text
    assert f"allowed_locations        = {json_list(_regions('azure'))}" in text
    providers = dict(re.findall(
        r'alias\s+= "(env\d+)"\n\s+subscription_id\s+= local\.environments\["([a-z0-9-]+)"\]',
        tree["bootstrap/environments.tf"]))  # fmt: skip
    assignments = _resources(tree, "azurerm_subscription_policy_assignment", POLICY)
    envs = [env["name"] for env in example_answers("azure-containers")["environments"]]
    assert len(assignments) == len(envs)
    for name, body in assignments.items():
        alias = body["provider"].removeprefix("${azurerm.").removesuffix("}")
        env = providers[alias]
        assert name == f"allowed_locations_{env.replace('-', '_')}"
        assert f'local.environments["{env}"].subscription_id' in _value(body, "subscription_id")
        assert body["enforce"] is True
        assert "listOfAllowedLocations" in body["parameters"]


@pytest.mark.parametrize(
    ("example", "extra"), [("aws-containers", []), ("aws-static-site", ["us-east-1"])]
)
def test_aws_region_deny_scp_allows_the_environments_regions_only(
    example: str, extra: list[str]
) -> None:
    import json

    answers = example_answers(example)
    envs = [{**env, "region": region} for env, region in
            zip(answers["environments"], ["eu-west-1", "eu-central-1", "eu-central-1"], strict=False)]  # fmt: skip
    tree = dict(render_answers({**answers, "environments": envs}))
    scp = json.loads(tree["bootstrap/region-deny-scp.json"])
    (statement,) = scp["Statement"]
    assert statement["Effect"] == "Deny" and statement["Resource"] == "*"
    regions = statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    used = list(dict.fromkeys(env["region"] for env in envs))
    assert regions == [*used, *extra]
    exempt = statement["NotAction"]
    assert {"iam:*", "sts:*", "cloudfront:*", "route53:*", "budgets:*", "organizations:*"} <= set(
        exempt
    )
    assert not {"kms:*", "acm:*", "ec2:*", "s3:*"} & set(
        exempt
    )  # keys and data stay in the regions
    doc = tree["docs/region-policy.md"]
    assert "file://bootstrap/region-deny-scp.json" in doc


# NotAction of AWS Organizations' example SCP "Deny access to AWS based on the requested AWS
# Region", as AWS publishes it (aws-samples/service-control-policy-examples, Region-controls/
# Deny-access-to-AWS-based-on-the-requested-AWS-region.json, 2025-10-29).
AWS_REGION_DENY_EXAMPLE = [
    "a4b:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*",
    "budgets:*", "ce:*", "chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*",
    "ec2:DescribeRegions", "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways", "fms:*",
    "globalaccelerator:*", "health:*", "iam:*", "importexport:*", "kms:*", "mobileanalytics:*",
    "networkmanager:*", "organizations:*", "pricing:*", "route53:*", "route53domains:*",
    "route53-recovery-cluster:*", "route53-recovery-control-config:*",
    "route53-recovery-readiness:*", "s3:GetAccountPublic*", "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*", "shield:*", "sts:*", "support:*",
    "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*", "wellarchitected:*",
]  # fmt: skip


def test_aws_scp_exempts_the_organizations_example_but_keys_and_certificates() -> None:
    """The exempt list is AWS's example minus acm/kms (regional: they stay in the allowed
    regions, us-east-1 being one when CloudFront needs them), and no role is exempt."""
    scp = json.loads(_render("aws")["bootstrap/region-deny-scp.json"])
    (statement,) = scp["Statement"]
    expected = [a for a in AWS_REGION_DENY_EXAMPLE if a not in {"acm:*", "kms:*"}]
    assert statement["NotAction"] == expected
    assert set(statement["Condition"]) == {"StringNotEquals"}  # no ArnNotLike exemption
    site = dict(render_answers(example_answers("aws-static-site")))
    (site_statement,) = json.loads(site["bootstrap/region-deny-scp.json"])["Statement"]
    assert "us-east-1" in site_statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"]


def test_a_residency_list_refuses_other_regions(tmp_path: Any) -> None:
    """An overlay's residency list is an answer check naming the field, and sets the docs."""
    from tests.builders import build_file_tree, pack_from

    root = build_file_tree(tmp_path / "eu", {
        "pack.yaml": "name: eu\nversion: 1.0.0\nextends: platform\ndata: {residency: data/residency.yaml}\n",
        "data/residency.yaml": "allowed: {aws: [eu-west-1, eu-central-1], gcp: [], azure: []}\n"
                               "extra: {aws: {}, gcp: {}, azure: {}}\naws_scp_global_actions: ['iam:*']\n",
    })  # fmt: skip
    pack = pack_from(root)
    answers = example_answers("aws-containers")
    answers["environments"][1] = {**answers["environments"][1], "region": "us-east-1"}
    with pytest.raises(InfrascaffoldError) as caught:
        render_answers(answers, pack)
    assert (
        "environments[1].region: us-east-1 is not an allowed region (eu-west-1, eu-central-1)"
        in str(caught.value)
    )
    allowed = dict(render_answers(example_answers("aws-containers"), pack))
    assert "allows environments in eu-west-1, eu-central-1 only" in allowed["docs/region-policy.md"]


def test_regions_are_a_decision_record_asking_for_sign_off() -> None:
    tree = _render("aws")
    (record,) = [path for path in tree if re.fullmatch(r"docs/adr/\d{4}-regions\.md", path)]
    text = tree[record]
    assert "Regions and data residency: eu-west-1" in text
    assert "legal and security must validate" in text
    assert "(region-policy.md)" in tree["docs/INFRASTRUCTURE.md"]


def json_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"
