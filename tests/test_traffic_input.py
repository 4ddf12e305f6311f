"""`rstar-spec traffic check` on hostile and large input (issue 27, B9, B11, B12, B13): a malformed entry is
one line naming FILE#N and exit 2, never a traceback; entries and findings stream (memory flat in the
number of entries and files); a value of the traffic never forges an output line."""

from __future__ import annotations

import copy
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from traffic_recordings import AUTH, BASE, CREATE, CROSS_BREACHES, LOCATION, Har, client, error, every_freedom

from conftest import RunCli
from rstar_spec.core.errors import RstarError
from rstar_spec.oas.bundle import bundle
from rstar_spec.traffic import Checker, Finding, Spec
from rstar_spec.traffic.checker import FindingWriter, check_files
from rstar_spec.traffic.har import Exchange, HarEntries

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "generated" / "openapi" / "reception-star.openapi.yaml"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Spec.of(bundle(PUBLISHED).data))


def _text(har: Har, **replace: str) -> str:
    """The recording as JSON text, with `"key": value` spellings replaced (NaN and the like are not JSON)."""
    text = json.dumps(har.data())
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


# -- B9: malformed entries are one line and exit 2; odd but readable values are no traceback -----------


def test_a_url_with_a_broken_ipv6_host_is_one_line_naming_the_entry(run_cli: RunCli, tmp_path: Path) -> None:
    path = Har().add("GET", "/heart", 200).add("GET", "http://[::1/api/v3/heart", 200).write(tmp_path / "r.har")
    code, _out, err = run_cli("traffic", "check", str(path))
    assert code == 2 and len(err.splitlines()) == 1, err
    assert f"{path}#1: request.url: not a URL (Invalid IPv6 URL)" in err


def test_a_location_with_a_broken_ipv6_host_is_a_finding(run_cli: RunCli, tmp_path: Path) -> None:
    har = Har().add("POST", "/clients", 201, headers=AUTH, body=CREATE, answer=client(51),
                    answer_headers={"Location": "http://[::1/api/v3/clients/51"})  # fmt: skip
    code, out, err = run_cli("traffic", "check", str(har.write(tmp_path / "r.har")))
    assert code == 1, err
    assert "location-names-item: Location is not a URI reference" in out


@pytest.mark.parametrize("time", ["NaN", "Infinity", "-Infinity", "1e300", "1e308"])
def test_an_entry_time_that_is_no_duration_leaves_the_timing_unknown(
    run_cli: RunCli, tmp_path: Path, time: str
) -> None:
    _rule, _index, har = copy.deepcopy(CROSS_BREACHES["a created client does not read back"])
    path = tmp_path / "r.har"
    path.write_text(_text(har, **{'"time": 20': f'"time": {time}'}), encoding="utf-8")
    code, out, err = run_cli("traffic", "check", str(path))
    assert code == 0, err  # a breach across exchanges whose timing the recording does not give: a warning
    assert "created-reads-back: warning: " in out and "does not say when" in out


def test_a_started_time_at_the_end_of_the_calendar_is_no_traceback(run_cli: RunCli, tmp_path: Path) -> None:
    _rule, _index, har = copy.deepcopy(CROSS_BREACHES["a created client does not read back"])
    har.entries[0]["startedDateTime"] = "9999-12-31T23:59:59.999Z"
    har.entries[0]["time"] = 1e9
    code, out, err = run_cli("traffic", "check", str(har.write(tmp_path / "r.har")))
    assert code == 0 and "does not say when" in out, err


def test_a_request_body_with_a_lone_surrogate_that_breaks_its_schema_is_no_traceback(
    run_cli: RunCli, tmp_path: Path
) -> None:
    har = Har()
    # accepted: JSON text that is not I-JSON; servers read it in different ways (RFC 8259 8.2): a warning
    har.add("POST", "/clients", 201, headers=AUTH, body='{"first_name": 5, "last_name": "\\ud800"}', answer=client(51),
            answer_headers=LOCATION)  # fmt: skip
    har.add("POST", "/clients", 201, headers=AUTH, body='{"\\udc00": 1, "first_name": "A", "last_name": "B"}',
            answer=client(52), answer_headers={"Location": "/api/v3/clients/52"})  # fmt: skip
    code, out, err = run_cli("traffic", "check", str(har.write(tmp_path / "r.har")))
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2 and all("invalid-request-accepted: warning: " in line for line in lines), out
    assert "lone surrogate" in lines[0] and "RFC 8259" in lines[0]


def test_an_answer_with_a_lone_surrogate_that_breaks_its_schema_is_a_finding(run_cli: RunCli, tmp_path: Path) -> None:
    har = Har().add("GET", "/clients/1", 200, headers=AUTH, raw_answer='{"id": "\\ud800"}', content_type="application/json",
                    answer_headers={"ETag": '"1"'})  # fmt: skip
    code, out, err = run_cli("traffic", "check", str(har.write(tmp_path / "r.har")))
    assert code == 1, err
    assert out.count("\n") == 1 and "response-body-schema: the 200 body holds a lone surrogate" in out


def test_a_lone_surrogate_body_rightly_refused_is_no_finding(run_cli: RunCli, tmp_path: Path) -> None:
    """B13: the mock refuses such a body with 400; not a valid request (RFC 8259 8.2, I-JSON), so no finding."""
    har = Har().add("POST", "/clients", 400, headers=AUTH, body='{"first_name": "\\ud800", "last_name": "x"}',
                    answer=error("bad_request"))  # fmt: skip
    code, out, err = run_cli("traffic", "check", str(har.write(tmp_path / "r.har")))
    assert (code, out) == (0, ""), out
    assert "findings 0, warnings 0" in err


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [
        ("method", "GET\ud800", "request.method: holds a lone surrogate"),
        ("url", BASE + "/heart\udfff", "request.url: holds a lone surrogate"),
        ("header", "x\ud800", "request.headers[0]: holds a lone surrogate"),
    ],
)
def test_a_lone_surrogate_where_the_wire_holds_bytes_is_one_line(
    run_cli: RunCli, tmp_path: Path, where: str, value: str, says: str
) -> None:
    har = Har().add("GET", "/heart", 200, headers={"X-Any": "1"})
    request = har.entries[0]["request"]
    if where == "header":
        request["headers"][0]["value"] = value
    else:
        request[where] = value
    path = tmp_path / "r.har"
    path.write_text(json.dumps(har.data()), encoding="utf-8")  # ensure_ascii: the surrogate as a \u escape
    code, _out, err = run_cli("traffic", "check", str(path))
    assert code == 2 and len(err.splitlines()) == 1 and f"{path}#0: {says}" in err, err


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": 200}}, {"x": ]}}',
         "#1: not JSON"),
        ('{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": 200}}', "not JSON"),
        ('{"log": {"entries": []}} x', "not JSON"),
        ('{"log": {"entries": []}, "log": {"entries": []}}', "`log` twice"),
        ('{"log": {"entries": [], "entries": []}}', "`log.entries` twice"),
        ('{"log": {"version": "1.2"}}', "`log.entries` is not a list"),
        ('{"log": []}', "no `log` object"),
        ("[]", "no `log` object"),
        ('{"log": {"entries": [1]}}', "#0: not an object"),
        ('{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": 1e400}}]}}',
         "#0: response.status"),
        ('{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": 200}, "time": 1' + "0" * 5000 + "}]}}",
         "#0: not JSON"),
        ('\ufeff{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": 2000000000000000000000}}]}}',
         "#0: response.status"),
    ],
)  # fmt: skip
def test_malformed_input_is_one_line_and_exit_2(run_cli: RunCli, tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.har"
    path.write_text(text, encoding="utf-8")
    code, _out, err = run_cli("traffic", "check", "--spec", str(PUBLISHED), str(path))
    assert code == 2 and len(err.splitlines()) == 1 and says in err, err


def test_an_entry_past_the_bound_is_one_line(tmp_path: Path, checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    import rstar_spec.traffic.har as har_module

    monkeypatch.setattr(har_module, "MAX_ENTRY_BYTES", 2000)
    har = every_freedom()
    har.entries[3]["response"]["content"]["text"] = "x" * 5000
    path = har.write(tmp_path / "big.har")
    with pytest.raises(RstarError, match=r"big\.har#3: over 2000 bytes, the most one entry may have"):
        check_files(checker, [path], lambda f: None)


# -- the HAR reader, fuzzed ----------------------------------------------------------------------------

JUNK: list[Any] = [
    None, True, 0, -1, 99, 600, 2**70, 1.5, float("nan"), float("inf"), -float("inf"), 1e300, "", "x", "GET",
    "http://[::1", "http://[::1]:99999/api/v3/heart", "http://h:x/api/v3/heart", "//api/v3/heart", "/api/v3/clients/%ff",
    "\ud800", "a\x00b", "\x1b[2J", "\u202e", "base64", "1e400", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
    "2026-03-02T14:00:00", [], [1], [{"name": "ETag"}], [{"name": 1, "value": 2}], {}, {"text": "\ud800"},
    {"text": "@@", "encoding": "base64"}, {"text": "e30=", "encoding": "base64"}, {"name": "x", "value": None},
    '{"id": "\\ud800", "first_name": 5}', '{"\\udc00": [1e400, -0.0, 123456789012345678901234567890]}',
    {"name": "Location", "value": "http://[::1/x"}, {"name": "ETag", "value": "\u202e"},
]  # fmt: skip
KEYS = ["request", "response", "method", "url", "status", "headers", "postData", "content", "text", "encoding",
        "mimeType", "comment", "startedDateTime", "time", "_fromCache", "name", "value", "httpVersion"]  # fmt: skip
BASE_ENTRIES = every_freedom().entries


def _places(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _places(value, (*here, i))


@st.composite
def mutated_entry(draw: st.DrawFn) -> dict[str, Any]:
    entry = json.loads(json.dumps(draw(st.sampled_from(BASE_ENTRIES))))
    for _ in range(draw(st.integers(1, 3))):
        places = list(_places(entry))[1:]
        place = draw(st.sampled_from(places))
        parent = entry
        for token in place[:-1]:
            parent = parent[token]
        how = draw(st.sampled_from(["set", "delete", "add"]))
        value = copy.deepcopy(draw(st.sampled_from(JUNK)))
        if how == "set":
            parent[place[-1]] = value
        elif how == "delete":
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = value
        else:
            parent.append(value)
    return entry


def _fuzz_settings(test: Any) -> Any:
    configured = settings(max_examples=int(os.environ.get("RSTAR_FUZZ_EXAMPLES", "150")), deadline=None,
                          database=None, derandomize="RSTAR_FUZZ_SEED" not in os.environ,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])(test)  # fmt: skip
    return seed(int(os.environ["RSTAR_FUZZ_SEED"]))(configured) if "RSTAR_FUZZ_SEED" in os.environ else configured


@_fuzz_settings
@given(entries=st.lists(mutated_entry(), min_size=1, max_size=4), cut=st.one_of(st.none(), st.integers(0, 4000)))
def test_no_malformed_entry_gives_a_traceback(
    checker: Checker, tmp_path: Path, entries: list[dict[str, Any]], cut: int | None
) -> None:
    text = json.dumps({"log": {"version": "1.2", "entries": [*BASE_ENTRIES[:2], *entries]}})
    path = tmp_path / "fuzz.har"
    path.write_text(text if cut is None else text[:cut], encoding="utf-8", errors="surrogatepass")
    out = io.StringIO()
    writer = FindingWriter("text", out)
    try:
        counts = check_files(checker, [path], writer.write)
    except RstarError as exc:  # the only way out: one line naming the file
        assert "\n" not in str(exc) and str(exc).startswith(str(path)), str(exc)
        return
    writer.finish(counts)
    assert counts.checked + counts.skipped == len(entries) + 2
    for line in out.getvalue().splitlines():
        assert line.startswith(f"{path}#"), line


# -- B11: entries and findings stream ------------------------------------------------------------------


def test_entries_are_read_one_by_one_and_a_later_malformed_entry_is_met_when_read(tmp_path: Path) -> None:
    har = every_freedom()
    text = json.dumps(har.data())
    path = tmp_path / "r.har"
    path.write_text(text.replace('"entries": [', '"entries": [' + json.dumps(har.entries[0]) + ", {oops}, ", 1))
    entries = HarEntries(path)
    reading = iter(entries)
    first = next(reading)
    assert isinstance(first, Exchange) and first.index == 0 and first.url.endswith("/heart")
    with pytest.raises(RstarError, match=r"r\.har#1: not JSON"):
        next(reading)


def test_findings_are_reported_as_they_are_found_not_kept(tmp_path: Path, checker: Checker) -> None:
    """A session consumes the exchanges from a generator, one at a time: the first finding is out before the
    second exchange is read, and neither the checker nor the session holds a list of findings."""
    pulled: list[int] = []
    reported: list[tuple[int, int]] = []

    def exchanges() -> Iterator[Exchange]:
        for i in range(50):
            pulled.append(i)
            yield Exchange(i, "GET", f"{BASE}/heart", (), None, False, 401, (), b"", False, None, None)

    session = checker.session("gen")
    counts = session.check(exchanges(), lambda f: reported.append((f.index, len(pulled))))
    assert reported[:3] == [(0, 1), (1, 2), (2, 3)]  # status-documented: /heart documents no 401
    assert counts.findings == 50 and len(reported) == 50
    for holder in (checker, session):
        for name, value in vars(holder).items():
            assert not (isinstance(value, list | tuple) and any(isinstance(v, Finding) for v in value)), name


def test_a_file_is_checked_before_the_next_is_read(run_cli: RunCli, tmp_path: Path) -> None:
    first = Har().add("GET", "/heart", 401, answer=error("unauthorized")).write(tmp_path / "a.har")
    second = tmp_path / "b.har"
    second.write_text('{"log": {"entries": [{"request": {"method": "GET"}, "response": {"status": 200}}]}}')
    code, out, err = run_cli("traffic", "check", str(first), str(second))
    assert code == 2 and len(err.splitlines()) == 1 and f"{second}#0: request.url" in err
    assert out.splitlines() == [f"{first}#0 GET /api/v3/heart 401 status-documented: status 401 is not documented "
                                "for GET /heart (documented: 200, 429, 500, 502, 503)"]  # fmt: skip


def test_json_output_is_json_lines_a_finding_a_line_then_the_summary(run_cli: RunCli, tmp_path: Path) -> None:
    har = Har().add("GET", "/heart", 401, answer=error("unauthorized")).add("GET", "/heart", 418)
    code, out, _ = run_cli("traffic", "check", "--format", "json", str(har.write(tmp_path / "r.har")))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [line.get("index") for line in lines[:-1]] == [0, 1]
    assert lines[0]["rule"] == "status-documented" and lines[-1] == {
        "summary": {"checked": 2, "skipped": 0, "findings": 2, "warnings": 0}
    }


# -- B12: no value of the traffic forges an output line ---------------------------------------------------

FORGED = "51\x1b[2J\r\nforged.har#0 GET /api/v3/heart 200 status-documented: \u202eforged\u2028\x85\\"


def test_a_value_of_the_traffic_never_forges_an_output_line(run_cli: RunCli, tmp_path: Path) -> None:
    har = Har().add("POST", "/clients", 201, headers=AUTH, body=CREATE, answer=client(FORGED),  # type: ignore[arg-type]
                    answer_headers=LOCATION)  # fmt: skip
    har.add("GET", BASE + "/clients/\x1b[31m1\u202e", 418, headers=AUTH)
    path = har.write(tmp_path / "r.har")
    for fmt in ("text", "github", "json"):
        code, out, _ = run_cli("traffic", "check", "--format", fmt, str(path))
        assert code == 1
        lines = out.splitlines()
        assert all(line.startswith((f"{path}#", "::error", '{"')) for line in lines), lines
        for bad in ("\x1b", "\r", "\u202e", "\u2028", "\x85"):
            assert bad not in out, (fmt, bad)
    code, out, _ = run_cli("traffic", "check", str(path))
    location = [line for line in out.splitlines() if "location-names-item" in line]
    assert location == [f"{path}#0 POST /api/v3/clients 201 location-names-item: Location names client_id 51; the body "
                        "describes 51\\x1b[2J\\r\\nforged.har#0 GET /api/v3/heart 200 status-documented: "
                        "\\u202eforged\\u2028\\x85\\"]  # fmt: skip
    assert any("/api/v3/clients/\\x1b[31m1\\u202e 418" in line for line in out.splitlines())


def test_a_finding_escapes_its_fields_wherever_it_is_printed() -> None:
    """The proxy prints Finding.line() on its stderr: escaped there too, since the Finding escapes itself."""
    found = Finding("proxy", 3, "GET\n", "/a\x1b", 200, "location-names-item", "error", "x\ny\u2066")
    assert found.line() == "proxy#3 GET\\n /a\\x1b 200 location-names-item: x\\ny\\u2066"
    assert "\n" not in found.github() and "\x1b" not in json.dumps(found.as_json())
