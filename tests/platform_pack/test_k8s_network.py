"""NetworkPolicy of the application's namespace on EKS, GKE and AKS (`k8s/`), read from the
objects `kubectl kustomize` builds for each environment and checked against the Terraform that
places the sources (subnets, add-ons, CNI) they allow."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import pytest

from tests import terraform_checks as tc
from tests.platform_pack.test_k8s import (
    COMBOS,
    STRATEGIES,
    answers,
    built,
    by_kind,
    env_names,
    kubectl,
    tree,
)

APP = {"app.kubernetes.io/name": "app"}


def policies(cloud: str, strategy: str, env: str) -> dict[str, dict[str, Any]]:
    return {
        name: obj
        for (kind, name), obj in by_kind(built(cloud, strategy, env)).items()
        if kind == "NetworkPolicy"
    }


def only_rule(policy: dict[str, Any]) -> dict[str, Any]:
    (rule,) = policy["spec"]["ingress"]
    return rule


def block(text: str, header: str) -> str:
    return text.split(header)[1].split("\n}\n")[0]


@kubectl
@pytest.mark.parametrize(("cloud", "strategy"), COMBOS)
def test_default_deny_then_only_the_app_port(cloud: str, strategy: str) -> None:
    """Every pod of the namespace is isolated for ingress; each allow opens the container's port only."""
    expected = {"default-deny-ingress", "app-from-load-balancer"}
    if strategy != "rolling":
        expected.add("app-from-rollouts-analysis")
    if cloud == "azure":  # the examples have a domain: cert-manager's HTTP-01 solver
        expected.add("acme-http01-solver-from-load-balancer")
    for env in env_names(cloud, strategy):
        objects = by_kind(built(cloud, strategy, env))
        found = policies(cloud, strategy, env)
        assert set(found) == expected
        deny = found["default-deny-ingress"]["spec"]
        assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}
        workload = objects[("Deployment" if strategy == "rolling" else "Rollout", "app")]
        (port,) = workload["spec"]["template"]["spec"]["containers"][0]["ports"]
        for name in expected - {"default-deny-ingress", "acme-http01-solver-from-load-balancer"}:
            spec = found[name]["spec"]
            assert spec["podSelector"] == {"matchLabels": APP}
            assert spec["policyTypes"] == ["Ingress"]  # egress stays open (documented)
            assert only_rule(found[name])["ports"] == [
                {"port": port["containerPort"], "protocol": "TCP"}
            ]
        assert workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "app"


def public_and_private_subnets(
    env: dict[str, Any], files: dict[str, str]
) -> tuple[set[str], list[Any]]:
    tfvars = tc.parse_hcl(files[f"environments/{env['name']}.tfvars"])
    vpc = ipaddress.ip_network(tc.unquote(tfvars["vpc_cidr"]))
    slots16 = list(vpc.subnets(prefixlen_diff=4))
    slots8 = list(vpc.subnets(prefixlen_diff=3))
    count = tfvars["az_count"]
    return {str(slots16[6 + i]) for i in range(count)}, [slots8[i] for i in range(count)]


@kubectl
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_eks_admits_the_albs_public_subnets_and_not_the_pods(strategy: str) -> None:
    """ALB (target type ip) sources are its addresses in the public subnets; pods are in the private ones."""
    files = tree("aws", strategy)
    network = files["modules/network/main.tf"]
    # The subnets the overlay computes are the ones modules/network creates.
    assert (
        "public_cidrs   = [for i, az in local.azs : cidrsubnet(var.cidr_block, 4, 6 + i)]"
        in network
    )
    assert "private_cidrs  = [for i, az in local.azs : cidrsubnet(var.cidr_block, 3, i)]" in network
    # The AWS Load Balancer Controller places an internet-facing ALB in subnets tagged role/elb.
    assert '"kubernetes.io/role/elb" = "1"' in block(network, 'resource "aws_subnet" "public" {')
    for env in answers("aws", strategy)["environments"]:
        public, private = public_and_private_subnets(env, files)
        ingress = by_kind(built("aws", strategy, env["name"]))[("Ingress", "app")]
        notes = ingress["metadata"]["annotations"]
        assert (notes["alb.ingress.kubernetes.io/target-type"],
                notes["alb.ingress.kubernetes.io/scheme"]) == ("ip", "internet-facing")  # fmt: skip
        rule = only_rule(policies("aws", strategy, env["name"])["app-from-load-balancer"])
        allowed = [ipaddress.ip_network(peer["ipBlock"]["cidr"]) for peer in rule["from"]]
        assert {str(n) for n in allowed} == public
        assert not any(a.overlaps(p) for a in allowed for p in private)


def test_eks_vpc_cni_enforces_network_policy_before_nodes_join() -> None:
    """The VPC CNI enforces NetworkPolicy only with enableNetworkPolicy (EKS user guide)."""
    main = tree("aws", "canary")["modules/eks-cluster/main.tf"]
    addon = block(main, 'resource "aws_eks_addon" "before_nodes" {')
    assert '"vpc-cni"' in addon
    assert re.search(
        r'configuration_values\s+= each\.value == "vpc-cni" \? '
        r'jsonencode\(\{ enableNetworkPolicy = "true" \}\) : null',
        addon,
    )
    # Set at creation, before the node group (and so any pod) exists.
    nodes = block(main, 'resource "aws_eks_node_group" "default" {')
    assert "aws_eks_addon.before_nodes" in nodes.split("depends_on")[1]


@kubectl
def test_gke_admits_googles_load_balancer_ranges_through_negs() -> None:
    """Container-native LB: GFEs and health checks reach the pod IPs from 35.191/16, 130.211/22."""
    files = tree("gcp", "canary")
    for env in env_names("gcp", "canary"):
        objects = by_kind(built("gcp", "canary", env))
        rule = only_rule(policies("gcp", "canary", env)["app-from-load-balancer"])
        assert rule["from"] == [
            {"ipBlock": {"cidr": "35.191.0.0/16"}},
            {"ipBlock": {"cidr": "130.211.0.0/22"}},
        ]
        # With NEGs the load balancer connects to the pods, not to node ports.
        for name in ("app", "app-canary"):
            notes = objects[("Service", name)]["metadata"]["annotations"]
            assert notes["cloud.google.com/neg"] == '{"ingress": true}'
    # Dataplane V2 enforces NetworkPolicy (the legacy Calico add-on stays off).
    cluster = block(files["modules/gke-cluster/main.tf"], 'resource "google_container_cluster"')
    assert re.search(r'datapath_provider\s+= "ADVANCED_DATAPATH"', cluster)
    assert re.search(r"network_policy \{\n\s+enabled = false", cluster)


@kubectl
def test_aks_admits_the_app_routing_nginx_only() -> None:
    files = tree("azure", "canary")
    for env in env_names("azure", "canary"):
        objects = by_kind(built("azure", "canary", env))
        assert objects[("Ingress", "app")]["spec"]["ingressClassName"] == "app-nginx"
        rule = only_rule(policies("azure", "canary", env)["app-from-load-balancer"])
        # The add-on's NGINX runs in app-routing-system; the label is set by Kubernetes itself.
        assert rule["from"] == [
            {
                "namespaceSelector": {
                    "matchLabels": {"kubernetes.io/metadata.name": "app-routing-system"}
                }
            }
        ]
    network = block(files["modules/aks-cluster/main.tf"], "  network_profile {")
    assert re.search(r'network_policy\s+= "cilium"', network)


@kubectl
@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_analysis_is_admitted_from_the_rollouts_controller_it_runs_in(cloud: str) -> None:
    """The web metric is requested by the controller's pods: namespace and labels of addons/'s release."""
    files = tree(cloud, "canary")
    addons = files["addons/main.tf"]
    release = block(addons, 'resource "helm_release" "argo_rollouts" {')
    assert re.search(r'\n  chart\s+= "argo-rollouts"', release)
    # No name or component override: the chart's labels app.kubernetes.io/name=argo-rollouts
    # and app.kubernetes.io/component=rollouts-controller stay.
    assert "nameOverride" not in release and "controller.component" not in release
    namespace = re.search(r"\n  namespace\s+= (\S+)", release)
    assert namespace is not None
    if namespace.group(1).startswith("kubernetes_namespace_v1."):
        created = block(addons, 'resource "kubernetes_namespace_v1" "argo_rollouts" {')
        assert re.search(r'name\s+= "argo-rollouts"', created)
    else:
        assert namespace.group(1) == '"argo-rollouts"'
    rule = only_rule(policies(cloud, "canary", "prod")["app-from-rollouts-analysis"])
    assert rule["from"] == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "argo-rollouts"}},
            "podSelector": {
                "matchLabels": {
                    "app.kubernetes.io/name": "argo-rollouts",
                    "app.kubernetes.io/component": "rollouts-controller",
                }
            },
        }
    ]
    # The analysis requests the canary Service, whose target port is the admitted one.
    objects = by_kind(built(cloud, "canary", "prod"))
    assert objects[("Service", "app-canary")]["spec"]["ports"][0]["targetPort"] == "http"
    url = objects[("AnalysisTemplate", "app-health")]["spec"]["metrics"][0]["provider"]["web"][
        "url"
    ]
    assert url.startswith("http://{{args.service}}.app.svc.cluster.local")


@pytest.mark.parametrize(("cloud", "strategy"), COMBOS)
def test_the_docs_name_the_policies_and_how_to_see_them(cloud: str, strategy: str) -> None:
    files = tree(cloud, strategy)
    readme = files["k8s/README.md"]
    row = next(line for line in readme.splitlines() if line.startswith("| NetworkPolicy |"))
    for name in ("default-deny-ingress", "app-from-load-balancer"):
        assert f"`{name}`" in row
    assert ("`app-from-rollouts-analysis`" in row) == (strategy != "rolling")
    assert "Egress is not restricted" in readme
    assert "kubectl --namespace app get networkpolicy" in files["docs/runbooks/deploy.md"]


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_security_md_states_the_isolation_and_its_gap(cloud: str) -> None:
    security = tree(cloud, "canary")["docs/SECURITY.md"]
    section = security.split("### Workload network isolation")[1].split("\n## ")[0]
    assert "`default-deny-ingress`" in section and "port 8080" in section
    assert "Argo Rollouts controller" in section
    assert ("standard mode" in section) == (cloud == "aws")  # the VPC CNI's residual window
    assert ("Certificate Transparency" in section) == (cloud == "azure")
