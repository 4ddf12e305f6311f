"""The contract run's own requests to a real account: a token, the clients it works on, an id
known not to exist, and the cleanup that deletes every client the run created.

These go straight to the server (not through the guard's proxy): they are the run's
bookkeeping, not cases. They wait out 429s and retry 5xx and lost connections a few
times, as a polite client would. Nothing here prints a credential.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..core.errors import RstarError
from ._guard import Ledger

FIXTURE_FIRST_NAME = "rstar-contract"
# Candidates for an id no client has, largest first: a server may refuse ids past its own range (400),
# and the guard needs one that answers 404.
_ABSENT_CANDIDATES = (9_007_199_254_740_000, 2_147_483_000, 999_999_000)
_RETRIED = frozenset({429, 500, 502, 503, 504})


@dataclass
class Account:
    base_url: str
    api_key: str = field(repr=False)
    timeout: float = 30.0
    attempts: int = 5
    sleep: Callable[[float], None] = time.sleep
    _token: str | None = field(default=None, repr=False)
    _reached: bool = False  # a server never reached is a wrong --base-url: said at once, not retried
    _http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30.0), repr=False)

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on 429/5xx/lost connections; a 401 renews the token once."""
        renewed = False
        last: httpx.Response | Exception | None = None
        for attempt in range(self.attempts):
            headers = {"Authorization": f"Bearer {self.token()}"} if path != "/auth" else {}
            try:
                answer = self._http.request(method, self.base_url + path, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if not self._reached:
                    raise RstarError(f"cannot reach {self.base_url}: {type(exc).__name__}: {exc}") from None
                last = exc
                self.sleep(min(2.0**attempt, 10.0))
                continue
            self._reached = True
            if answer.status_code == 401 and path != "/auth" and not renewed:
                self._token, renewed = None, True
                continue
            if answer.status_code not in _RETRIED:
                return answer
            last = answer
            retry_after = answer.headers.get("Retry-After", "")
            self.sleep(min(float(retry_after), 30.0) if retry_after.isdigit() else min(2.0**attempt, 10.0))
        if isinstance(last, httpx.Response):
            return last
        raise RstarError(f"{method} {path}: no answer from {self.base_url} ({type(last).__name__})")

    def token(self) -> str:
        if self._token is None:
            answer = self._send("POST", "/auth", json={"grant_type": "api_key", "api_key": self.api_key})
            if answer.status_code != 200:
                raise RstarError(f"POST /auth with RSTAR_API_KEY answered {answer.status_code}: {_code(answer)}")
            self._token = str(answer.json()["token"])
        return self._token

    def create_fixture(self, run_id: str, ledger: Ledger) -> str:
        """A client for the run's PUTs to replace, recorded in the ledger before anything else happens."""
        body = {
            "first_name": FIXTURE_FIRST_NAME,
            "last_name": f"run {run_id}",
            "notes": f"Created by an rstar-spec contract run ({run_id}); the run deletes it before it ends.",
        }
        answer = self._send("POST", "/clients", json=body)
        created = _json(answer).get("id") if 200 <= answer.status_code < 300 else None
        if created is None:
            hint = " (a read-only key? use --read-only)" if answer.status_code == 403 else ""
            raise RstarError(f"POST /clients (the run's own client) answered {answer.status_code}{hint}")
        ledger.write("created", "/clients", str(created), fixture=True)
        return str(created)

    def absent_id(self) -> str | None:
        """An id that answers 404 now: the target of writes meant to meet no client."""
        for base in _ABSENT_CANDIDATES:
            candidate = base + random.randrange(1, 999)
            if self._send("GET", f"/clients/{candidate}").status_code == 404:
                return str(candidate)
        return None

    def delete_all(self, ledger: Ledger) -> list[str]:
        """Delete every client of the ledger that is still there; the ones that could not be, with why."""
        left: list[str] = []
        for collection, item_id, _ in ledger.created():
            path = f"{collection}/{item_id}"
            try:
                if self._send("GET", path).status_code == 404:
                    continue
                answer = self._send("DELETE", path)
                if answer.status_code not in (204, 200, 202, 404):
                    left.append(f"{item_id} (DELETE answered {answer.status_code})")
                    continue
                check = self._send("GET", path)
                if check.status_code != 404:
                    left.append(f"{item_id} (still answers {check.status_code} after DELETE)")
                    continue
                ledger.write("cleaned", collection, item_id)
            except RstarError as exc:
                left.append(f"{item_id} ({exc.message})")
        return left


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _code(answer: httpx.Response) -> str:
    return str(_json(answer).get("code", "no error code"))
