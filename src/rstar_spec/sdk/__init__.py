"""Facts every SDK needs (idempotency, pagination, token grants, method names, secrets), in the JSON's names.

facts       read from the overlaid document's x-rstar-* hints, checked against the spec; the Python
            client's generator names them (python_client/facts.py), publish turns them into SDK hints
"""

from .facts import OperationFacts, PaginationFacts, SdkFacts, TokenFacts, sdk_facts

__all__ = ["OperationFacts", "PaginationFacts", "SdkFacts", "TokenFacts", "sdk_facts"]
