"""The mock's state: clients, tokens, and the fault knobs' counters.

Every method takes the lock, so the state stays consistent when requests run
concurrently (uvicorn's event loop, or threads in tests).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from ..core.limits import MAX_TOKENS

WRITABLE = ("first_name", "last_name", "email", "mobile", "date_of_birth", "notes")
_FIRST = [
    "Ada",
    "Alan",
    "Grace",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "John",
    "Margaret",
    "Dennis",
    "Radia",
    "Ken",
]
_LAST = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Backus",
    "Hamilton",
    "Ritchie",
    "Perlman",
    "Thompson",
]


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Credentials:
    """The mock's accounts, from the environment (documented defaults; never from argv)."""

    api_key: str = "mock-api-key"
    readonly_api_key: str = "mock-readonly-api-key"
    username: str = "reception@example.com"
    password: str = "correct horse battery staple"
    pwned_password: str = "password123"

    ENV: ClassVar[dict[str, str]] = {
        "api_key": "RSTAR_MOCK_API_KEY",
        "readonly_api_key": "RSTAR_MOCK_READONLY_API_KEY",
        "username": "RSTAR_MOCK_USERNAME",
        "password": "RSTAR_MOCK_PASSWORD",
        "pwned_password": "RSTAR_MOCK_PWNED_PASSWORD",
    }

    @classmethod
    def from_env(cls) -> Credentials:
        return cls(**{name: os.environ[var] for name, var in cls.ENV.items() if os.environ.get(var)})

    def __repr__(self) -> str:  # secrets never appear in repr
        return f"Credentials(username={self.username!r}, keys=***)"


@dataclass
class _Token:
    expires_at: float
    read_only: bool


class State:
    def __init__(
        self, credentials: Credentials, token_ttl: int, seed: int = 36, *,
        reusable_refresh_tokens: bool = False, weak_etags: bool = False, max_tokens: int = MAX_TOKENS,
    ) -> None:  # fmt: skip
        self.credentials = credentials
        self.token_ttl = token_ttl
        self.reusable_refresh_tokens = reusable_refresh_tokens
        self.weak_etags = weak_etags
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._clients: dict[int, dict[str, Any]] = {}
        self._versions: dict[int, int] = {}
        self._next_id = 1
        self._tokens: dict[str, _Token] = {}
        self._refresh: dict[str, bool] = {}  # refresh token -> read_only
        self._requests = 0
        self._rate: dict[str, list[float]] = {}
        base = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
        for i in range(seed):
            stamp = utc_stamp(base + timedelta(hours=i))
            client = {"first_name": _FIRST[i % len(_FIRST)], "last_name": _LAST[(i * 5) % len(_LAST)]}
            if i % 3 == 0:
                client["email"] = f"{client['first_name'].lower()}{i}@example.com"
            if i % 4 == 1:
                client["mobile"] = f"+44 7700 9{i:05d}"
            if i % 5 == 2:
                client["date_of_birth"] = f"19{50 + i % 50:02d}-0{1 + i % 9}-1{i % 10}"
            self._insert(client, stamp)

    # -- clients ---------------------------------------------------------------------------
    def _insert(self, fields: dict[str, Any], stamp: str) -> dict[str, Any]:
        client_id = self._next_id
        self._next_id += 1
        self._clients[client_id] = {"id": client_id, **fields, "created_at": stamp, "updated_at": stamp}
        self._versions[client_id] = 1
        return dict(self._clients[client_id])

    def create(self, fields: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return self._insert({k: fields[k] for k in WRITABLE if k in fields}, utc_stamp(datetime.now(UTC)))

    def page(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        with self._lock:
            ids = sorted(self._clients)
            return [dict(self._clients[i]) for i in ids[offset : offset + limit]], len(ids)

    def get(self, client_id: int) -> tuple[dict[str, Any], str] | None:
        with self._lock:
            client = self._clients.get(client_id)
            return (dict(client), self._etag(client_id)) if client else None

    def replace(self, client_id: int, fields: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
        """PUT: every writable field is replaced; one left out is removed."""
        with self._lock:
            old = self._clients.get(client_id)
            if old is None:
                return None
            kept = {"id": client_id, **{k: fields[k] for k in WRITABLE if k in fields}}
            self._clients[client_id] = {
                **kept,
                "created_at": old["created_at"],
                "updated_at": utc_stamp(datetime.now(UTC)),
            }
            self._versions[client_id] += 1
            return dict(self._clients[client_id]), self._etag(client_id)

    def delete(self, client_id: int) -> bool:
        with self._lock:
            self._versions.pop(client_id, None)
            return self._clients.pop(client_id, None) is not None

    def _etag(self, client_id: int) -> str:
        tag = f'"c{client_id}-v{self._versions[client_id]}"'
        return f"W/{tag}" if self.weak_etags else tag

    # -- tokens --------------------------------------------------------------------------------
    def issue(self, read_only: bool) -> dict[str, Any]:
        token, refresh = f"rs_tok_{secrets.token_urlsafe(24)}", f"rs_ref_{secrets.token_urlsafe(24)}"
        with self._lock:
            if len(self._tokens) >= self.max_tokens or len(self._refresh) >= self.max_tokens:
                self._forget_tokens()
            self._tokens[token] = _Token(time.monotonic() + self.token_ttl, read_only)
            self._refresh[refresh] = read_only
        return {"token": token, "refresh_token": refresh, "expires_in": self.token_ttl, "token_type": "Bearer"}

    def _forget_tokens(self) -> None:
        """Expired tokens go; if that is not enough, the oldest quarter, and the oldest refresh tokens, and
        the rate counters of tokens that are gone. Called with the lock held, when the store is full."""
        now = time.monotonic()
        self._tokens = {t: v for t, v in self._tokens.items() if v.expires_at > now}
        if len(self._tokens) >= self.max_tokens:
            self._tokens = dict(list(self._tokens.items())[self.max_tokens // 4 :])
        if len(self._refresh) >= self.max_tokens:
            self._refresh = dict(list(self._refresh.items())[-(self.max_tokens * 3 // 4) :])
        self._rate = {k: v for k, v in self._rate.items() if k in self._tokens or (v and now - v[-1] < 1.0)}

    def refresh(self, refresh_token: str) -> dict[str, Any] | None:
        with self._lock:
            # Used once, unless the profile lets it be reused: the page promises neither.
            read_only = (self._refresh.get if self.reusable_refresh_tokens else self._refresh.pop)(refresh_token, None)
        return None if read_only is None else self.issue(read_only)

    def token(self, token: str) -> tuple[str, bool]:
        """('ok' | 'invalid_token' | 'token_expired', read_only)."""
        with self._lock:
            found = self._tokens.get(token)
        if found is None:
            return "invalid_token", False
        if time.monotonic() >= found.expires_at:
            return "token_expired", found.read_only
        return "ok", found.read_only

    # -- fault knobs ---------------------------------------------------------------------------
    def count_request(self) -> int:
        with self._lock:
            self._requests += 1
            return self._requests

    def over_rate(self, token: str, per_second: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._rate) >= self.max_tokens:  # keys may be whatever a caller sends as a token
                self._rate = {k: v for k, v in self._rate.items() if v and now - v[-1] < 1.0}
                if len(self._rate) >= self.max_tokens:  # a flood within the second: the oldest half goes
                    self._rate = dict(list(self._rate.items())[self.max_tokens // 2 :])
            recent = [t for t in self._rate.get(token, []) if now - t < 1.0]
            recent.append(now)
            self._rate[token] = recent
            return len(recent) > per_second
