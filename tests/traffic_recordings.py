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
