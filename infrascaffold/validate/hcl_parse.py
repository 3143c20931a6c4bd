"""Parse HCL (`.tf`, `.tfvars`, `.hcl`) into a `Doc` with lines: HashiCorp's parser judges the
syntax, a token scan of the accepted text builds the model.

`pygohcl` (the Go `hashicorp/hcl` library) decides what is valid and reports Terraform's
diagnostics; it returns values without positions, so the lines of blocks, attributes and
references come from `hcl_scan`, which reads only text pygohcl has accepted.
"""

from __future__ import annotations

from infrascaffold.validate.hcl_doc import EMPTY_BODY, Doc, Problem
from infrascaffold.validate.hcl_fallback import fallback_doc
from infrascaffold.validate.hcl_scan import scan_doc
from infrascaffold.validate.hcl_syntax import only_duplicates, syntax_problems
from infrascaffold.validate.hcl_tokens import ScanError


def parse_hcl(text: str) -> Doc:
    """Parse one HCL file.

    A file HashiCorp's parser rejects is a `Doc` with an empty body and Terraform's diagnostics.
    A valid file (an attribute set twice still counts: the model keeps both) is modelled by
    `hcl_scan`; should the scan fail on valid text, by the declarations-only `hcl_fallback`.
    """
    return judged_doc(text, syntax_problems(text))


Scanned = Doc | Exception  # what `try_scan` gives: the model, or what the scan raised


def judged_doc(text: str, problems: list[Problem], scanned: Scanned | None = None) -> Doc:
    """The `Doc` of `text` given HashiCorp's verdict (`problems`) and, when the scan has been
    run already (`try_scan`, beside the verdict), its result: the same `Doc` as `parse_hcl`'s,
    and the same exception when the scan of a valid text fails otherwise than `ScanError`."""
    if not only_duplicates(problems):
        return Doc(EMPTY_BODY, tuple(problems))
    if scanned is None:
        try:
            scanned = scan_doc(text)
        except ScanError as exc:
            scanned = exc
    if isinstance(scanned, ScanError):
        doc = fallback_doc(text)
    elif isinstance(scanned, Exception):
        raise scanned
    else:
        doc = scanned
    return Doc(doc.body, (*problems, *doc.problems))


def try_scan(text: str) -> Scanned:
    """The scan of `text` before its verdict is known: what it raised is kept, since a rejected
    text (never scanned by `parse_hcl`) may make the scanner fail in any way."""
    try:
        return scan_doc(text)
    except Exception as exc:  # noqa: BLE001 (judged with the verdict: `judged_doc`)
        return exc
