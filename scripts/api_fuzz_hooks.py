"""schemathesis hooks for scripts/api_fuzz.py: draw ids that exist as well as ids that do not.

Random ids almost always answer 404, which leaves the record behind a detail route, its shapes and the
actions on it untested. The runner lists what the demo data holds (API_FUZZ_IDS_FILE: path prefix → ids, and
the ledger's record types and ids) and these hooks draw from it about half the time, letting schemathesis
generate the rest. Drawn through Hypothesis strategies, so that a seed reproduces a run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import schemathesis
from hypothesis import strategies as st

_KNOWN = json.loads(Path(os.environ["API_FUZZ_IDS_FILE"]).read_text()) if os.environ.get("API_FUZZ_IDS_FILE") else {}
# Body fields naming an organization: its own and others (within and outside the token's reach).
_ORGANIZATION_FIELDS = ("authority", "data_source", "subject_organization")


def _ids_for(path: str) -> list:
    for prefix, ids in _KNOWN.get("ids", {}).items():
        if path.startswith(prefix + "{") and ids:
            return ids
    return []


@schemathesis.hook
def flatmap_path_parameters(ctx, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    path = ctx.operation.path
    if "record_type" in path_parameters and _KNOWN.get("ledger"):
        known = st.sampled_from(_KNOWN["ledger"]).map(
            lambda pair: {**path_parameters, "record_type": pair[0], "record_id": pair[1]}
        )
        return st.one_of(st.just(path_parameters), known)
    ids = _ids_for(path)
    if "id" not in path_parameters or not ids:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), st.sampled_from(ids).map(lambda id_: {**path_parameters, "id": id_}))


@schemathesis.hook
def flatmap_body(ctx, body):
    organizations = _KNOWN.get("ids", {}).get("/api/v1/organizations/")
    if not isinstance(body, dict) or not organizations or not any(name in body for name in _ORGANIZATION_FIELDS):
        return st.just(body)
    chosen = st.fixed_dictionaries(
        {name: st.sampled_from(organizations) for name in _ORGANIZATION_FIELDS if name in body}
    )
    return st.one_of(st.just(body), chosen.map(lambda values: {**body, **values}))
