"""`rstar-spec contract`: schemathesis with every check, ours registered from checks.py."""

from ._runner import ALL_PHASES, ContractOptions, run_contract, run_schemathesis

__all__ = ["ALL_PHASES", "ContractOptions", "run_contract", "run_schemathesis"]
