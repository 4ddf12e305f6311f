"""Runs in the schemathesis process (imported by checks.py): notes each stateful case that followed a link.

schemathesis 4 keeps what a stateful step came from in its scenario recorder: the case's transition
(`"POST /things -> [201] get_thing -> GET /things/{thing_id}"`, the parent case's id) and whether
the link's values were applied. The recorder reaches checks only (`ctx.internals.recorder`; hooks see
the operation alone), so this is a check that never fails: it appends one JSON line per such case to
the file named by RSTAR_CONTRACT_LINKS, and the coverage joins it to the exchange that carried the
case's id (`X-Schemathesis-TestCaseId`) to the server.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections import Counter
from typing import Any

import schemathesis

LINKS_ENV = "RSTAR_CONTRACT_LINKS"
_PATH = os.environ.get(LINKS_ENV)
_lock = threading.Lock()


@schemathesis.check
def note_link_followed(ctx: Any, response: Any, case: Any) -> None:
    """Not a check: writes down the link a stateful case followed (see the module's docstring)."""
    if not _PATH:
        return
    recorder = getattr(getattr(ctx, "internals", None), "recorder", None)
    node = getattr(recorder, "cases", {}).get(case.id) if recorder is not None else None
    transition = getattr(node, "transition", None)
    if node is None or transition is None:
        return
    line = json.dumps(
        {"case": case.id, "transition": str(transition.id), "applied": bool(node.is_transition_applied)},
        sort_keys=True,
    )
    with _lock, open(_PATH, "a", encoding="utf-8") as out:
        out.write(line + "\n")


# -- which of our checks judged which operations ------------------------------------------------------------
# Counted in memory (a check runs on every answer) and written once, when the schemathesis process ends,
# to the file named by RSTAR_CONTRACT_CHECKS: one JSON line {"check", "operation", "ran"} per pair.
CHECKS_ENV = "RSTAR_CONTRACT_CHECKS"
_CHECKS_PATH = os.environ.get(CHECKS_ENV)
_ran: Counter[tuple[str, str]] = Counter()


def note_check(check: str, case: Any) -> None:
    """One of our checks judged an answer of the case's operation."""
    if _CHECKS_PATH:
        with _lock:
            _ran[(check, f"{case.operation.method.upper()} {case.operation.path}")] += 1


@atexit.register
def _write_checks() -> None:
    if not _CHECKS_PATH or not _ran:
        return
    with _lock, open(_CHECKS_PATH, "a", encoding="utf-8") as out:
        for (check, operation), ran in sorted(_ran.items()):
            out.write(json.dumps({"check": check, "operation": operation, "ran": ran}, sort_keys=True) + "\n")
