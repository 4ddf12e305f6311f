"""`rstar-spec contract`: schemathesis with every check, ours registered from checks.py; guarded
against a server we do not run (_guard.py, _proxy.py, _account.py)."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._runner import ALL_PHASES, ContractOptions, run_contract, run_guarded, run_schemathesis

__all__ = ["ALL_PHASES", "ContractOptions", "run_contract", "run_guarded", "run_schemathesis"]


# The runner (httpx, the proxy's server) loads on first use: every schemathesis process of a run imports
# this package for checks.py, which needs none of it.
def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("._runner", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
