"""SDK hints in the published spec, for generators of other languages.

The Python client gets its pagination, retries, ETag cache and token handling
from the ``python-client`` overlay's ``x-rstar-*`` hints, checked and turned into
facts by ``sdk.sdk_facts`` (which the Python generator names). Every other generator sees none of
that unless the published spec says it, so ``publish`` writes, from those same
facts (not a second copy of them):

- ``x-rstar-*``: our hints, as the Python generator reads them (documented in the
  published folder's README);
- ``x-speakeasy-pagination`` (offset/limit, the items at ``$.<items>``) and
  ``x-speakeasy-retries`` (the Python client's RetryPolicy: what it retries and how
  long it waits), the conventions Speakeasy documents and other generators read.
"""

from __future__ import annotations

import copy
from typing import Any

from ..oas.walk import iter_operations
from ..python_client.runtime._retry import RetryPolicy
from ..sdk import OperationFacts, sdk_facts

# The hints on security schemes, carried over as they are (those on operations are written from the facts).
SCHEME_HINTS = ("x-rstar-token",)


def speakeasy_retries(facts: OperationFacts, policy: RetryPolicy) -> dict[str, Any]:
    """What the Python client retries for this operation, in Speakeasy's terms.

    429 for any method (the API refused before acting); 502 and 503 only where sending twice is harmless;
    connection errors likewise (Speakeasy cannot tell a connection never opened from one that broke)."""
    codes: list[int | str] = [429, 502, 503] if facts.idempotent else [429]
    return {
        "strategy": "backoff",
        "backoff": {
            "initialInterval": round(policy.backoff_base * 1000),
            "maxInterval": round(max(policy.backoff_cap, policy.max_retry_after) * 1000),
            "maxElapsedTime": round(policy.max_retries * max(policy.backoff_cap, policy.max_retry_after) * 1000),
            "exponent": 2,
        },
        "statusCodes": codes,
        "retryConnectionErrors": facts.idempotent,
    }


def speakeasy_pagination(facts: OperationFacts) -> dict[str, Any] | None:
    page = facts.pagination
    if page is None:
        return None
    return {
        "type": "offsetLimit",
        "inputs": [
            {"name": page.offset, "in": "parameters", "type": "offset"},
            {"name": page.limit, "in": "parameters", "type": "limit"},
        ],
        "outputs": {"results": f"$.{page.items}"},
    }


def rstar_hints(facts: OperationFacts) -> dict[str, Any]:
    """Our hints as the Python generator reads them, written from the facts: what an overlay said, and what the
    resource model decided where it said nothing (pagination of a list, the ETag cache, the method's name)."""
    hints: dict[str, Any] = {}
    if facts.pagination is not None:
        page = facts.pagination
        hints["x-rstar-pagination"] = {
            "items": page.items,
            "offset": page.offset,
            "limit": page.limit,
            "total": page.total,
        }
    hints["x-rstar-idempotent"] = facts.idempotent
    if facts.etag_cache:
        hints["x-rstar-etag-cache"] = True
    hints["x-rstar-sdk-name"] = facts.sdk_name
    return hints


def with_sdk_hints(published: dict[str, Any], client_doc: dict[str, Any]) -> dict[str, Any]:
    """The published document with the hints of the client document, operations matched by operationId."""
    facts = sdk_facts(client_doc)  # the same checks and facts as the Python generator's
    policy = RetryPolicy()
    client_ops = {op.get("operationId"): op for _, _, _, op in iter_operations(client_doc)}
    out = copy.deepcopy(published)
    for _, _, _, op in iter_operations(out):
        op_id = op.get("operationId")
        source, op_facts = client_ops.get(op_id), facts.operations.get(op_id) if isinstance(op_id, str) else None
        if source is None or op_facts is None:
            continue
        op.update(rstar_hints(op_facts))
        pagination = speakeasy_pagination(op_facts)
        if pagination is not None:
            op["x-speakeasy-pagination"] = pagination
        op["x-speakeasy-retries"] = speakeasy_retries(op_facts, policy)
    client_schemes = client_doc.get("components", {}).get("securitySchemes", {})
    for name, scheme in out.get("components", {}).get("securitySchemes", {}).items():
        source = client_schemes.get(name, {})
        scheme.update({key: copy.deepcopy(source[key]) for key in SCHEME_HINTS if key in source})
    return out
