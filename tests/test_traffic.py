"""`rstar-spec traffic check`: hand-written recordings (tests/traffic_recordings.py, from the contract page
alone) of a correct server that takes every freedom give no finding; each kind of breach gives its one."""

from __future__ import annotations

import copy
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from traffic_recordings import (
    API_KEY,
    AUTH,
    BASE,
    CREATE,
    JSON,
    PASSWORD,
    REFRESH,
    SECRETS,
    SINGLE_BREACHES,
    SKIPPED_IN_EVERY_FREEDOM,
    TOKEN,
    Har,
    client,
    created,
    error,
    every_freedom,
)  # fmt: skip
from traffic_recordings import CROSS_BREACHES as ALL_CROSS_BREACHES

from conftest import RunCli
from rstar_spec.oas.bundle import bundle
from rstar_spec.traffic import Checker, Finding, Spec, check_recordings, read_har

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "generated" / "openapi" / "reception-star.openapi.yaml"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Spec.of(bundle(PUBLISHED).data))


def check(checker: Checker, har: Har, tmp_path: Path) -> tuple[list[Finding], Any]:
    return check_recordings(checker, [har.write(tmp_path / "rec.har")])


def kinds(findings: list[Finding], severity: str = "error") -> list[tuple[int, str]]:
    return [(f.index, f.rule) for f in findings if f.severity == severity]


def test_a_correct_server_taking_every_freedom_gives_no_finding_and_no_warning(
    checker: Checker, tmp_path: Path
) -> None:
    har = every_freedom()
    findings, counts = check(checker, har, tmp_path)
    assert [f.line() for f in findings] == []
    assert counts.skipped == SKIPPED_IN_EVERY_FREEDOM
    assert counts.checked == len(har.entries) - SKIPPED_IN_EVERY_FREEDOM


def test_the_command_prints_the_summary_and_exits_0_on_a_clean_recording(run_cli: RunCli, tmp_path: Path) -> None:
    path = every_freedom().write(tmp_path / "clean.har")
    code, out, err = run_cli("traffic", "check", str(path))
    assert (code, out) == (0, "")
    assert f"skipped {SKIPPED_IN_EVERY_FREEDOM}, findings 0, warnings 0" in err


# -- one exchange ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(SINGLE_BREACHES))
def test_each_single_exchange_breach_gives_its_finding_and_no_other(
    checker: Checker, tmp_path: Path, case: str
) -> None:
    rule, har = SINGLE_BREACHES[case]
    findings, _ = check(checker, har, tmp_path)
    assert kinds(findings) == [(0, rule)], [f.line() for f in findings]


def test_a_finding_prints_file_entry_method_path_status_rule(run_cli: RunCli, tmp_path: Path) -> None:
    path = SINGLE_BREACHES["no Location on a 201"][1].write(tmp_path / "r.har")
    code, out, err = run_cli("traffic", "check", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}#0 POST /api/v3/clients 201 response-headers: the 201 answer lacks the required header Location"
    ]
    assert "checked 1, skipped 0, findings 1, warnings 0" in err


def test_json_and_github_formats(run_cli: RunCli, tmp_path: Path) -> None:
    path = SINGLE_BREACHES["an HTML error body"][1].write(tmp_path / "r.har")
    code, out, _ = run_cli("traffic", "check", "--format", "json", str(path))
    found, summary = (json.loads(line) for line in out.splitlines())  # JSON Lines: each finding, then the summary
    assert code == 1 and summary["summary"]["findings"] == 1
    assert found["rule"] == "content-type-documented" and found["index"] == 0
    code, out, _ = run_cli("traffic", "check", "--format", "github", str(path))
    assert code == 1 and out.startswith("::error title=traffic content-type-documented::")


# -- across exchanges ------------------------------------------------------------------------------------


class _Fresh:
    """Each test gets its own copy of a recording to change."""

    def __getitem__(self, case: str) -> tuple[str, int, Har]:
        return copy.deepcopy(ALL_CROSS_BREACHES[case])

    def __iter__(self) -> Iterator[str]:
        return iter(ALL_CROSS_BREACHES)


CROSS_BREACHES = _Fresh()


@pytest.mark.parametrize("case", list(CROSS_BREACHES))
def test_each_cross_exchange_breach_is_a_finding_when_nothing_else_explains_it(
    checker: Checker, tmp_path: Path, case: str
) -> None:
    rule, index, har = CROSS_BREACHES[case]
    findings, _ = check(checker, har, tmp_path)
    assert kinds(findings) == [(index, rule)], [f.line() for f in findings]


@pytest.mark.parametrize(
    "case",
    [c for c in CROSS_BREACHES if c not in ("200 with the very ETag sent", "a PUT's answer keeps a field it left out")],
)
def test_a_cross_exchange_breach_is_only_a_warning_when_time_leaves_room_for_another_writer(
    checker: Checker, tmp_path: Path, case: str
) -> None:
    rule, index, har = CROSS_BREACHES[case]
    har.entries[index]["startedDateTime"] = "2026-03-02T15:00:00.000Z"  # an hour later
    findings, _ = check(checker, har, tmp_path)
    assert kinds(findings) == []
    [warned] = [f for f in findings if f.severity == "warning"]
    assert (warned.index, warned.rule) == (index, rule) and "s passed between" in warned.message


def test_overlapping_or_untimed_exchanges_leave_room_too(checker: Checker, tmp_path: Path) -> None:
    _rule, index, har = CROSS_BREACHES["a created client does not read back"]
    har.entries[index]["startedDateTime"] = har.entries[0]["startedDateTime"]  # sent while the POST was in flight
    findings, _ = check(checker, har, tmp_path)
    assert kinds(findings) == [] and "either order" in findings[0].message
    del har.entries[index]["startedDateTime"]
    findings, _ = check(checker, har, tmp_path)
    assert kinds(findings) == [] and "does not say when" in findings[0].message


def test_a_sign_of_another_writer_makes_a_warning(checker: Checker, tmp_path: Path) -> None:
    _, _, har = CROSS_BREACHES["a field the PUT left out reads back"]
    har.entries[2]["response"]["content"]["text"] = json.dumps(
        client(51, updated="2026-03-02T14:00:02Z", email="b@example.com")
    )
    findings, _ = check(checker, har, tmp_path)
    assert kinds(findings) == [] and "updated_at differs" in findings[0].message
    _, _, har = CROSS_BREACHES["a deleted client reads back"]
    har.add("GET", "/clients/51", 200, headers=AUTH, answer=client(51), answer_headers={"ETag": '"51-9"'})
    findings, _ = check(checker, har, tmp_path)
    assert [(f.index, f.severity) for f in findings] == [(2, "error"), (3, "warning")]
    assert "ETag differs" in findings[1].message


def test_freedoms_across_exchanges_are_not_breaches(checker: Checker, tmp_path: Path) -> None:
    har = created()
    # A PUT that sends the same fields: its answer may keep them; a 304 to a tag never seen: no verdict
    har.add(
        "PUT",
        "/clients/51",
        200,
        headers=AUTH,
        body={**CREATE, "email": "a@example.com"},
        answer=client(51, email="a@example.com"),
    )
    har.add("GET", "/clients/51", 304, headers={**AUTH, "If-None-Match": '"never-seen"'})
    # deleted, then created again by us under another id; a list in between
    har.add("DELETE", "/clients/51", 204, headers=AUTH)
    har.add("DELETE", "/clients/51", 404, headers=AUTH, answer=error("not_found"))
    har.add("PUT", "/clients/51", 404, headers=AUTH, body=CREATE, answer=error("not_found"))
    findings, _ = check(checker, har, tmp_path)
    assert [f.line() for f in findings] == []


# -- reading HAR -------------------------------------------------------------------------------------


def test_browser_mitmproxy_and_schemathesis_shapes_are_read(checker: Checker, tmp_path: Path) -> None:
    har = Har()
    # Chrome over HTTP/2: pseudo-headers, lower-case names, no postData on a GET, no startedDateTime offset
    har.add("GET", "/clients/1", 200, headers={":authority": "my.receptionstar.com", "authorization": f"Bearer {TOKEN}"},
            answer=client(1), answer_headers={"etag": '"1"', ":status": "200"})  # fmt: skip
    # mitmproxy: a body in base64
    har.add(
        "GET",
        "/clients/2",
        200,
        headers=AUTH,
        answer_base64=json.dumps(client(2)).encode(),
        answer_headers={"ETag": '"2"'},
    )
    # schemathesis: [Filtered] Authorization, a body cut short with its comment
    har.add("GET", "/clients/3", 200, headers={"Authorization": "[Filtered]"}, raw_answer='{"id": 3, "first', content_type=JSON,
            answer_headers={"ETag": '"3"'})  # fmt: skip
    har.entries[-1]["response"]["content"]["comment"] = "Body truncated: 16 of 900 bytes recorded"
    har.add("GET", "/clients/4", 0)  # no answer
    # the bare minimum HAR 1.2 asks of an entry we need
    har.entries.append({"request": {"method": "get", "url": BASE + "/heart"}, "response": {"status": 200}})
    findings, counts = check(checker, har, tmp_path)
    assert [(f.index, f.rule, f.severity) for f in findings] == [(2, "response-body-schema", "warning")]
    assert (counts.checked, counts.skipped) == (4, 1)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "not JSON, so not HAR"),
        ('{"entries": []}', "no `log` object"),
        ('{"log": {"entries": {}}}', "`log.entries` is not a list"),
        (
            '{"log": {"entries": [{"request": {"method": "GET"}, "response": {"status": 200}}]}}',
            "bad.har#0: request.url",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": "200"}}]}}',
            "response.status",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "/", "headers": [1]}, "response": {"status": 200}}]}}',
            "request.headers[0]",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": 200, "content": {"text": "@@", "encoding": "base64"}}}]}}',
            "base64",
        ),
        ("[" * 100_000, "nests too deep"),
    ],
)
def test_input_that_is_not_har_is_one_line_and_exit_2(run_cli: RunCli, tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.har"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("traffic", "check", str(path))
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and says in err, err


def test_unreadable_paths_are_one_line_and_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (tmp_path / "missing.har", tmp_path, fifo):
        code, _out, err = run_cli("traffic", "check", str(path))
        assert code == 2 and len(err.splitlines()) == 1, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # untouched


def test_secrets_never_appear_in_any_output(run_cli: RunCli, tmp_path: Path) -> None:
    har = Har()
    har.add("POST", "/auth", 200, body={"grant_type": "password", "username": "u", "password": PASSWORD},
            answer={"token": TOKEN, "refresh_token": REFRESH, "expires_in": "soon", "token_type": "Bearer"})  # fmt: skip
    har.add(
        "POST", "/auth", 201, body={"grant_type": "api_key", "api_key": API_KEY, "extra": 1}, answer={"token": TOKEN}
    )
    har.add("GET", f"/clients?token={TOKEN}&api_key={API_KEY}&password={PASSWORD}&limit=x", 200,
            headers={"Authorization": f"Bearer {TOKEN}"}, answer={"token": TOKEN})  # fmt: skip
    path = har.write(tmp_path / "secrets.har")
    for fmt in ("text", "json", "github"):
        code, out, err = run_cli("traffic", "check", "--format", fmt, str(path))
        assert code == 1 and out
        for secret in SECRETS:
            assert secret not in out + err


def test_base_url_narrows_to_one_origin_and_path(run_cli: RunCli, tmp_path: Path) -> None:
    har = Har().add("GET", "/heart", 401).add("GET", "http://127.0.0.1:9/v3/heart", 401)
    path = har.write(tmp_path / "r.har")
    code, out, err = run_cli("traffic", "check", "--base-url", "http://127.0.0.1:9/v3", str(path))
    assert code == 1 and [line.split(" ")[0] for line in out.splitlines()] == [f"{path}#1"]
    assert "checked 1, skipped 1" in err
    code, _, err = run_cli("traffic", "check", "--base-url", "ftp://x", str(path))
    assert code == 2 and "not an http(s) URL" in err


def test_the_spec_can_be_a_split_spec_or_any_file(run_cli: RunCli, tmp_path: Path) -> None:
    path = SINGLE_BREACHES["no Location on a 201"][1].write(tmp_path / "r.har")
    for spec in (ROOT / "spec" / "openapi.yaml", ROOT / "generated" / "openapi" / "reception-star.openapi.3.0.json"):
        code, out, _ = run_cli("traffic", "check", "--spec", str(spec), str(path))
        assert code == 1 and "response-headers" in out
    code, _, err = run_cli("traffic", "check", "--spec", str(tmp_path / "nope.yaml"), str(path))
    assert code == 2 and len(err.splitlines()) == 1


def test_warnings_alone_exit_0_and_are_printed(run_cli: RunCli, tmp_path: Path) -> None:
    rule, index, har = CROSS_BREACHES["a created client does not read back"]
    har.entries[index]["startedDateTime"] = "2026-03-02T15:00:00.000Z"
    code, out, err = run_cli("traffic", "check", str(har.write(tmp_path / "w.har")))
    assert code == 0 and f"{rule}: warning: " in out and "warnings 1" in err


def test_the_rules_are_listed(run_cli: RunCli) -> None:
    code, out, _ = run_cli("traffic", "rules")
    assert code == 0 and "created-reads-back" in out and "status-documented" in out


def test_exchanges_sent_with_other_credentials_leave_room_for_another_account(checker: Checker, tmp_path: Path) -> None:
    _rule, index, har = CROSS_BREACHES["a created client does not read back"]
    har.entries[index]["request"]["headers"] = [{"name": "Authorization", "value": "Bearer another-account"}]
    findings, _ = check(checker, har, tmp_path)
    assert kinds(findings) == [] and "different credentials" in findings[0].message


@pytest.mark.usefixtures("hypothesis_home")  # the run's own storage, not the working directory's
def test_a_schemathesis_report_har_of_a_correct_server_checks_clean(checker: Checker, tmp_path: Path) -> None:
    """schemathesis 4.32 `--report har` (its examples phase, every documented example sent), of our mock."""
    import subprocess
    import sys

    import httpx

    from rstar_spec.mock import Credentials, MockSettings, running_mock
    from rstar_spec.overlay.pipeline import build_target

    doc = build_target(ROOT / "spec" / "openapi.yaml", "mock", ROOT / "overlays")
    report = tmp_path / "schemathesis.har"
    with running_mock(doc, MockSettings(credentials=Credentials(), profile="liberal")) as base:
        token = httpx.post(base + "/auth", json={"grant_type": "api_key", "api_key": Credentials().api_key}).json()[
            "token"
        ]
        run = subprocess.run(
            [str(Path(sys.executable).parent / "schemathesis"), "run", str(PUBLISHED), "--url", base, "-H",
             f"Authorization: Bearer {token}", "--phases", "examples", "--report", "har", "--report-har-path", str(report),
             "--seed", "1", "--workers", "1", "--checks", "not_a_server_error"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    recording = read_har(report)
    assert any(ex.request_header("authorization") == "[Filtered]" for ex in recording.exchanges)
    findings, counts = check_recordings(checker, [report])
    assert [f.line() for f in findings] == [] and counts.checked > 30


def test_an_email_a_server_accepts_without_checking_its_shape_is_a_warning(checker: Checker, tmp_path: Path) -> None:
    har = Har()
    har.add("POST", "/clients", 201, headers=AUTH, body={**CREATE, "email": "not-an-address"}, answer=client(51),
            answer_headers={"Location": "/api/v3/clients/51"})  # fmt: skip
    har.add("POST", "/clients", 201, headers=AUTH, body={**CREATE, "email": "not-an-address", "nickname": "x"},
            answer=client(52), answer_headers={"Location": "/api/v3/clients/52"})  # fmt: skip
    findings, _ = check(checker, har, tmp_path)
    assert [(f.index, f.rule, f.severity) for f in findings] == [
        (0, "invalid-request-accepted", "warning"), (1, "invalid-request-accepted", "error"),
    ]  # fmt: skip
    assert "`email`" in findings[0].message


@pytest.mark.parametrize(
    "field", [{"email": "ada.lovelace@example.com"}, {"email": "ada+x@example.com"}, {"date_of_birth": "2026-01-15"},
              {"date_of_birth": "2024-02-29", "email": "a_b-c@mail.example.co.uk"}],
)  # fmt: skip
def test_a_400_to_a_format_value_every_common_reading_accepts_is_a_finding(
    checker: Checker, tmp_path: Path, field: dict[str, str]
) -> None:
    """Issue 26, 7: no server that reads `email` or `date` in any common way refuses these."""
    har = Har().add("POST", "/clients", 400, headers=AUTH, body={**CREATE, **field}, answer=error("bad_request"))
    findings, _ = check(checker, har, tmp_path)
    assert [(f.rule, f.severity) for f in findings] == [("valid-request-refused", "error")], findings


@pytest.mark.parametrize(
    ("email", "reason"),
    [('"ada lovelace"@example.com', "a quoted local part"), ("ada@[192.0.2.1]", "an IP-literal domain"),
     ("ada@localhost", "a domain of one label"), ("ada!x@example.com", "a local part with characters beyond letters, digits"),
     ("ada@example.c0m", "a top-level label that is not letters")],
)  # fmt: skip
def test_a_400_to_an_address_readers_disagree_on_is_a_warning_with_the_reason(
    checker: Checker, tmp_path: Path, email: str, reason: str
) -> None:
    har = Har().add("POST", "/clients", 400, headers=AUTH, body={**CREATE, "email": email}, answer=error("bad_request"))
    findings, _ = check(checker, har, tmp_path)
    [warned] = findings
    assert (warned.rule, warned.severity) == ("valid-request-refused", "warning")
    assert f"the request body at /email: `email` with {reason}" in warned.message, warned.message
    assert email not in warned.message  # a value is never quoted: it may be personal data


def test_the_readings_of_date_and_date_time_that_disagree_are_listed() -> None:
    from rstar_spec.traffic._formats import doubt

    for fmt, value in [("date-time", "2026-01-15T09:30:00Z"), ("date-time", "2026-01-15T09:30:00.123456+01:00"),
                       ("date", "2026-01-15"), ("date", "2024-02-29"), ("date", "2026-02-30"),
                       ("email", "ada.lovelace@example.com"), ("email", "no-at-sign"), ("uuid", "x")]:  # fmt: skip
        assert doubt(fmt, value) is None, (fmt, value)  # every reading agrees (to accept, or to refuse)
    for fmt, value, says in [
        ("date-time", "2026-01-15t09:30:00z", "a lowercase `t` or `z`"),
        ("date-time", "2016-12-31T23:59:60Z", "a leap second"),
        ("date-time", "2026-01-15T09:30:00.1234567Z", "more than 6 digits"),
        ("date-time", "2026-01-15T09:30:00-00:00", "-00:00"),
        ("date-time", "2026-01-15 09:30:00Z", "a space for `T`"),
        ("date-time", "0000-01-01T00:00:00Z", "year 0000"),
        ("date", "0000-01-01", "year 0000"),
        ("uri", "https://example.com/a b", "`uri`"),
    ]:
        reason = doubt(fmt, value)
        assert reason is not None and says in reason, (fmt, value, reason)


def test_a_date_time_readers_disagree_on_refused_is_a_warning_and_a_plain_one_a_finding(tmp_path: Path) -> None:
    doc = {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://x.example/v1"}],
        "paths": {"/events": {"post": {
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["at"], "properties": {"at": {"type": "string", "format": "date-time"}},
                "additionalProperties": False}}}},
            "responses": {"201": {"description": "made"}, "400": {"description": "refused"}}}}},
    }  # fmt: skip
    har = Har()
    for at in ("2026-01-15T09:30:00Z", "2026-01-15t09:30:00z", "2016-12-31T23:59:60Z", "2026-01-15 09:30:00Z"):
        har.add("POST", "https://x.example/v1/events", 400, body={"at": at})
    har.add("POST", "https://x.example/v1/events", 201, body={"at": "2026-01-15 09:30:00Z"})
    har.add("POST", "https://x.example/v1/events", 201, body={"at": "2026-13-15T09:30:00Z"})
    findings, _ = check_recordings(Checker(Spec.of(doc)), [har.write(tmp_path / "r.har")])
    assert [(f.index, f.rule, f.severity) for f in findings] == [
        (0, "valid-request-refused", "error"), (1, "valid-request-refused", "warning"),
        (2, "valid-request-refused", "warning"), (4, "invalid-request-accepted", "warning"),
        (5, "invalid-request-accepted", "error"),
    ], [f.line() for f in findings]  # fmt: skip
    assert "a leap second" in findings[2].message and "a space for `T`" in findings[3].message


def test_every_schema_error_of_a_body_is_named_with_where_and_what_was_expected(
    checker: Checker, tmp_path: Path
) -> None:
    """Issue 26, 7 and issue 27, A10: not only the first error."""
    answer = {k: v for k, v in client(1).items() if k != "first_name"} | {"id": "x"}
    har = Har().add("GET", "/clients/1", 200, headers=AUTH, answer=answer, answer_headers={"ETag": '"1"'})
    har.add("POST", "/clients", 201, headers=AUTH, body={"first_name": 5, "email": "a@example.com", "nickname": "x"},
            answer=client(51), answer_headers={"Location": "/api/v3/clients/51"})  # fmt: skip
    findings, _ = check(checker, har, tmp_path)
    assert [(f.index, f.rule) for f in findings] == [(0, "response-body-schema"), (1, "invalid-request-accepted")]
    assert findings[0].message == "the 200 body at /id: expected integer; at /first_name: missing (required)"
    assert findings[1].message == (
        "answered 201 to a request the spec refuses: the request body at /first_name: expected string; "
        "at /last_name: missing (required); at /nickname: not allowed (the schema does not name it)"
    )


def test_the_schema_errors_named_are_bounded(checker: Checker, tmp_path: Path) -> None:
    page = {"data": [client(i, id="x") for i in range(12)], "offset": 0, "limit": 20, "total": 12}
    har = Har().add("GET", "/clients", 200, headers=AUTH, answer=page)
    findings, _ = check(checker, har, tmp_path)
    [found] = [f for f in findings if f.rule == "response-body-schema"]
    assert found.message.count("expected integer") == 10 and found.message.endswith("; and 2 more")
    assert found.message.startswith("the 200 body at /data/0/id: expected integer; at /data/1/id:")


def test_a_put_that_changed_nothing_may_keep_its_etag(checker: Checker, tmp_path: Path) -> None:
    har = created()
    har.add(
        "GET",
        "/clients/51",
        200,
        headers=AUTH,
        answer=client(51, email="a@example.com"),
        answer_headers={"ETag": '"h1"'},
    )
    # The same fields again: a server whose ETag hashes the content rightly answers 304 to the old tag
    har.add(
        "PUT",
        "/clients/51",
        200,
        headers=AUTH,
        body={**CREATE, "email": "a@example.com"},
        answer=client(51, email="a@example.com"),
    )
    har.add("GET", "/clients/51", 304, headers={**AUTH, "If-None-Match": '"h1"'})
    findings, _ = check(checker, har, tmp_path)
    assert [f.line() for f in findings] == []
    # Without a body to compare, the recording cannot tell: a warning
    har.entries[2]["response"]["content"] = {"size": 0, "mimeType": ""}
    findings, _ = check(checker, har, tmp_path)
    assert [(f.index, f.rule, f.severity) for f in findings if f.rule == "etag-not-modified"] == [
        (3, "etag-not-modified", "warning")
    ]


def test_a_long_session_remembers_a_bounded_number_of_items(checker: Checker) -> None:
    from rstar_spec.traffic._items import Items
    from rstar_spec.traffic.har import Exchange

    session = checker.session("proxy")
    session.items = Items(max_items=3)
    for i in range(1, 8):
        session.observe(Exchange(i, "DELETE", f"{BASE}/clients/{i}", (("Authorization", "Bearer t"),), None, False, 204,
                                 (), b"", False, None, None))  # fmt: skip
    assert [dict(key[1])["client_id"] for key in session.items.by_key] == ["5", "6", "7"]
