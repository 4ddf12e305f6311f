"""`rstar-spec traffic check`: recorded exchanges (HAR 1.2) checked against the spec, one by one and
across exchanges in recorded order; and the recorders (`mock --record`, `proxy`) that write HAR.

read_har(path) -> Recording                 traffic/har.py (and HarRecorder, redaction)
Checker(Spec.of(doc)).session(name)          traffic/checker.py: observe(exchange) -> [Finding]
RULES                                        traffic/rules.py, registered in traffic/_registry.py
"""

from ._context import Spec
from ._registry import RULES, Rule
from .checker import Checker, Counts, Finding, TrafficSession, check_recordings, render
from .har import Exchange, HarError, HarRecorder, Recording, read_har

__all__ = [
    "RULES", "Checker", "Counts", "Exchange", "Finding", "HarError", "HarRecorder", "Recording", "Rule", "Spec",
    "TrafficSession", "check_recordings", "read_har", "render",
]  # fmt: skip
