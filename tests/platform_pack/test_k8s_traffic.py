"""Canary traffic routing of the Kubernetes workload (`k8s/`), per cloud: the Rollout's
`trafficRouting` read against the objects `kubectl kustomize` builds for each environment, the
Argo Rollouts controller's flags and identity in the add-ons stack, and the docs.

EKS routes through the AWS Load Balancer Controller (Argo Rollouts docs/features/traffic-management/
alb.md, v1.8), AKS through the add-on's NGINX (nginx.md), GKE stays replica-based."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import terraform_checks as tc
from tests.platform_pack.test_k8s import CLOUDS, built, by_kind, env_names, kubectl, tree

ROUTERS = {"aws": "alb", "azure": "nginx"}
# The six read-only calls of --aws-verify-target-group (alb.md, "TargetGroup Verification").
VERIFY_ACTIONS = {
    f"elasticloadbalancing:{action}"
    for action in ("DescribeTargetGroups", "DescribeLoadBalancers", "DescribeListeners",
                   "DescribeRules", "DescribeTags", "DescribeTargetHealth")
}  # fmt: skip


def canary_of(objects: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    canary: dict[str, Any] = objects[("Rollout", "app")]["spec"]["strategy"]["canary"]
    return canary


def backends(ingress: dict[str, Any]) -> list[dict[str, Any]]:
    spec = ingress["spec"]
    found = [p["backend"] for r in spec.get("rules", []) for p in r["http"]["paths"]]
    return found + ([spec["defaultBackend"]] if "defaultBackend" in spec else [])


def service_port(service: dict[str, Any]) -> int:
    (port,) = service["spec"]["ports"]
    value: int = port["port"]
    return value


def pod_labels(objects: dict[tuple[str, str], dict[str, Any]]) -> dict[str, str]:
    """The labels of a canary (or stable) pod: the template's and the ReplicaSet's hash."""
    labels = dict(objects[("Rollout", "app")]["spec"]["template"]["metadata"]["labels"])
    return labels | {"rollouts-pod-template-hash": "6f9c7d8b5"}


def release(cloud: str, name: str) -> dict[str, Any]:
    doc = tc.parse_hcl(tree(cloud, "canary")["addons/main.tf"])
    (body,) = [
        b for labels, b in tc.labelled(doc["resource"], 2) if labels == ("helm_release", name)
    ]
    found: dict[str, Any] = body
    return found


@kubectl
@pytest.mark.parametrize("env", env_names("aws", "canary"))
def test_eks_canary_weights_move_requests_through_the_alb_action(env: str) -> None:
    objects = by_kind(built("aws", "canary", env))
    canary = canary_of(objects)
    alb = canary["trafficRouting"]["alb"]
    stable, canary_service = canary["stableService"], canary["canaryService"]
    assert stable != canary_service
    ingress = objects[("Ingress", alb["ingress"])]
    assert ingress["spec"]["ingressClassName"] == "alb"
    # The Ingress's backend is the action named after rootService, port "use-annotation": the
    # annotation Argo Rollouts writes (alb.ingress.kubernetes.io/actions.<rootService>).
    (backend,) = backends(ingress)
    assert backend["service"] == {"name": alb["rootService"], "port": {"name": "use-annotation"}}
    assert alb["rootService"] == stable
    # Nothing in the manifest owns the action annotation: kubectl apply never resets the weights.
    assert not any(
        k.startswith("alb.ingress.kubernetes.io/actions.")
        for k in ingress["metadata"]["annotations"]
    )
    # servicePort is the port of both Services the forward names.
    for name in (stable, canary_service):
        assert service_port(objects[("Service", name)]) == alb["servicePort"]
    # With a router the replica knobs of the basic canary do not apply; the stable pods stay at
    # full count so an abort moves every request back at once.
    assert "maxSurge" not in canary and canary["dynamicStableScale"] is False
    assert canary["scaleDownDelaySeconds"] >= 30
    weights = [s["setWeight"] for s in canary["steps"] if "setWeight" in s]
    assert weights == [20, 50]


@kubectl
@pytest.mark.parametrize("env", env_names("azure", "canary"))
def test_aks_canary_weights_move_requests_through_nginx(env: str) -> None:
    objects = by_kind(built("azure", "canary", env))
    canary = canary_of(objects)
    nginx = canary["trafficRouting"]["nginx"]
    stable = canary["stableService"]
    ingress = objects[("Ingress", nginx["stableIngress"])]
    assert ingress["spec"]["ingressClassName"] == "app-nginx"
    # Argo Rollouts copies the rules whose backend is the stable Service (and refuses an Ingress
    # without one) into its canary Ingress, with the canary Service instead.
    assert [b["service"]["name"] for b in backends(ingress)] == [stable]
    assert service_port(objects[("Service", stable)]) == service_port(
        objects[("Service", canary["canaryService"])]
    )
    # The stable Ingress is the one with TLS and cert-manager's annotation: the canary Ingress
    # (app-app-canary, the controller's) copies spec.tls and no annotation, so one certificate.
    notes = ingress["metadata"]["annotations"]
    assert notes["cert-manager.io/cluster-issuer"] == "letsencrypt"
    assert ingress["spec"]["tls"][0]["secretName"] == "app-tls"
    assert not any(k.endswith("/canary") or "canary-weight" in k for k in notes)
    assert all(name != "app-app-canary" for _, name in objects)
    assert "maxSurge" not in canary and canary["dynamicStableScale"] is False


@kubectl
def test_gke_canary_stays_replica_based() -> None:
    for env in env_names("gcp", "canary"):
        objects = by_kind(built("gcp", "canary", env))
        canary = canary_of(objects)
        assert "trafficRouting" not in canary and "stableService" not in canary
        # The Ingress's Service selects stable and canary pods alike: a weight is a share of pods.
        assert objects[("Service", "app")]["spec"]["selector"] == {"app.kubernetes.io/name": "app"}
        assert canary["maxSurge"] == "25%"
    readme = tree("gcp", "canary")["k8s/README.md"]
    assert "replica-based on GKE" in readme
    assert "rollouts-plugin-trafficrouter-gatewayapi" in readme


@kubectl
@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_network_policy_admits_the_canary_pods_from_the_router(cloud: str) -> None:
    """The canary pods sit behind the same ALB / NGINX: the policies selecting by label admit them."""
    objects = by_kind(built(cloud, "canary", "prod"))
    labels = pod_labels(objects)
    selected = {
        name
        for (kind, name), policy in objects.items()
        if kind == "NetworkPolicy"
        and policy["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()
    }
    assert {
        "default-deny-ingress",
        "app-from-load-balancer",
        "app-from-rollouts-analysis",
    } <= selected
    port = objects[("NetworkPolicy", "app-from-load-balancer")]["spec"]["ingress"][0]["ports"]
    assert port == [{"port": 8080, "protocol": "TCP"}]  # the Services' targetPort "http"
    for name in ("app", "app-canary"):
        assert objects[("Service", name)]["spec"]["ports"][0]["targetPort"] == "http"


def test_aks_rollouts_controller_acts_on_the_app_nginx_class() -> None:
    """Argo Rollouts only acts on Ingresses of class "nginx" unless told (--nginx-ingress-classes)."""
    sets = release("azure", "argo_rollouts")["set"]
    args = {tc.unquote(s["name"]): tc.unquote(s["value"]) for s in sets}
    assert args["controller.extraArgs[0]"] == "--nginx-ingress-classes=${var.ingress_class_name}"
    files = tree("azure", "canary")
    for env in env_names("azure", "canary"):
        tfvars = files[f"addons/environments/{env}.tfvars"]
        match = re.search(r'^ingress_class_name\s*=\s*"([^"]+)"', tfvars, re.M)
        default = re.search(
            r'variable "ingress_class_name" \{[^}]*default\s*=\s*"([^"]+)"',
            files["addons/variables.tf"],
        )
        found = match or default
        assert found is not None and found.group(1) == "app-nginx"


@pytest.mark.parametrize("strategy", ["canary", "blue-green"])
def test_eks_rollouts_controller_verifies_target_groups_read_only(strategy: str) -> None:
    files = tree("aws", strategy)
    app = files["app.tf"] if "app.tf" in files else files["main.tf"]
    assert ("rollouts_target_group_verification = true" in app) == (strategy == "canary")
    sets = release("aws", "argo_rollouts")["set"]
    assert (
        '"--aws-verify-target-group"' in sets and 'var.deployment_strategy != "canary" ? []' in sets
    )
    # The SDK reads no region from the instance metadata (hop limit 1): given.
    assert re.search(r'name = "controller\.extraEnv\[0\]\.name", value = "AWS_REGION"', sets)
    assert 'name = "controller.extraEnv[0].value", value = var.region' in sets
    assert 'name = "serviceAccount.name", value = "argo-rollouts"' in sets
    doc = tc.parse_hcl(files["modules/eks-cluster/rollouts.tf"])
    resources = dict(tc.labelled(doc["resource"], 2))
    association = resources[("aws_eks_pod_identity_association", "rollouts")]
    assert tc.unquote(association["service_account"]) == "argo-rollouts"
    variables = tc.parse_hcl(files["modules/eks-cluster/variables.tf"])
    (namespace,) = [
        b
        for labels, b in tc.labelled(variables["variable"], 1)
        if labels == ("rollouts_namespace",)
    ]
    # addons/: kubernetes_namespace_v1.argo_rollouts, the chart's release namespace.
    assert tc.unquote(namespace["default"]) == "argo-rollouts"
    role = resources[("aws_iam_role", "rollouts")]
    assert role["permissions_boundary"] == "${var.permissions_boundary_arn}"
    assert role["assume_role_policy"] == "${data.aws_iam_policy_document.pod_identity_assume.json}"
    (policy,) = [b for labels, b in tc.labelled(doc["data"], 2)]
    (statement,) = policy["statement"]
    assert {tc.unquote(a) for a in statement["actions"]} == VERIFY_ACTIONS  # reads only
    assert "condition" not in statement and statement["resources"] == ['"*"']


@pytest.mark.parametrize("cloud", CLOUDS)
def test_docs_say_what_a_canary_weight_moves(cloud: str) -> None:
    files = tree(cloud, "canary")
    readme = files["k8s/README.md"]
    said = {
        "aws": "weighted target groups",
        "azure": "canary Ingress `app-app-canary`",
        "gcp": "share of the pods",
    }[cloud]
    assert said in readme
    deploy = files["docs/runbooks/deploy.md"]
    assert said in deploy
    if cloud in ROUTERS:
        assert "replica-based" not in readme
    # Blue-green switches the active Service and needs no router.
    assert "trafficRouting" not in tree(cloud, "blue-green")["k8s/base/workload.yaml"]
    assert "switches the active Service" in tree(cloud, "blue-green")["k8s/README.md"]
