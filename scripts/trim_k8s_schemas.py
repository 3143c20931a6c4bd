"""Regenerate `infrascaffold/schemas/k8s-manifests.json.gz`, the Kubernetes schemas `validate` uses.

    python scripts/trim_k8s_schemas.py

Reads kubernetes-validate's bundled strict schemas for Kubernetes 1.33 (the kinds in `KINDS`: the
ones the built-in pack renders, and a few common ones) and the Argo Rollouts v1.8.3 CRD schemas
vendored in `tests/fixtures/argo-rollouts/`; keeps only the definitions those kinds reach and
drops every `description`, so the shipped file stays small. Output is deterministic.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import kubernetes_validate

REPO = Path(__file__).resolve().parent.parent
VERSION = "1.33.0"
SOURCE = (
    Path(kubernetes_validate.__file__).parent
    / "kubernetes-json-schema"
    / f"v{VERSION}-local-strict"
)
ARGO = REPO / "tests" / "fixtures" / "argo-rollouts" / "crd-schemas-v1.8.3.json.gz"
OUTPUT = REPO / "infrascaffold" / "schemas" / "k8s-manifests.json.gz"
KINDS = {
    "v1/Namespace": "namespace-v1",
    "v1/ServiceAccount": "serviceaccount-v1",
    "v1/Service": "service-v1",
    "v1/ConfigMap": "configmap-v1",
    "apps/v1/Deployment": "deployment-apps-v1",
    "batch/v1/CronJob": "cronjob-batch-v1",
    "autoscaling/v2/HorizontalPodAutoscaler": "horizontalpodautoscaler-autoscaling-v2",
    "policy/v1/PodDisruptionBudget": "poddisruptionbudget-policy-v1",
    "networking.k8s.io/v1/Ingress": "ingress-networking-v1",
    "networking.k8s.io/v1/NetworkPolicy": "networkpolicy-networking-v1",
}
REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")


def strip(schema: Any, refs: set[str]) -> Any:
    """`schema` without descriptions, its `$ref`s local (`#/$defs/NAME`), names added to `refs`."""
    if isinstance(schema, list):
        return [strip(item, refs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("description", "$id") and isinstance(value, str):
            continue
        if key == "$ref" and (match := REF.match(value)):
            refs.add(match.group(1))
            value = f"#/$defs/{match.group(1)}"
        out[key] = strip(value, refs)
    return out


def strict_crd(schema: Any) -> Any:
    """A CRD schema that refuses unknown fields (the API server prunes them silently)."""
    if isinstance(schema, dict):
        out = {k: strict_crd(v) for k, v in schema.items() if k != "description"}
        if "properties" in out and not out.get("x-kubernetes-preserve-unknown-fields"):
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(schema, list):
        return [strict_crd(v) for v in schema]
    return schema


def build() -> dict[str, Any]:
    """The trimmed schemas: `kinds` (apiVersion/kind → schema) and their shared `$defs`."""
    definitions = json.loads((SOURCE / "_definitions.json").read_text())["$defs"]
    pending: set[str] = set()
    kinds = {
        key: strip(json.loads((SOURCE / f"{name}.json").read_text()), pending)
        for key, name in KINDS.items()
    }
    kept: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name not in kept:
            kept[name] = strip(definitions[name], pending)
    argo = json.loads(gzip.decompress(ARGO.read_bytes()))
    for kind, schema in argo.items():
        kinds[f"argoproj.io/v1alpha1/{kind}"] = strict_crd(schema) | {
            "$schema": "http://json-schema.org/draft-07/schema#"
        }
    return {"kubernetes_version": VERSION, "argo_rollouts_version": "v1.8.3", "kinds": kinds,
            "$defs": dict(sorted(kept.items()))}  # fmt: skip


def main() -> None:
    text = json.dumps(build(), sort_keys=True, separators=(",", ":")).encode()
    OUTPUT.write_bytes(gzip.compress(text, mtime=0))
    print(f"{OUTPUT.relative_to(REPO)}: {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
