"""The contract run's own requests to a real account: a token, the clients it works on, an id
known not to exist, and the cleanup that deletes every client the run created.

These go straight to the server (not through the guard's proxy): they are the run's
bookkeeping, not cases. They wait out 429s and retry 5xx and lost connections a few
times, as a polite client would, except a creation: after a 500, 502, 504 or a
connection lost once the request was sent, the server may have created the client,
so the run looks for it by its name (written in the ledger before it is sent) and
sends again only when it is not there. The cleanup has a bound in total time
(`CLEANUP_BUDGET`); what it leaves is for `rstar-spec contract --cleanup LEDGER`.
Nothing here prints a credential.
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
CLEANUP_BUDGET = 60.0  # seconds the cleanup may take in all before it gives up and says how to finish it
_PAGE = 100  # the largest page the contract page allows
_MAX_PAGES = 200  # a search for a fixture by its name reads at most this many pages, newest first
# Candidates for an id no client has, largest first: a server may refuse ids past its own range (400),
# and the guard needs one that answers 404.
_ABSENT_CANDIDATES = (9_007_199_254_740_000, 2_147_483_000, 999_999_000)
_RETRIED = frozenset({429, 500, 502, 503, 504})
_NOT_HANDLED = frozenset({429, 503})  # a request these answer was not acted on: a creation may be sent again


class OutOfTime(RstarError):
    """The cleanup's bound in total time is reached: nothing more is sent."""


class MaybeCreated(RstarError):
    """A creation whose answer is lost (a 500, 502, 504, a connection cut after the request left)."""


@dataclass
class Account:
    base_url: str
    api_key: str = field(repr=False)
    timeout: float = 30.0
    attempts: int = 5
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    deadline: float | None = None  # a clock() value past which no request is sent (the cleanup's bound)
    _token: str | None = field(default=None, repr=False)
    _reached: bool = False  # a server never reached is a wrong --base-url: said at once, not retried
    _http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30.0), repr=False)

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, path: str, *, creates: bool = False, **kwargs: Any) -> httpx.Response:
        """One request, retried on 429/5xx/lost connections; a 401 renews the token once. A request that
        `creates` is sent again only when it cannot have been acted on (429, 503, no connection made);
        otherwise MaybeCreated. Past the deadline, OutOfTime."""
        renewed = False
        last: httpx.Response | Exception | None = None
        for attempt in range(self.attempts):
            headers = {"Authorization": f"Bearer {self.token()}"} if path != "/auth" else {}
            try:
                answer = self._http.request(
                    method, self.base_url + path, headers=headers, timeout=self._timeout(), **kwargs
                )
            except httpx.TransportError as exc:
                if not self._reached:
                    raise RstarError(f"cannot reach {self.base_url}: {type(exc).__name__}: {exc}") from None
                if creates and not isinstance(exc, httpx.ConnectError):
                    raise MaybeCreated(f"{method} {path}: {type(exc).__name__}") from None
                last = exc
                self._wait(min(2.0**attempt, 10.0))
                continue
            self._reached = True
            if answer.status_code == 401 and path != "/auth" and not renewed:
                self._token, renewed = None, True
                continue
            if answer.status_code not in _RETRIED:
                return answer
            if creates and answer.status_code not in _NOT_HANDLED:
                raise MaybeCreated(f"{method} {path} answered {answer.status_code}")
            last = answer
            retry_after = answer.headers.get("Retry-After", "")
            self._wait(min(float(retry_after), 30.0) if retry_after.isdigit() else min(2.0**attempt, 10.0))
        if isinstance(last, httpx.Response):
            return last
        raise RstarError(f"{method} {path}: no answer from {self.base_url} ({type(last).__name__})")

    def _left(self) -> float | None:
        if self.deadline is None:
            return None
        left = self.deadline - self.clock()
        if left <= 0:
            raise OutOfTime("out of time")
        return left

    def _timeout(self) -> float:
        left = self._left()
        return self.timeout if left is None else min(self.timeout, left)

    def _wait(self, seconds: float) -> None:
        left = self._left()
        self.sleep(seconds if left is None else min(seconds, left))

    def token(self) -> str:
        if self._token is None:
            answer = self._send("POST", "/auth", json={"grant_type": "api_key", "api_key": self.api_key})
            if answer.status_code != 200:
                raise RstarError(f"POST /auth with RSTAR_API_KEY answered {answer.status_code}: {_code(answer)}")
            self._token = str(answer.json()["token"])
        return self._token

    def create_fixture(self, run_id: str, ledger: Ledger, number: int) -> str:
        """A client for the run's PUTs to replace. Its name is in the ledger before it is sent, so that a
        creation whose answer is lost is found (here, or by the cleanup, or by --cleanup later)."""
        name = f"run {run_id} #{number}"
        body = {
            "first_name": FIXTURE_FIRST_NAME,
            "last_name": name,
            "notes": f"Created by an rstar-spec contract run ({run_id}); the run deletes it before it ends.",
        }
        ledger.write("creating", "/clients", "", name=name)
        answer: httpx.Response | None = None
        for _ in range(self.attempts):
            try:
                answer = self._send("POST", "/clients", creates=True, json=body)
            except MaybeCreated:
                answer = None
            created = _json(answer).get("id") if answer is not None and 200 <= answer.status_code < 300 else None
            if created is not None:
                ledger.write("created", "/clients", str(created), fixture=True, name=name,
                             created_at=_json(answer).get("created_at"))  # fmt: skip
                return str(created)
            if answer is not None and not 200 <= answer.status_code < 300:
                ledger.write("not-created", "/clients", "", name=name)  # refused: nothing was created
                break
            found = self.find_fixture(name)  # may exist: look before sending again
            if found is not None:
                ledger.write("created", "/clients", str(found["id"]), fixture=True, name=name,
                             created_at=found.get("created_at"))  # fmt: skip
                return str(found["id"])
        status = answer.status_code if answer is not None else "nothing"
        hint = " (a read-only key? use --read-only)" if answer is not None and answer.status_code == 403 else ""
        raise RstarError(f"POST /clients (the run's own client) answered {status}{hint}")

    def find_fixture(self, name: str) -> dict[str, Any] | None:
        """The client of the account named `name` by a run, newest pages first (ids ascend: it is likely last)."""
        first = _json(self._send("GET", "/clients", params={"offset": 0, "limit": _PAGE}))
        total = first.get("total")
        offsets = range((total - 1) // _PAGE * _PAGE, -1, -_PAGE) if isinstance(total, int) and total > 0 else [0]
        for offset in list(offsets)[:_MAX_PAGES]:
            page = (
                first
                if offset == 0
                else _json(self._send("GET", "/clients", params={"offset": offset, "limit": _PAGE}))
            )
            for client in page.get("data") or []:
                if (
                    isinstance(client, dict)
                    and client.get("first_name") == FIXTURE_FIRST_NAME
                    and client.get("last_name") == name
                ):
                    return client
        return None

    def absent_id(self) -> str | None:
        """An id that answers 404 now: the target of writes meant to meet no client."""
        for base in _ABSENT_CANDIDATES:
            candidate = base + random.randrange(1, 999)
            if self._send("GET", f"/clients/{candidate}").status_code == 404:
                return str(candidate)
        return None

    def delete_all(self, ledger: Ledger, budget: float | None = None) -> list[str]:
        """Delete every client of the ledger that is still the run's; the ones that could not be, with why.

        The report agrees with the ledger: a client the run deleted (a case's DELETE) is gone unless it
        still answers with the `created_at` the run saw it created with (then it is deleted again); an
        id answering another client is someone else's now and left alone. A DELETE answered 404 is gone.
        Past `budget` seconds in all, nothing more is sent and the rest is listed as not done."""
        self.deadline = None if budget is None else self.clock() + budget
        try:
            return self._delete_all(ledger, budget)
        finally:
            self.deadline = None

    def _delete_all(self, ledger: Ledger, budget: float | None) -> list[str]:
        left: list[str] = []
        todo = [(c, i, ledger.fingerprint(c, i)) for c, i, _ in ledger.created()]
        try:
            for name in ledger.pending():  # creations whose answer never came: found by name, else none made
                found = self.find_fixture(name)
                if found is not None:
                    ledger.write("created", "/clients", str(found["id"]), fixture=True, name=name,
                                 created_at=found.get("created_at"))  # fmt: skip
                    todo.append(("/clients", str(found["id"]), found.get("created_at")))
                else:
                    ledger.write("not-created", "/clients", "", name=name)
        except OutOfTime:
            late = f"not done: the cleanup's {budget:.0f} s were up"
            return [f"{i} ({late})" for _, i, _ in todo] + [f"client named {n!r} ({late})" for n in ledger.pending()]
        except RstarError as exc:
            left += [f"client named {name!r} (may exist: {exc.message})" for name in ledger.pending()]
        for n, (collection, item_id, created_at) in enumerate(todo):
            state = ledger.latest().get((collection, item_id))
            try:
                why = self._delete_one(ledger, collection, item_id, state, created_at)
            except OutOfTime:
                return left + [f"{i} (not done: the cleanup's {budget:.0f} s were up)" for _, i, _ in todo[n:]]
            except RstarError as exc:
                why = exc.message
            if why is not None:
                left.append(f"{item_id} ({why})")
        return left

    def _delete_one(
        self, ledger: Ledger, collection: str, item_id: str, state: str | None, created_at: Any
    ) -> str | None:
        """Why the item could not be deleted, or None when it is gone (or not the run's any more)."""
        if state == "cleaned":
            return None
        path = f"{collection}/{item_id}"
        check = self._send("GET", path)
        ours = check.status_code != 200 or created_at is None or _json(check).get("created_at") == created_at
        if state == "deleted" and (check.status_code != 200 or created_at is None or not ours):
            return None  # the run deleted it: gone, or someone's client with its id now
        if check.status_code == 404:
            ledger.write("cleaned", collection, item_id)
            return None
        if not ours:
            return f"answers a client created at {_json(check).get('created_at')}, not the run's: not deleted"
        answer = self._send("DELETE", path)
        if answer.status_code == 404:
            ledger.write("cleaned", collection, item_id)
            return None
        if not 200 <= answer.status_code < 300:
            return f"DELETE answered {answer.status_code}"
        check = self._send("GET", path)
        if check.status_code != 404:
            return f"still answers {check.status_code} after DELETE"
        ledger.write("cleaned", collection, item_id)
        return None


def _json(answer: httpx.Response | None) -> dict[str, Any]:
    if answer is None:
        return {}
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _code(answer: httpx.Response) -> str:
    return str(_json(answer).get("code", "no error code"))
