"""`rstar-spec traffic check`: recorded exchanges (HAR 1.2) checked against the spec, one by one and
across exchanges in recorded order; and the recorders (`mock --record`, `proxy`) that write HAR.

HarEntries(path) -> exchanges, one by one    traffic/har.py (read_har: all at once; HarRecorder, redaction)
Checker(Spec.of(doc)).session(name)          traffic/checker.py: observe(exchange) -> [Finding]
check_files(checker, paths, report)          every file streamed, each finding reported as it is found
RULES                                        traffic/rules.py, registered in traffic/_registry.py
"""

from ._context import Spec
from ._registry import RULES, Rule
from .checker import Checker, Counts, Finding, FindingWriter, TrafficSession, check_files, check_recordings
from .har import Exchange, HarEntries, HarError, HarRecorder, Recording, read_har

__all__ = [
    "RULES", "Checker", "Counts", "Exchange", "Finding", "FindingWriter", "HarEntries", "HarError", "HarRecorder",
    "Recording", "Rule", "Spec", "TrafficSession", "check_files", "check_recordings", "read_har",
]  # fmt: skip
