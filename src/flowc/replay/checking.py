"""`flowc check --mapping FILE`: a Bitrix24 mapping checked with the flow
files, its diagnostics (M1xx) beside theirs.  The mapping is checked against
each project given (one, usually); a saved `crm.deal.fields` / `crm.lead.fields`
answer next to the mapping adds the type check (M105, M106).
"""
from __future__ import annotations

import os

from ..diagnostics import Diagnostics
from ..index import Index
from ..source import Span


def check_mappings(paths, projects, diags: Diagnostics) -> None:
    from .bitrix24 import field_types
    from .mapping import load_mapping

    for path in paths:
        if not os.path.isfile(path):
            diags.error("M101", f"cannot read the mapping {path}: no such file", Span(path, 1, 1, 1, 1))
            continue
        fields = field_types(os.path.dirname(path) or ".")
        for project in projects:
            load_mapping(path, diags, Index(project), fields or None)
