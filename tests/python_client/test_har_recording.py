"""Issue 19, item 4: the client records its traffic as HAR 1.2 when asked (record= or $RSTAR_RECORD):
every exchange, secrets redacted, bounded in size, and a valid file after every entry."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from reception_star import AsyncReceptionStar, ReceptionStar, errors

from python_client.fakeapi import API_KEY, BASE, PASSWORD, FakeAPI, error

# The HAR 1.2 format's required members (http://www.softwareishard.com/blog/har-12-spec/), as a schema.
NAME_VALUE = {"type": "object", "required": ["name", "value"],
              "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}  # fmt: skip
HAR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["log"],
    "properties": {"log": {
        "type": "object",
        "required": ["version", "creator", "entries"],
        "properties": {
            "version": {"const": "1.2"},
            "creator": {"type": "object", "required": ["name", "version"]},
            "entries": {"type": "array", "items": {
                "type": "object",
                "required": ["startedDateTime", "time", "request", "response", "cache", "timings"],
                "properties": {
                    "startedDateTime": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"},
                    "time": {"type": "number", "minimum": 0},
                    "request": {"type": "object", "required": ["method", "url", "httpVersion", "cookies", "headers",
                                                              "queryString", "headersSize", "bodySize"],
                                "properties": {"headers": {"type": "array", "items": NAME_VALUE},
                                               "queryString": {"type": "array", "items": NAME_VALUE},
                                               "postData": {"type": "object", "required": ["mimeType", "text"]}}},
                    "response": {"type": "object", "required": ["status", "statusText", "httpVersion", "cookies",
                                                                "headers", "content", "redirectURL", "headersSize",
                                                                "bodySize"],
                                 "properties": {"status": {"type": "integer"},
                                                "headers": {"type": "array", "items": NAME_VALUE},
                                                "content": {"type": "object", "required": ["size", "mimeType"]}}},
                    "cache": {"type": "object"},
                    "timings": {"type": "object", "required": ["send", "wait", "receive"]},
                },
            }},
        },
    }},
}  # fmt: skip


def read_har(path: Path) -> dict[str, Any]:
    har: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(har, HAR_SCHEMA)
    return har


def client_on(api: FakeAPI, path: Path, **options: Any) -> ReceptionStar:
    options.setdefault("api_key", API_KEY)
    return ReceptionStar(base_url=BASE, transport=httpx.MockTransport(api.handle), record=path, **options)


def test_every_exchange_is_recorded_as_har_1_2(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    with client_on(api, path) as client:
        assert client.clients.retrieve(1).id == 1
        created = client.clients.create(first_name="Ada", last_name="Lovelace")
        client.clients.delete(created.id)
        with pytest.raises(errors.NotFoundError):
            client.clients.retrieve(999)
    har = read_har(path)
    seen = [(e["request"]["method"], e["request"]["url"].removeprefix(BASE), e["response"]["status"])
            for e in har["log"]["entries"]]  # fmt: skip
    assert seen == [("POST", "/auth", 200), ("GET", "/clients/1", 200), ("POST", "/clients", 201),
                    ("DELETE", f"/clients/{created.id}", 204), ("GET", "/clients/999", 404)]  # fmt: skip
    post = har["log"]["entries"][2]
    assert json.loads(post["request"]["postData"]["text"]) == {"first_name": "Ada", "last_name": "Lovelace"}
    assert post["request"]["postData"]["mimeType"] == "application/json"
    assert json.loads(post["response"]["content"]["text"])["first_name"] == "Ada"
    assert {"name": "location", "value": f"/api/v3/clients/{created.id}"} in post["response"]["headers"]
    assert har["log"]["creator"]["name"] == "reception-star"


def test_no_secret_is_recorded(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    api.script("GET", "/clients/2", error(401, "invalid_api_key", f"the key {API_KEY} is not valid"))
    with client_on(api, path) as client:
        client.clients.retrieve(1)
        client.clients.retrieve(2)
    with client_on(api, path, api_key=None, username="reception@example.com", password=PASSWORD) as client:
        client.clients.retrieve(3, extra_query={"api_key": API_KEY})
    text = path.read_text(encoding="utf-8")
    issued = [t for t in api.tokens] + [r for r in api.tokens.values()]
    leaked = [s for s in [API_KEY, PASSWORD, *issued] if s in text]
    assert not leaked, leaked
    har = read_har(path)
    grants = [
        json.loads(e["request"]["postData"]["text"])
        for e in har["log"]["entries"]
        if e["request"]["url"].endswith("/auth")
    ]
    assert {"grant_type": "refresh_token", "refresh_token": "[redacted]"} in grants
    assert {"grant_type": "api_key", "api_key": "[redacted]"} in grants
    assert {"grant_type": "password", "username": "reception@example.com", "password": "[redacted]"} in grants
    answers = [
        json.loads(e["response"]["content"]["text"])
        for e in har["log"]["entries"]
        if e["request"]["url"].endswith("/auth")
    ]
    assert all(a["token"] == a["refresh_token"] == "[redacted]" and a["expires_in"] == 10800 for a in answers)
    authorizations = [
        h["value"]
        for e in har["log"]["entries"]
        for h in e["request"]["headers"]
        if h["name"].lower() == "authorization"
    ]
    assert authorizations and set(authorizations) == {"[redacted]"}  # fmt: skip


def test_the_environment_asks_for_a_recording_and_async_clients_record_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env.har"
    monkeypatch.setenv("RSTAR_RECORD", str(path))
    api = FakeAPI()

    async def calls() -> None:
        async with AsyncReceptionStar(base_url=BASE, api_key=API_KEY,
                                      async_transport=httpx.MockTransport(api.ahandle)) as client:  # fmt: skip
            await asyncio.gather(client.clients.retrieve(1), client.clients.retrieve(2))

    asyncio.run(calls())
    entries = read_har(path)["log"]["entries"]
    assert sorted(e["request"]["url"].removeprefix(BASE) for e in entries) == ["/auth", "/clients/1", "/clients/2"]


def test_a_second_client_on_the_same_file_appends_and_a_file_not_ours_is_refused(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    for _ in range(2):
        with client_on(api, path) as client:
            client.clients.retrieve(1)
    assert len(read_har(path)["log"]["entries"]) == 4
    theirs = tmp_path / "theirs.har"
    theirs.write_text('{"log": {"version": "1.2", "entries": []}}')
    with pytest.raises(errors.ConfigurationError) as caught:
        client_on(api, theirs)
    assert "theirs.har" in str(caught.value)
    assert theirs.read_text() == '{"log": {"version": "1.2", "entries": []}}'
    with pytest.raises(errors.ConfigurationError):
        client_on(api, tmp_path)  # a folder


def test_the_recording_stops_at_its_bound_says_so_once_and_stays_valid(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    caplog.set_level(logging.WARNING, logger="reception_star")
    with client_on(api, path, record_max_bytes=6000) as client:
        for i in range(1, 30):
            client.clients.retrieve(i)
    har = read_har(path)
    assert 1 < len(har["log"]["entries"]) < 10 and path.stat().st_size <= 6000
    assert "stopped" in har["log"]["comment"]
    assert [r.message for r in caplog.records if "record" in r.message].__len__() == 1, caplog.text


def test_a_large_body_is_recorded_truncated(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    api.script("GET", "/clients/1", httpx.Response(200, json={**api.clients[0], "notes": "n" * 300_000}))
    with client_on(api, path) as client:
        client.clients.retrieve(1)
    content = read_har(path)["log"]["entries"][1]["response"]["content"]
    assert content["size"] > 300_000 and len(content["text"]) < 300_000 and "truncated" in content["comment"]


def test_the_file_is_valid_after_every_entry_and_failed_exchanges_are_recorded(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    api.script("GET", "/clients/2", httpx.ReadError("reset by peer"), httpx.Response(200, content=b"<html>"))
    client = client_on(api, path, max_retries=0)
    client.clients.retrieve(1)
    assert len(read_har(path)["log"]["entries"]) == 2  # written as it went, not at close
    with pytest.raises(errors.APIConnectionError):
        client.clients.retrieve(2)
    with pytest.raises(errors.ResponseDecodingError):
        client.clients.retrieve(2)
    entries = read_har(path)["log"]["entries"]
    assert entries[2]["response"]["status"] == 0 and "ReadError" in entries[2]["response"]["_error"]
    assert entries[3]["response"]["content"]["text"] == "<html>"
    client.close()
