"""`rstar-spec contract`: schemathesis with every check, ours registered from checks.py; guarded
against a server we do not run (_guard.py, _proxy.py, _account.py)."""

from ._runner import ALL_PHASES, ContractOptions, run_contract, run_guarded, run_schemathesis

__all__ = ["ALL_PHASES", "ContractOptions", "run_contract", "run_guarded", "run_schemathesis"]
