"""The runtime's checks on their own (issue 22 items 7, 9, 12; issue 19 item 4): what a header or a body
can carry, a call's seconds, the page trail, the HAR recorder's file handling. The generated package's
tests (tests/python_client/) drive the same code through the client."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from attrs import define

from rstar_spec.core.redaction import SECRET_NAME_ENDINGS, SECRET_NAMES, is_secret_name
from rstar_spec.python_client.runtime._body import CallBounds, call_seconds
from rstar_spec.python_client.runtime._carriable import bearer_problem, body_problem, header_problem
from rstar_spec.python_client.runtime._errors import ConfigurationError, PaginationError
from rstar_spec.python_client.runtime._har import HarRecorder
from rstar_spec.python_client.runtime._pagination import PageTrail
from rstar_spec.python_client.runtime._spec import SecretNames

NAMES = SecretNames(SECRET_NAMES, SECRET_NAME_ENDINGS)  # the toolkit's one list, as generate hands it over


@pytest.mark.parametrize(
    ("value", "problem"),
    [("abc.DEF-123_~+/=", None), ("abc\n", "a line break at position 3"), ("a b", "whitespace at position 1"),
     ("ä", "a non-ASCII character at position 0"), ("\x00", "a control character at position 0"), ("", "it is empty")],
)  # fmt: skip
def test_what_follows_bearer(value: str, problem: str | None) -> None:
    found = bearer_problem(value)
    assert found == problem if problem is None else (found is not None and problem in found)


def test_what_a_body_and_a_header_can_carry() -> None:
    assert body_problem("pässwörd with spaces") is None  # a password may be any text
    assert body_problem("pw\n") and body_problem("pw\ud800") and body_problem("pw\x7f")
    assert header_problem("text/plain; q=0.5") is None
    assert header_problem(" padded") and header_problem("a\r\nb") and header_problem("é")


def test_a_call_lasts_the_largest_of_its_timeouts_and_forever_when_reads_may() -> None:
    assert call_seconds(httpx.Timeout(30, connect=5)) == 30
    assert call_seconds(httpx.Timeout(3)) == 3
    assert call_seconds(httpx.Timeout(5, read=None)) is None
    assert CallBounds(1, None).remaining() is None and not CallBounds(1, None).expired()
    assert CallBounds(1, 0.0).expired()


@define
class Page:
    data: list[int]
    offset: int
    total: int


def test_the_page_trail() -> None:
    trail = PageTrail("data", "total").after(Page([1, 2], 0, 5), 0)
    trail = trail.after(Page([3, 4], 2, 6), 2)  # grew by one: others create items meanwhile
    with pytest.raises(PaginationError) as caught:
        trail.after(Page([3, 4], 4, 6), 4)
    assert caught.value.reason == "page_repeated" and caught.value.offset == 4
    with pytest.raises(PaginationError) as caught:
        trail.after(Page([5], 0, 6), 4)
    assert caught.value.reason == "offset_ignored"
    with pytest.raises(PaginationError) as caught:
        trail.after(Page([5], 4, 10_006), 4)
    assert caught.value.reason == "total_grew"
    trail.after(Page([5], 4, 10_005), 4)  # the bound: the first total plus max(itself, 10,000)


SECRET = ["Authorization", "api_key", "X-Api-Key", "refresh_token", "refreshToken", "Refresh-Token", "password",
          "Cookie", "X-Auth-Token", "Api-Key", "X-Access-Token", "accessToken", "clientSecret", "passwd",
          "private_key", "pwd", "key", "api-key", "sig", "auth", "id_token", "X-Amz-Signature"]  # fmt: skip
NOT_SECRET = ["token_type", "expires_in", "first_name", "Content-Type", "Idempotency-Key", "grant_type", "keyword",
              "authors", "signed_at"]  # fmt: skip


def test_secret_names_are_one_list_in_every_spelling() -> None:
    assert all(map(NAMES, SECRET)) and not any(map(NAMES, NOT_SECRET))
    assert [is_secret_name(n) for n in SECRET + NOT_SECRET] == [NAMES(n) for n in SECRET + NOT_SECRET]


def test_the_recorder_refuses_what_it_did_not_write_and_writes_nothing_until_an_exchange(tmp_path: Path) -> None:
    fresh = tmp_path / "new.har"
    HarRecorder(fresh, secret_names=NAMES)
    assert not fresh.exists()  # nothing until the first exchange
    for refused in (tmp_path, tmp_path / "missing" / "x.har"):
        with pytest.raises(ConfigurationError):
            HarRecorder(refused, secret_names=NAMES)
    foreign = tmp_path / "foreign.har"
    foreign.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "browser"}, "entries": []}}))
    with pytest.raises(ConfigurationError) as caught:
        HarRecorder(foreign, secret_names=NAMES)
    assert "not a recording of this client" in str(caught.value)
    with pytest.raises(ConfigurationError):
        HarRecorder(fresh, secret_names=NAMES, max_bytes=100)
