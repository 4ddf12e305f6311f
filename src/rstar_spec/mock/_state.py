"""The mock's state: the items of every collection, tokens, and the fault knobs' counters.

Items are stored per collection: a resource's collection path, with the values of the path's parameters
above it for a nested resource (`Where`). Each item is a dict that is never changed in place (a change
stores a new one), so an answer may show the stored dict itself. Its revision, which its ETag names, is
one counter for the whole state: no two versions of any item share an ETag.

Every method takes the lock, so the state stays consistent when requests run concurrently (uvicorn's
event loop, or threads in tests). A collection is made on first use, with the items its seeder gives.
"""

from __future__ import annotations

import bisect
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from ..core.limits import MAX_TOKENS

Key = Any  # an item's id as the store keys it: int or str, of one kind within a collection
Where = tuple[str, tuple[Any, ...]]  # (collection path template, values of the parameters above it)
Seeder = Callable[[Where], list[tuple[Key, dict[str, Any]]]]


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


@dataclass
class Collection:
    """The items of one collection by id, in ascending id order, each with its revision."""

    items: dict[Key, dict[str, Any]] = field(default_factory=dict)
    order: list[Key] = field(default_factory=list)
    revisions: dict[Key, int] = field(default_factory=dict)
    numbers_given: int = 0
    seeded: frozenset[Key] = frozenset()

    def next_number(self) -> int:
        """What the next id is made from: one more than the last one given, so an id is never given again
        (the contract page does not promise that; a test replaces this to give deleted ids again)."""
        self.numbers_given += 1
        return self.numbers_given

    def put(self, key: Key, item: dict[str, Any], revision: int) -> None:
        if key not in self.items:
            bisect.insort(self.order, key)
        self.items[key] = item
        self.revisions[key] = revision


class State:
    def __init__(
        self, credentials: Credentials, token_ttl: int, seed: int = 36, *,
        reusable_refresh_tokens: bool = False, weak_etags: bool = False, max_tokens: int = MAX_TOKENS,
        seeder: Seeder | None = None,
    ) -> None:  # fmt: skip
        self.credentials = credentials
        self.token_ttl = token_ttl
        self.seed = seed
        self.reusable_refresh_tokens = reusable_refresh_tokens
        self.weak_etags = weak_etags
        self.max_tokens = max_tokens
        self._seeder = seeder
        self._lock = threading.RLock()  # a seeder asks whether a parent item was seeded, under the lock
        self._collections: dict[Where, Collection] = {}
        self._revision = 0
        self._tokens: dict[str, _Token] = {}
        self._refresh: dict[str, bool] = {}  # refresh token -> read_only
        self._requests = 0
        self._rate: dict[str, list[float]] = {}

    # -- items ---------------------------------------------------------------------------------
    def _collection(self, where: Where) -> Collection:
        """The collection at where, made (and seeded) on first use; called with the lock held."""
        found = self._collections.get(where)
        if found is None:
            found = self._collections[where] = Collection()
            seeds = self._seeder(where) if self._seeder is not None else []
            for key, item in seeds:
                self._revision += 1
                found.put(key, item, self._revision)
            found.numbers_given = len(seeds)
            found.seeded = frozenset(key for key, _ in seeds)
        return found

    def _etag(self, collection: Collection, key: Key) -> str:
        tag = f'"r{collection.revisions[key]}"'
        return f"W/{tag}" if self.weak_etags else tag

    def create(self, where: Where, make: Callable[[int], tuple[Key, dict[str, Any]]]) -> tuple[Key, dict[str, Any]]:
        """A new item: make turns the collection's next number into its key and the item."""
        with self._lock:
            collection = self._collection(where)
            key, item = make(collection.next_number())
            self._revision += 1
            collection.put(key, item, self._revision)
            return key, item

    def page(self, where: Where, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        with self._lock:
            collection = self._collection(where)
            items = collection.items
            return [items[k] for k in collection.order[offset : offset + limit]], len(collection.order)

    def get(self, where: Where, key: Key) -> tuple[dict[str, Any], str] | None:
        with self._lock:
            collection = self._collection(where)
            item = collection.items.get(key)
            return (item, self._etag(collection, key)) if item is not None else None

    def change(
        self, where: Where, key: Key, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> tuple[dict[str, Any], str] | None:
        """The item as change makes it from the stored one (a new dict), stored with a new revision."""
        with self._lock:
            collection = self._collection(where)
            old = collection.items.get(key)
            if old is None:
                return None
            self._revision += 1
            collection.put(key, change(old), self._revision)
            return collection.items[key], self._etag(collection, key)

    def delete(self, where: Where, key: Key) -> bool:
        with self._lock:
            collection = self._collection(where)
            if collection.items.pop(key, None) is None:
                return False
            collection.revisions.pop(key, None)
            collection.order.remove(key)
            return True

    def was_seeded(self, where: Where, key: Key) -> bool:
        with self._lock:
            return key in self._collection(where).seeded

    # -- tokens --------------------------------------------------------------------------------
    def issue(self, read_only: bool) -> dict[str, Any]:
        token, refresh = f"rs_tok_{secrets.token_urlsafe(24)}", f"rs_ref_{secrets.token_urlsafe(24)}"
        with self._lock:
            if len(self._tokens) >= self.max_tokens or len(self._refresh) >= self.max_tokens:
                self._forget_tokens()
            self._tokens[token] = _Token(time.monotonic() + self.token_ttl, read_only)
            self._refresh[refresh] = read_only
        # in the words of x-rstar-token's `response` (the answer's names come from it: _behaviour.py)
        return {"token": token, "refresh_token": refresh, "expires_in": self.token_ttl}

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
