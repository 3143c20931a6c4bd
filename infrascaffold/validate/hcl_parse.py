"""Parse HCL (`.tf`, `.tfvars`, `.hcl`) into a `Doc` with lines: HashiCorp's parser judges the
syntax, a token scan of the accepted text builds the model.

`pygohcl` (the Go `hashicorp/hcl` library) decides what is valid and reports Terraform's
diagnostics; it returns values without positions, so the lines of blocks, attributes and
references come from `hcl_scan`, which reads only text pygohcl has accepted.
"""

from __future__ import annotations

from infrascaffold.validate.hcl_doc import EMPTY_BODY, Doc
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
    problems = syntax_problems(text)
    if not only_duplicates(problems):
        return Doc(EMPTY_BODY, tuple(problems))
    try:
        doc = scan_doc(text)
    except ScanError:
        doc = fallback_doc(text)
    return Doc(doc.body, (*problems, *doc.problems))
