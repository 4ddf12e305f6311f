"""Bench entry: `rstar-spec traffic check` on large recordings, made on the fly (nothing committed).

A synthetic HAR of a server's traffic, in the shape of a busy client of the API: create a client,
read it, read it again with its ETag (304), replace it, list a page, delete it, read it (404), one
cycle of 7 exchanges per client, clients never reused; one client in ten gets a Location that names
another (a finding each, so findings stream out as well). Written entry by entry, so making a 300k-entry
file costs no more memory than making a small one.

Measured: entries checked per second and the peak RSS of the whole process, at 100k and 300k entries;
beside it, in the same run, the floor of the reader it replaced (`json.load` of the same file: every
entry in memory at once, before any check), so the table shows what streaming saves. The reader and the
findings take flat memory; what grows is the state kept across exchanges, bounded at MAX_ITEMS (20,000)
items, which this traffic (a new client every 7 entries) reaches at 140k entries. Target: the peak RSS at
300k within 1.5x of 100k while the old reader's floor triples.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "generated" / "openapi" / "reception-star.openapi.yaml"
BASE = "https://my.receptionstar.com/api/v3"
START = datetime(2026, 3, 2, 14, 0, 0, tzinfo=UTC)
AUTH = [{"name": "Authorization", "value": "Bearer tok_bench"}]
JSON = "application/json"


def _client(client_id: int, **extra: Any) -> dict[str, Any]:
    return {"id": client_id, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "created_at": "2026-01-15T09:30:00Z", "updated_at": "2026-01-15T09:30:00Z", **extra}  # fmt: skip


def _entry(started: datetime, method: str, url: str, status: int, *, body: Any = None, answer: Any = None,
           headers: list[dict[str, str]] | None = None, answer_headers: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    request: dict[str, Any] = {"method": method, "url": BASE + url, "httpVersion": "HTTP/1.1",
                               "headers": [*AUTH, *(headers or [])], "queryString": [], "cookies": [],
                               "headersSize": -1, "bodySize": 0}  # fmt: skip
    if body is not None:
        text = json.dumps(body)
        request["postData"] = {"mimeType": JSON, "text": text}
        request["headers"].append({"name": "Content-Type", "value": JSON})
    response_headers = dict(answer_headers or {})
    content: dict[str, Any] = {"size": 0, "mimeType": ""}
    if answer is not None:
        text = json.dumps(answer)
        response_headers["Content-Type"] = JSON
        content = {"size": len(text), "mimeType": JSON, "text": text}
    return {
        "startedDateTime": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"), "time": 12.5,
        "request": request,
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                     "headers": [{"name": k, "value": v} for k, v in response_headers.items()], "content": content,
                     "redirectURL": "", "headersSize": -1, "bodySize": content["size"]},
        "cache": {}, "timings": {"send": 0, "wait": 12.5, "receive": 0},
    }  # fmt: skip


def _cycle(client_id: int, clock: datetime) -> list[dict[str, Any]]:
    step = timedelta(milliseconds=50)
    path, etag = f"/clients/{client_id}", f'"{client_id}-1"'
    # One client in ten: the server's Location names another client (a finding), so findings stream out too
    location = f"/api/v3/clients/{client_id + 1 if client_id % 10 == 0 else client_id}"
    created = _client(client_id)
    replaced = _client(client_id, last_name="King", updated_at="2026-03-02T14:00:01Z")
    del replaced["email"]
    page = {"data": [_client(client_id)], "offset": 0, "limit": 1, "total": 1}
    exchanges = [
        ("POST", "/clients", 201, {"body": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
                                   "answer": created, "answer_headers": {"Location": location}}),
        ("GET", path, 200, {"answer": created, "answer_headers": {"ETag": etag}}),
        ("GET", path, 304, {"headers": [{"name": "If-None-Match", "value": etag}], "answer_headers": {"ETag": etag}}),
        ("PUT", path, 200, {"body": {"first_name": "Ada", "last_name": "King"}, "answer": replaced}),
        ("GET", "/clients?offset=0&limit=1", 200, {"answer": page}),
        ("DELETE", path, 204, {}),
        ("GET", path, 404, {"answer": {"code": "not_found", "message": "No such client."}}),
    ]  # fmt: skip
    return [
        _entry(clock + i * step, method, url, status, **kw) for i, (method, url, status, kw) in enumerate(exchanges)
    ]


def write_synthetic_har(path: Path, entries: int) -> Path:
    """A HAR of `entries` exchanges of a correct server, written entry by entry."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": [\n')
        written, client_id, clock = 0, 1, START
        while written < entries:
            for entry in _cycle(client_id, clock)[: entries - written]:
                out.write(("," if written else "") + json.dumps(entry) + "\n")
                written += 1
            client_id += 1
            clock += timedelta(seconds=1)
        out.write("]}}\n")
    return path


def run(
    measure: Callable[[list[str], int], tuple[float, float]], folder: Path, quick: bool
) -> tuple[list[str], list[str]]:
    sizes = [5_000] if quick else [100_000, 300_000]
    check = [sys.executable, "-m", "rstar_spec", "traffic", "check", "--spec", str(PUBLISHED)]
    lines = [
        "| entries | file MB | traffic check s | entries/s | peak RSS MiB | json.load of the file: s, peak RSS MiB (the old reader's floor) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    peaks: list[float] = []
    floors: list[float] = []
    for n in sizes:
        har = write_synthetic_har(folder / f"synthetic-{n}.har", n)
        seconds, rss = measure([*check, str(har)], 1)
        load_s, load_rss = measure([sys.executable, "-c", f"import json; json.load(open({str(har)!r}))"], 1)
        peaks.append(rss)
        floors.append(load_rss)
        size_mb = har.stat().st_size / 1e6
        lines.append(
            f"| {n:,} | {size_mb:.0f} | {seconds:.1f} | {n / seconds:,.0f} | {rss:.0f} | {load_s:.1f}, {load_rss:.0f} |"
        )
        print(f"  measured traffic check on {n} entries", file=sys.stderr)
        har.unlink()
    verdicts = []
    if len(peaks) == 2:
        growth, old_growth = peaks[1] / peaks[0], floors[1] / floors[0]
        verdicts.append(
            f"- peak RSS x{growth:.2f} for x{sizes[1] / sizes[0]:.0f} the entries (json.load of the file: x{old_growth:.2f}): "
            f"target <= 1.5x, the state across exchanges filling to its bound {'met' if growth <= 1.5 else 'MISSED'}"
        )
    return lines, verdicts
