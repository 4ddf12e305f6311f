"""The README's checklist (Job 1: change and release the spec), end to end, on a copy of the repository whose spec grows as an
API grows (tests/growth.py: a new resource with its own id, schemas and examples, an action below its item, a
new optional field on an existing resource, the contract page's rows, a new info.version).

Only spec/ and docs/ are edited; everything else comes from the commands, in the order the README gives:
lint and validate, `breaking`, `generate` and `publish` (what `nox -s generate` runs), the drift checks. Then
the generated client's new methods run against the mock serving the grown spec, with a recording that
`traffic check` finds clean, and finds the breach in once a created item reads back 404.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from growth import ITEM_PATH, NEW_FIELD, NEXT_VERSION, RESOURCE, grow

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "rs_test_grown_key_0123456789"
RELEASED = "reception-star.*.openapi"  # every release the checkout has: none may change


def _run(checkout: Path, *args: str, ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "rstar_spec", *args],
        cwd=checkout,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    assert done.returncode in ok, f"rstar-spec {' '.join(args)}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _git(checkout: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "-C", str(checkout), *args], check=True,
                   capture_output=True)  # fmt: skip


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's spec and what derives from it, committed on main as released; then the spec grown."""
    root = tmp_path_factory.mktemp("checkout")
    for folder in ("spec", "docs", "overlays", "templates", "generated"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy(ROOT / "CHANGELOG.md", root / "CHANGELOG.md")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "as released")
    grown = grow(tmp_path_factory.mktemp("grown"))
    for folder in ("spec", "docs"):  # the maintainer's edit: spec/ and docs/ only
        shutil.rmtree(root / folder)
        shutil.copytree(grown.parent.parent / folder, root / folder)
    return root


@pytest.fixture(scope="module")
def regenerated(checkout: Path) -> Path:
    """The checklist in the README's order, up to the commit."""
    released = {p.name: p.read_bytes() for p in (checkout / "generated" / "openapi").glob(f"{RELEASED}*")}
    _run(checkout, "lint")
    _run(checkout, "validate")
    _run(checkout, "breaking")  # a new resource and an optional field: no new major needed
    _run(checkout, "generate")
    _run(checkout, "publish")
    _run(checkout, "publish", "--check")
    _run(checkout, "generate", "--check")
    now = {p.name: p.read_bytes() for p in (checkout / "generated" / "openapi").glob(f"{RELEASED}*")}
    assert {name: now.get(name) for name in released} == released  # the released files, byte for byte
    assert list((checkout / "generated" / "openapi").glob(f"reception-star.{NEXT_VERSION}.openapi*"))
    return checkout


def test_the_checklist_regenerates_everything_and_keeps_the_release(regenerated: Path) -> None:
    client = regenerated / "generated" / "python" / "reception_star" / "api" / RESOURCE / "__init__.py"
    text = client.read_text(encoding="utf-8")
    for method in ("list", "create", "retrieve", "update", "delete", "cancel"):
        assert f"def {method}(" in text, method


@pytest.fixture(scope="module")
def mock_url(regenerated: Path) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "rstar_spec", "mock", "--port", "0"],
        cwd=regenerated, env={**os.environ, "RSTAR_MOCK_API_KEY": API_KEY},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("mock: serving"), line + (proc.stderr.read() if proc.stderr else "")
        yield line.split(" on ", 1)[1].strip()
    finally:
        proc.kill()  # by its PID: the server this test started
        proc.wait(timeout=10)


SESSION = """
import datetime, sys
from reception_star import ReceptionStar, errors

with ReceptionStar(base_url=sys.argv[1], record=sys.argv[2]) as api:
    starts = datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC)
    made = api.RESOURCE.create(title="Haircut", starts_at=starts, duration_minutes=45, notes="fringe")
    assert api.RESOURCE.retrieve(made.id).notes == "fringe"
    assert api.RESOURCE.retrieve(made.id).title == "Haircut"  # the ETag cache: a 304 on the wire
    assert made.id in [a.id for a in api.RESOURCE.list(limit=100)]
    moved = api.RESOURCE.update(made.id, title="Haircut", starts_at=starts, duration_minutes=30)
    assert moved.duration_minutes == 30 and moved.notes is None  # PUT drops what it leaves out
    assert api.RESOURCE.cancel(made.id).id == made.id
    try:
        api.RESOURCE.create(title="", starts_at=starts, duration_minutes=45)
        raise SystemExit("a title of 0 characters was accepted")
    except errors.BadRequestError:
        pass
    api.RESOURCE.delete(made.id)
    for gone in (lambda: api.RESOURCE.retrieve(made.id), lambda: api.RESOURCE.cancel(made.id)):
        try:
            gone()
            raise SystemExit("a deleted appointment answered")
        except errors.NotFoundError:
            pass
    ada = api.clients.create(first_name="Ada", last_name="Lovelace", NEW_FIELD="Analytical Engines")
    assert api.clients.retrieve(ada.id).NEW_FIELD == "Analytical Engines"  # the new field is kept
    api.clients.delete(ada.id)
print("session ok")
"""


@pytest.fixture(scope="module")
def recording(regenerated: Path, mock_url: str) -> Path:
    har = regenerated / "session.har"
    script = SESSION.replace("RESOURCE", RESOURCE).replace("NEW_FIELD", NEW_FIELD)
    done = subprocess.run(
        [sys.executable, "-c", script, mock_url, str(har)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "RSTAR_API_KEY": API_KEY, "PYTHONPATH": str(regenerated / "generated" / "python")},
    )  # fmt: skip
    assert done.returncode == 0 and "session ok" in done.stdout, done.stdout + done.stderr
    return har


def test_the_new_client_methods_work_against_the_mock_and_their_recording_checks_clean(
    regenerated: Path, recording: Path
) -> None:
    out = _run(regenerated, "traffic", "check", "--spec", "spec/openapi.yaml", str(recording))
    assert ", findings 0, warnings 0" in out, out
    assert API_KEY not in recording.read_text(encoding="utf-8")


def test_a_created_item_that_reads_back_404_is_a_finding(regenerated: Path, recording: Path) -> None:
    har = json.loads(recording.read_text(encoding="utf-8"))
    prefix = ITEM_PATH.split("{", 1)[0]
    entry = next(
        e for e in har["log"]["entries"]
        if e["request"]["method"] == "GET" and prefix in e["request"]["url"] and e["response"]["status"] == 200
    )  # fmt: skip
    body = json.dumps({"code": "not_found", "message": "No such appointment."})
    entry["response"].update(status=404, headers=[{"name": "Content-Type", "value": "application/json"}])
    entry["response"]["content"] = {"size": len(body), "mimeType": "application/json", "text": body}
    broken = regenerated / "broken.har"
    broken.write_text(json.dumps(har), encoding="utf-8")
    out = _run(regenerated, "traffic", "check", "--spec", "spec/openapi.yaml", str(broken), ok=(1,))
    assert "created-reads-back" in out, out
