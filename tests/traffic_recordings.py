"""Hand-written HAR recordings of the Reception Star API, written from docs/reception-star-api.md alone
(not from our mock): a correct server taking every freedom the page leaves, and one recording per kind
of breach. Shared by tests/test_traffic.py and the openapi-core oracle (tests/test_traffic_oracle.py)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ORIGIN = "https://my.receptionstar.com"
BASE = ORIGIN + "/api/v3"
JSON = "application/json"
START = datetime(2026, 3, 2, 14, 0, 0, tzinfo=UTC)
TOKEN = "tok_SECRET_4f9a"
REFRESH = "rt_SECRET_77ab"
API_KEY = "rs_live_SECRET_7Hq2"
PASSWORD = "correct horse SECRET"
SECRETS = (TOKEN, REFRESH, API_KEY, PASSWORD)
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def client(client_id: int, updated: str = "2026-01-15T09:30:00Z", **fields: Any) -> dict[str, Any]:
    base = {"id": client_id, "first_name": "Ada", "last_name": "Lovelace", "created_at": "2026-01-15T09:30:00Z",
            "updated_at": updated}  # fmt: skip
    return {**base, **fields}


def error(code: str, message: str = "No.", **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **extra}


@dataclass
class Har:
    """A recording built exchange by exchange; each starts `gap` seconds after the previous one ended."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    clock: datetime = START

    def add(
        self, method: str, url: str, status: int, *, body: Any = None, answer: Any = None,
        headers: dict[str, str] | None = None, answer_headers: dict[str, str] | None = None,
        content_type: str | None = None, gap: float = 0.05, time_ms: float = 20, raw_answer: str | None = None,
        extra: dict[str, Any] | None = None, started: str | None = None, answer_base64: bytes | None = None,
    ) -> Har:  # fmt: skip
        self.clock += timedelta(seconds=gap)
        url = url if url.startswith("http") else BASE + url
        request_headers = dict(headers or {})
        request: dict[str, Any] = {"method": method, "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
                                   "queryString": [], "headersSize": -1, "bodySize": 0}  # fmt: skip
        if body is not None:
            text = body if isinstance(body, str) else json.dumps(body)
            request_headers.setdefault("Content-Type", JSON)
            request["postData"] = {"mimeType": request_headers["Content-Type"], "text": text}
            request["bodySize"] = len(text.encode())
        request["headers"] = [{"name": k, "value": v} for k, v in request_headers.items()]
        response_headers = dict(answer_headers or {})
        content: dict[str, Any] = {"size": 0, "mimeType": ""}
        if answer_base64 is not None:
            content = {"size": len(answer_base64), "mimeType": content_type or JSON,
                       "text": base64.b64encode(answer_base64).decode(), "encoding": "base64"}  # fmt: skip
            response_headers.setdefault("Content-Type", content_type or JSON)
        elif answer is not None or raw_answer is not None:
            text = raw_answer if raw_answer is not None else json.dumps(answer)
            kind = content_type or (JSON if raw_answer is None else "text/plain; charset=utf-8")
            response_headers.setdefault("Content-Type", kind)
            content = {"size": len(text.encode()), "mimeType": kind, "text": text}
        entry = {
            "startedDateTime": started or self.clock.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "time": time_ms,
            "request": request,
            "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                         "headers": [{"name": k, "value": v} for k, v in response_headers.items()],
                         "content": content, "redirectURL": "", "headersSize": -1, "bodySize": content["size"]},
            "cache": {}, "timings": {"send": 0, "wait": time_ms, "receive": 0},
            **(extra or {}),
        }  # fmt: skip
        self.entries.append(entry)
        self.clock += timedelta(milliseconds=time_ms)
        return self

    def data(self) -> dict[str, Any]:
        return {"log": {"version": "1.2", "creator": {"name": "hand", "version": "1"}, "entries": self.entries}}

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.data()), encoding="utf-8")
        return path


def every_freedom() -> Har:
    """A correct server that takes every freedom the contract page leaves, and a client that makes
    deliberate mistakes the server rightly refuses."""
    har = Har()
    quote = "The only true wisdom is in knowing you know nothing. ― Socrates"
    har.add("GET", "/heart", 200, raw_answer=quote, content_type="text/plain; charset=UTF-8")
    # Tokens: extra properties; an unlisted 401 reason; a refresh token used twice, then refused
    token = {"token": TOKEN, "refresh_token": REFRESH, "expires_in": 10800, "token_type": "Bearer", "scope": "all"}
    har.add("POST", "/auth", 200, body={"grant_type": "api_key", "api_key": API_KEY}, answer=token)
    har.add("POST", "/auth", 401, body={"grant_type": "api_key", "api_key": "wrong"},
            answer=error("api_key_not_recognised", hint="check the key"))  # fmt: skip
    har.add("POST", "/auth", 401, body={"grant_type": "password", "username": "a@example.com", "password": PASSWORD},
            answer=error("password_pwned"))  # fmt: skip
    har.add("POST", "/auth", 200, body={"grant_type": "refresh_token", "refresh_token": REFRESH}, answer=token)
    har.add("POST", "/auth", 200, body={"grant_type": "refresh_token", "refresh_token": REFRESH}, answer=token)
    har.add("POST", "/auth", 401, body={"grant_type": "refresh_token", "refresh_token": REFRESH},
            answer=error("unauthorized"))  # fmt: skip
    har.add("POST", "/auth", 429, body={"grant_type": "api_key", "api_key": API_KEY},
            answer=error("rate_limited"), answer_headers={"Retry-After": "2"})  # fmt: skip
    # Pages: charset parameter, extra properties, total changing between pages, a short last page
    page = {"data": [client(1, x_region="eu"), client(2)], "offset": 0, "limit": 2, "total": 5, "x_meta": {}}
    har.add("GET", "/clients?offset=0&limit=2", 200, headers=AUTH, answer=page, content_type=f"{JSON}; charset=utf-8")
    page2 = {"data": [client(3), client(4)], "offset": 2, "limit": 2, "total": 6}
    har.add("GET", "/clients?offset=2&limit=2", 200, headers=AUTH, answer=page2)
    har.add(
        "GET",
        "/clients?offset=4",
        200,
        headers=AUTH,
        answer={"data": [client(5), client(6)], "offset": 4, "limit": 20, "total": 6},
    )
    har.add("GET", "/clients?limit=0", 400, headers=AUTH, answer=error("bad_request"))
    har.add(
        "GET",
        "/clients?limit=abc",
        400,
        headers=AUTH,
        answer=error("bad_request", errors=[{"field": "limit", "message": "x"}]),
    )
    # Create: absolute Location, an ETag it need not send, extra properties
    created = client(51, email="ada@example.com", notes="hi", x_flags=["beta"])
    har.add("POST", "/clients", 201, headers=AUTH, body={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "notes": "hi"},
            answer=created, answer_headers={"Location": f"{BASE}/clients/51", "ETag": 'W/"51-1"'})  # fmt: skip
    # Read back, weak ETag; 304 carries an ETag too (allowed); a strong If-None-Match matches weakly
    har.add("GET", "/clients/51", 200, headers=AUTH, answer=created, answer_headers={"ETag": 'W/"51-1"'})
    har.add(
        "GET", "/clients/51", 304, headers={**AUTH, "If-None-Match": 'W/"51-1"'}, answer_headers={"ETag": 'W/"51-1"'}
    )
    har.add("GET", "/clients/51", 304, headers={**AUTH, "If-None-Match": '"51-1"'})
    # PUT leaves out email and notes; its answer has an ETag (allowed) and drops them
    replaced = client(51, updated="2026-03-02T14:00:01Z", last_name="King")
    har.add("PUT", "/clients/51", 200, headers=AUTH, body={"first_name": "Ada", "last_name": "King"},
            answer=replaced, answer_headers={"ETag": 'W/"51-2"'})  # fmt: skip
    har.add("GET", "/clients/51", 200, headers={**AUTH, "If-None-Match": 'W/"51-1"'}, answer=replaced,
            answer_headers={"ETag": 'W/"51-2"'})  # fmt: skip
    # Create with a relative Location and no body beyond the client; delete; gone
    har.add("POST", "/clients", 201, headers=AUTH, body={"first_name": "Grace", "last_name": ""},
            answer=client(52, first_name="Grace", last_name=""), answer_headers={"Location": "/api/v3/clients/52"})  # fmt: skip
    har.add("DELETE", "/clients/52", 204, headers=AUTH)
    har.add("GET", "/clients/52", 404, headers=AUTH, answer=error("not_found"))
    har.add("DELETE", "/clients/52", 404, headers=AUTH, answer=error("not_found"))
    # Deliberate mistakes, rightly refused: no token (generic 401), a property the schema does not name
    har.add("GET", "/clients", 401, answer=error("unauthorized", "Not authorized."))
    har.add("GET", "/clients/51", 401, headers={"Authorization": "Bearer expired"}, answer=error("token_expired"))
    har.add("PUT", "/clients/51", 400, headers=AUTH, body={"first_name": "A", "last_name": "B", "nickname": "x"},
            answer=error("bad_request"))  # fmt: skip
    har.add("POST", "/clients", 400, headers=AUTH, body="{not json", answer=error("bad_request"))
    har.add(
        "POST", "/clients", 403, headers=AUTH, body={"first_name": "A", "last_name": "B"}, answer=error("forbidden")
    )
    har.add("GET", "/clients/0", 404, headers=AUTH, answer=error("not_found"))
    har.add("GET", "/clients/abc", 400, headers=AUTH, answer=error("bad_request"))
    # 429 and 5xx anywhere, /heart included; a 503 without Retry-After; an error without a body
    har.add("GET", "/clients/51", 429, headers=AUTH, answer=error("rate_limited"), answer_headers={"Retry-After": "3"})
    har.add("GET", "/heart", 503, answer=error("service_unavailable", "Please resend your request."))
    har.add("GET", "/heart", 502, answer=error("bad_gateway"), answer_headers={"Retry-After": "1"})
    har.add("GET", "/heart", 500)
    # What the checker must skip: a CORS preflight, another host, another path, a browser's cache, no answer
    har.add("OPTIONS", "/clients", 204, headers={"Access-Control-Request-Method": "POST"})
    har.add("GET", "https://cdn.example.com/app.js", 200, raw_answer="x", content_type="text/javascript")
    har.add("GET", ORIGIN + "/api/v30/clients", 404, raw_answer="<html>", content_type="text/html")
    har.add("GET", "/clients/51", 200, headers=AUTH, answer={"stale": True}, extra={"_fromCache": "memory"})
    har.add("GET", "/clients/51", 0)
    return har


SKIPPED_IN_EVERY_FREEDOM = 5


# -- one kind of breach per recording: (rule that must find it, [entry,] recording) -----------------------

CREATE = {"first_name": "Ada", "last_name": "Lovelace"}
LOCATION = {"Location": "/api/v3/clients/51"}

SINGLE_BREACHES: dict[str, tuple[str, Har]] = {
    "undocumented status (POST answered 200)": ("status-documented", Har().add(
        "POST", "/clients", 200, headers=AUTH, body=CREATE, answer=client(51), answer_headers=LOCATION)),
    "undocumented status on /heart (401)": ("status-documented", Har().add("GET", "/heart", 401, answer=error("unauthorized"))),
    "an HTML error body": ("content-type-documented", Har().add(
        "GET", "/clients/1", 502, headers=AUTH, raw_answer="<html>Bad gateway</html>", content_type="text/html")),
    "JSON where text is documented": ("content-type-documented", Har().add("GET", "/heart", 200, answer={"quote": "x"})),
    "a body where none is documented (204)": ("content-type-documented", Har().add(
        "DELETE", "/clients/1", 204, headers=AUTH, answer={"deleted": True})),
    "no Location on a 201": ("response-headers", Har().add("POST", "/clients", 201, headers=AUTH, body=CREATE, answer=client(51))),
    "no ETag on GET's 200": ("response-headers", Har().add("GET", "/clients/1", 200, headers=AUTH, answer=client(1))),
    "no Retry-After on a 429": ("response-headers", Har().add("GET", "/clients", 429, headers=AUTH, answer=error("rate_limited"))),
    "Retry-After as an HTTP date": ("response-headers", Har().add(
        "GET", "/heart", 503, answer=error("service_unavailable"), answer_headers={"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"})),
    "a required field missing": ("response-body-schema", Har().add(
        "GET", "/clients/1", 200, headers=AUTH, answer={k: v for k, v in client(1).items() if k != "created_at"},
        answer_headers={"ETag": '"1"'})),
    "a timestamp with +00:00": ("response-body-schema", Har().add(
        "GET", "/clients/1", 200, headers=AUTH, answer=client(1, updated="2026-01-15T09:30:00+00:00"), answer_headers={"ETag": '"1"'})),
    "null for an optional field": ("response-body-schema", Har().add(
        "GET", "/clients/1", 200, headers=AUTH, answer=client(1, email=None), answer_headers={"ETag": '"1"'})),
    "an error body that is not {code, message}": ("response-body-schema", Har().add(
        "GET", "/clients/9", 404, headers=AUTH, answer={"error": "not found"})),
    "a JSON answer that is not JSON": ("response-body-schema", Har().add(
        "GET", "/clients/1", 200, headers=AUTH, raw_answer="{id: 1", content_type=JSON, answer_headers={"ETag": '"1"'})),
    "a 200 without its body": ("response-body-schema", Har().add(
        "GET", "/clients/1", 200, headers=AUTH, raw_answer="", content_type=JSON, answer_headers={"ETag": '"1"'})),
    "a token answer without refresh_token": ("response-body-schema", Har().add(
        "POST", "/auth", 200, body={"grant_type": "api_key", "api_key": API_KEY}, answer={"token": TOKEN, "expires_in": 10800, "token_type": "Bearer"})),
    "an invalid body accepted": ("invalid-request-accepted", Har().add(
        "POST", "/clients", 201, headers=AUTH, body={**CREATE, "nickname": "A"}, answer=client(51), answer_headers=LOCATION)),
    "a missing body accepted": ("invalid-request-accepted", Har().add(
        "POST", "/clients", 201, headers=AUTH, answer=client(51), answer_headers=LOCATION)),
    "an out-of-range parameter accepted": ("invalid-request-accepted", Har().add(
        "GET", "/clients?offset=-1&limit=5", 200, headers=AUTH, answer={"data": [], "offset": 0, "limit": 5, "total": 0})),
    "a valid request refused": ("valid-request-refused", Har().add(
        "GET", "/clients?offset=20&limit=10", 400, headers=AUTH, answer=error("bad_request"))),
    "a valid body refused": ("valid-request-refused", Har().add(
        "POST", "/clients", 400, headers=AUTH, body={**CREATE, "date_of_birth": "1815-12-10"}, answer=error("bad_request"))),
    "no credentials, answered 200": ("unauthenticated-accepted", Har().add(
        "GET", "/clients/1", 200, answer=client(1), answer_headers={"ETag": '"1"'})),
    "Location of another client": ("location-names-item", Har().add(
        "POST", "/clients", 201, headers=AUTH, body=CREATE, answer=client(51), answer_headers={"Location": "/api/v3/clients/1051"})),
    "Location outside the API": ("location-names-item", Har().add(
        "POST", "/clients", 201, headers=AUTH, body=CREATE, answer=client(51), answer_headers={"Location": "/clients/51"})),
    "a page that ignores limit": ("page-matches-request", Har().add(
        "GET", "/clients?limit=2", 200, headers=AUTH, answer={"data": [client(i) for i in (1, 2, 3)], "offset": 0, "limit": 2, "total": 3})),
    "a page out of order": ("page-matches-request", Har().add(
        "GET", "/clients", 200, headers=AUTH, answer={"data": [client(2), client(1)], "offset": 0, "limit": 20, "total": 2})),
    "a short page that total says is not the last": ("page-matches-request", Har().add(
        "GET", "/clients?offset=0&limit=5", 200, headers=AUTH, answer={"data": [client(1)], "offset": 0, "limit": 5, "total": 9})),
}  # fmt: skip


def created() -> Har:
    return Har().add("POST", "/clients", 201, headers=AUTH, body={**CREATE, "email": "a@example.com"},
                     answer=client(51, email="a@example.com"), answer_headers=LOCATION)  # fmt: skip


CROSS_BREACHES: dict[str, tuple[str, int, Har]] = {
    "a created client does not read back": ("created-reads-back", 1, created().add(
        "GET", "/clients/51", 404, headers=AUTH, answer=error("not_found"))),
    "a deleted client reads back": ("deleted-stays-gone", 2, created().add("DELETE", "/clients/51", 204, headers=AUTH).add(
        "GET", "/clients/51", 200, headers=AUTH, answer=client(51, email="a@example.com"), answer_headers={"ETag": '"51-1"'})),
    "200 with the very ETag sent": ("etag-not-modified", 2, created().add(
        "GET", "/clients/51", 200, headers=AUTH, answer=client(51), answer_headers={"ETag": '"51-1"'}).add(
        "GET", "/clients/51", 200, headers={**AUTH, "If-None-Match": '"51-1"'}, answer=client(51), answer_headers={"ETag": '"51-1"'})),
    "304 for an ETag our PUT made stale": ("etag-not-modified", 3, created().add(
        "GET", "/clients/51", 200, headers=AUTH, answer=client(51), answer_headers={"ETag": '"51-1"'}).add(
        "PUT", "/clients/51", 200, headers=AUTH, body={"first_name": "B", "last_name": "C"},
        answer=client(51, first_name="B", last_name="C", updated="2026-03-02T14:00:01Z")).add(
        "GET", "/clients/51", 304, headers={**AUTH, "If-None-Match": '"51-1"'})),
    "a PUT's answer keeps a field it left out": ("put-drops-omitted", 1, created().add(
        "PUT", "/clients/51", 200, headers=AUTH, body=CREATE, answer=client(51, email="a@example.com"))),
    "a field the PUT left out reads back": ("put-drops-omitted", 2, created().add(
        "PUT", "/clients/51", 200, headers=AUTH, body=CREATE, answer=client(51, updated="2026-03-02T14:00:01Z")).add(
        "GET", "/clients/51", 200, headers=AUTH, answer=client(51, updated="2026-03-02T14:00:01Z", email="a@example.com"),
        answer_headers={"ETag": '"51-2"'})),
}  # fmt: skip
