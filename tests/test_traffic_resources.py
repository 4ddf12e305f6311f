"""Traffic rules across exchanges hold for every resource the spec grows, read by the resource model's roles:
created reads back, deleted stays gone, ETag and 304, PUT replaces, Location names the item, pages, and an
action is a write on its item. Recordings are written by hand from the grown contract page's rows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from growth import ACTION, RESOURCE, grow
from traffic_recordings import AUTH, Har

APPOINTMENTS = f"/{RESOURCE}"  # appointments, unless the spec has them already
STAMP = "2026-04-20T10:00:00Z"


def appointment(appointment_id: int, updated: str = STAMP, **fields: Any) -> dict[str, Any]:
    base = {"id": appointment_id, "title": "Haircut", "starts_at": "2026-05-01T09:00:00Z", "duration_minutes": 45,
            "status": "booked", "created_at": STAMP, "updated_at": updated}  # fmt: skip
    return {**base, **fields}


BOOK = {"title": "Haircut", "starts_at": "2026-05-01T09:00:00Z", "duration_minutes": 45, "notes": "fringe"}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return grow(tmp_path_factory.mktemp("grown"))


def run(spec: Path, har: Har, tmp_path: Path) -> tuple[int, list[tuple[int, str, str]]]:
    """The exit code and (entry from 0, rule, severity) of every line the command printed."""
    path = har.write(tmp_path / "rec.har")
    done = subprocess.run(
        [sys.executable, "-m", "rstar_spec", "--spec", str(spec), "traffic", "check", str(path)],
        capture_output=True,
        text=True,
    )
    found = []
    for line in done.stdout.splitlines():
        match = re.match(r"^\S+#(\d+) \S+ \S+ \d+ ([a-z0-9-]+): (warning: )?", line)
        if match:
            found.append((int(match.group(1)), match.group(2), "warning" if match.group(3) else "error"))
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, found


def booked(har: Har, appointment_id: int = 9, *, location_id: int | None = None) -> Har:
    location = f"/api/v3{APPOINTMENTS}/{location_id or appointment_id}"
    return har.add("POST", APPOINTMENTS, 201, body=BOOK, headers=AUTH,
                   answer=appointment(appointment_id, notes="fringe"), answer_headers={"Location": location})  # fmt: skip


def etagged(har: Har, appointment_id: int, tag: str, body: dict[str, Any]) -> Har:
    return har.add("GET", f"{APPOINTMENTS}/{appointment_id}", 200, headers=AUTH, answer=body,
                   answer_headers={"ETag": tag})  # fmt: skip


def clean() -> Har:
    har = booked(Har())
    etagged(har, 9, '"a9-1"', appointment(9, notes="fringe"))
    har.add("GET", f"{APPOINTMENTS}/9", 304, headers={**AUTH, "If-None-Match": '"a9-1"'})
    har.add("GET", f"{APPOINTMENTS}?offset=0&limit=2", 200, headers=AUTH,
            answer={"data": [appointment(8), appointment(9, notes="fringe")], "offset": 0, "limit": 2, "total": 2})  # fmt: skip
    moved = {k: v for k, v in BOOK.items() if k != "notes"}
    har.add("PUT", f"{APPOINTMENTS}/9", 200, body=moved, headers=AUTH, answer=appointment(9, "2026-04-21T08:00:00Z"))
    etagged(har, 9, '"a9-2"', appointment(9, "2026-04-21T08:00:00Z"))
    har.add("POST", f"{APPOINTMENTS}/9/{ACTION}", 200, headers=AUTH,
            answer=appointment(9, "2026-04-22T12:00:00Z", status="cancelled"))  # fmt: skip
    etagged(har, 9, '"a9-3"', appointment(9, "2026-04-22T12:00:00Z", status="cancelled"))
    har.add("DELETE", f"{APPOINTMENTS}/9", 204, headers=AUTH)
    har.add("GET", f"{APPOINTMENTS}/9", 404, headers=AUTH, answer={"code": "not_found", "message": "No."})
    return har


def test_a_session_on_the_new_resource_checks_clean(spec: Path, tmp_path: Path) -> None:
    assert run(spec, clean(), tmp_path) == (0, [])


def test_a_created_item_reading_back_404_is_a_finding(spec: Path, tmp_path: Path) -> None:
    har = booked(Har()).add(
        "GET", f"{APPOINTMENTS}/9", 404, headers=AUTH, answer={"code": "not_found", "message": "No."}
    )
    assert run(spec, har, tmp_path) == (1, [(1, "created-reads-back", "error")])


def test_a_deleted_item_reading_back_is_a_finding(spec: Path, tmp_path: Path) -> None:
    har = booked(Har()).add("DELETE", f"{APPOINTMENTS}/9", 204, headers=AUTH)
    etagged(har, 9, '"a9-1"', appointment(9, notes="fringe"))
    assert run(spec, har, tmp_path) == (1, [(2, "deleted-stays-gone", "error")])


def test_a_304_after_an_action_changed_the_item_is_a_finding(spec: Path, tmp_path: Path) -> None:
    har = booked(Har())
    etagged(har, 9, '"a9-1"', appointment(9, notes="fringe"))
    har.add("POST", f"{APPOINTMENTS}/9/{ACTION}", 200, headers=AUTH,
            answer=appointment(9, "2026-04-22T12:00:00Z", status="cancelled", notes="fringe"))  # fmt: skip
    har.add("GET", f"{APPOINTMENTS}/9", 304, headers={**AUTH, "If-None-Match": '"a9-1"'})
    assert run(spec, har, tmp_path) == (1, [(3, "etag-not-modified", "error")])


def test_a_put_that_keeps_what_it_left_out_is_a_finding(spec: Path, tmp_path: Path) -> None:
    moved = {k: v for k, v in BOOK.items() if k != "notes"}
    har = booked(Har()).add("PUT", f"{APPOINTMENTS}/9", 200, body=moved, headers=AUTH,
                            answer=appointment(9, "2026-04-21T08:00:00Z", notes="fringe"))  # fmt: skip
    assert run(spec, har, tmp_path) == (1, [(1, "put-drops-omitted", "error")])


def test_a_location_naming_another_item_is_a_finding(spec: Path, tmp_path: Path) -> None:
    assert run(spec, booked(Har(), location_id=10), tmp_path) == (1, [(0, "location-names-item", "error")])


def test_a_page_out_of_order_is_a_finding(spec: Path, tmp_path: Path) -> None:
    har = Har().add("GET", f"{APPOINTMENTS}?offset=0&limit=2", 200, headers=AUTH,
                    answer={"data": [appointment(9), appointment(8)], "offset": 0, "limit": 2, "total": 2})  # fmt: skip
    assert run(spec, har, tmp_path) == (1, [(0, "page-matches-request", "error")])


def test_a_change_of_any_read_only_field_is_a_sign_of_another_writer(spec: Path, tmp_path: Path) -> None:
    har = booked(Har())
    etagged(har, 9, '"a9-1"', appointment(9, notes="fringe"))
    har.add("DELETE", f"{APPOINTMENTS}/9", 204, headers=AUTH)
    etagged(har, 9, '"a9-1"', appointment(9, notes="fringe", status="cancelled"))  # status is read-only: not ours
    assert run(spec, har, tmp_path) == (0, [(3, "deleted-stays-gone", "warning")])
