"""The contract run's own requests to a real account: a token, the items it works on (fixtures, for
every resource it may create in: _fixtures.py), an id known not to exist for each resource, and the
cleanup that deletes every item the run created, in any collection, nested ones first.

These go straight to the server (not through the guard's proxy): they are the run's
bookkeeping, not cases. They wait out 429s and retry 5xx and lost connections a few
times, as a polite client would, except a creation: after a 500, 502, 504 or a
connection lost once the request was sent, the server may have created the item,
so the run looks for it by its mark (written in the ledger before it is sent) and
sends again only when it is not there. The cleanup has a bound in total time
(`CLEANUP_BUDGET`); what it leaves is for `rstar-spec contract --cleanup LEDGER`.
Nothing here prints a credential.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from ..core.errors import RstarError
from ..oas.resources import Resource
from ..oas.schema_engine import BundleSchemas
from ._fixtures import FIXTURE_MARK, fixture
from ._guard import Ledger, render, stamps_of
from ._spec import SuiteSpec

CLEANUP_BUDGET = 60.0  # seconds the cleanup may take in all before it gives up and says how to finish it
_MAX_PAGES = 200  # a search for a fixture by its mark reads at most this many pages, newest first
# Candidates for an integer id no item has, largest first: a server may refuse ids past its own range (400),
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
    spec: SuiteSpec = field(repr=False)
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
        recipe = self.spec.token
        for attempt in range(self.attempts):
            to_token = recipe is not None and (method.lower(), path) == (recipe.method, recipe.path)
            token = None if to_token or recipe is None else self.token()
            headers = {"Authorization": f"Bearer {token}"} if token else {}
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
            if answer.status_code == 401 and not to_token and not renewed:
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
        recipe = self.spec.token
        if recipe is None:
            raise RstarError("the document says not how to obtain a token with an API key (x-rstar-token)")
        if self._token is None:
            answer = self._send(recipe.method.upper(), recipe.path, json=recipe.body(self.api_key))
            label = f"{recipe.method.upper()} {recipe.path}"
            if answer.status_code != 200:
                raise RstarError(f"{label} with RSTAR_API_KEY answered {answer.status_code}: {_code(answer)}")
            token = _json(answer).get(recipe.token_field)
            if not isinstance(token, str) or not token:
                raise RstarError(f"{label} with RSTAR_API_KEY answered 200 without `{recipe.token_field}`")
            self._token = token
        return self._token

    def create_fixture(self, resource: Resource, collection: str, run_id: str, ledger: Ledger, number: int) -> str:
        """An item for the run's writes to work on. Its mark is in the ledger before it is sent, so that a
        creation whose answer is lost is found (here, or by the cleanup, or by --cleanup later)."""
        name = f"run {run_id} #{number}"
        made = fixture(self.spec.doc, resource, self._schemas(), name)
        create = resource.op("create")
        assert create is not None and resource.id_field is not None
        label = f"{create.method.upper()} {collection}"
        ledger.write("creating", collection, "", name=name, mark=made.mark)
        answer: httpx.Response | None = None
        for _ in range(self.attempts):
            try:
                answer = self._send(create.method.upper(), collection, creates=True, json=made.body)
            except MaybeCreated:
                answer = None
            created = (
                _json(answer).get(resource.id_field) if answer is not None and 200 <= answer.status_code < 300 else None
            )
            if created is not None:
                stamps = stamps_of(_json(answer), self.spec.stamps(resource))
                ledger.write("created", collection, str(created), fixture=True, name=name, stamps=stamps)
                return str(created)
            if answer is not None and not 200 <= answer.status_code < 300:
                ledger.write("not-created", collection, "", name=name)  # refused: nothing was created
                break
            found = self.find_fixture(collection, name, made.mark)  # may exist: look before sending again
            if found is not None:
                stamps = stamps_of(found, self.spec.stamps(resource))
                ledger.write("created", collection, str(found[resource.id_field]), fixture=True, name=name,
                             stamps=stamps)  # fmt: skip
                return str(found[resource.id_field])
            if not made.mark:
                raise RstarError(f"{label} (the run's own item) may have created an item no field can name")
        status = answer.status_code if answer is not None else "nothing"
        hint = " (a read-only key? use --read-only)" if answer is not None and answer.status_code == 403 else ""
        detail = f": {_code(answer)}" if answer is not None and answer.status_code == 400 else ""
        raise RstarError(f"{label} (the run's own item) answered {status}{hint}{detail}")

    def _schemas(self) -> BundleSchemas:
        if not hasattr(self, "_bundle_schemas"):
            self._bundle_schemas = BundleSchemas(self.spec.doc)
        return self._bundle_schemas

    def find_fixture(self, collection: str, name: str, mark: dict[str, Any] | None) -> dict[str, Any] | None:
        """The item of the collection a run created under `name`, newest pages first (ids ascend: it is likely
        last). By its mark; a ledger of an earlier version has none: then by the fixture mark and the name."""
        resource = self.spec.resource_at(collection)
        listing = resource.op("list") if resource is not None else None
        page = resource.page if resource is not None else None
        if resource is None or listing is None or page is None:
            return None
        size = self.spec.largest_page(resource)

        def fetch(offset: int) -> dict[str, Any]:
            return _json(self._send("GET", collection, params={page.offset_param: offset, page.limit_param: size}))

        first = fetch(0)
        total = first.get(page.total)
        offsets = range((total - 1) // size * size, -1, -size) if isinstance(total, int) and total > 0 else [0]
        for offset in list(offsets)[:_MAX_PAGES]:
            for item in (first if offset == 0 else fetch(offset)).get(page.items) or []:
                if isinstance(item, dict) and _is_fixture(item, name, mark):
                    return item
        return None

    def absent_id(self, resource: Resource, parent_values: dict[str, str]) -> str | None:
        """An id that answers 404 now: the target of writes meant to meet no item (None: none found, or the
        resource has no GET of an item to ask)."""
        if resource.item is None or "retrieve" not in resource.operations or resource.id_param is None:
            return None
        for candidate in _absent_candidates(self.spec, resource):
            path = render(resource.item, {**parent_values, resource.id_param: candidate})
            if self._send("GET", path).status_code == 404:
                return candidate
        return None

    def delete_all(self, ledger: Ledger, budget: float | None = None) -> list[str]:
        """Delete every item of the ledger that is still the run's; the ones that could not be, with why.

        The report agrees with the ledger: an item the run deleted (a case's DELETE) is gone unless it
        still answers with the stamps the run saw it created with (then it is deleted again); an id
        answering another item is someone else's now and left alone. A DELETE answered 404 is gone.
        Nested items go first (a parent's DELETE may take them along, or be refused while they exist).
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
            for record in ledger.pending():  # creations whose answer never came: found by mark, else none made
                collection, name = record["collection"], record["name"]
                resource = self.spec.resource_at(collection)
                found = self.find_fixture(collection, name, record.get("mark"))
                if found is not None and resource is not None and resource.id_field in found:
                    stamps = stamps_of(found, self.spec.stamps(resource))
                    item_id = str(found[resource.id_field])
                    ledger.write("created", collection, item_id, fixture=True, name=name, stamps=stamps)
                    todo.append((collection, item_id, stamps))
                else:
                    ledger.write("not-created", collection, "", name=name)
        except OutOfTime:
            late = f"not done: the cleanup's {budget:.0f} s were up"
            return [f"{i} ({late})" for _, i, _ in todo] + [
                f"item named {r['name']!r} in {r['collection']} ({late})" for r in ledger.pending()
            ]
        except RstarError as exc:
            left += [
                f"item named {r['name']!r} in {r['collection']} (may exist: {exc.message})" for r in ledger.pending()
            ]
        todo.sort(key=lambda entry: -entry[0].count("/"))  # nested first; in order of creation otherwise
        for n, (collection, item_id, stamps) in enumerate(todo):
            state = ledger.latest().get((collection, item_id))
            try:
                why = self._delete_one(ledger, collection, item_id, state, stamps)
            except OutOfTime:
                return left + [f"{i} (not done: the cleanup's {budget:.0f} s were up)" for _, i, _ in todo[n:]]
            except RstarError as exc:
                why = exc.message
            if why is not None:
                left.append(f"{item_id} ({why})")
        return left

    def _delete_one(
        self, ledger: Ledger, collection: str, item_id: str, state: str | None, stamps: dict[str, Any]
    ) -> str | None:
        """Why the item could not be deleted, or None when it is gone (or not the run's any more)."""
        if state == "cleaned":
            return None
        resource = self.spec.resource_at(collection)
        path = f"{collection}/{quote(item_id, safe='')}"
        readable = resource is None or "retrieve" in resource.operations
        check = self._send("GET", path) if readable else None
        seen = _json(check) if check is not None else {}
        found = check is not None and check.status_code == 200
        ours = not found or not stamps or any(seen.get(k) == v for k, v in stamps.items())
        if state == "deleted" and (not found or not stamps or not ours):
            return None  # the run deleted it: gone, or someone's item with its id now
        if check is not None and check.status_code == 404:
            ledger.write("cleaned", collection, item_id)
            return None
        if not ours:
            shown = ", ".join(f"{k} {seen.get(k)}" for k in stamps)
            return f"answers an item with {shown}, not the run's: not deleted"
        answer = self._send("DELETE", path)
        if answer.status_code == 404:
            ledger.write("cleaned", collection, item_id)
            return None
        if not 200 <= answer.status_code < 300:
            return f"DELETE answered {answer.status_code}"
        if readable:
            check = self._send("GET", path)
            if check.status_code != 404:
                return f"still answers {check.status_code} after DELETE"
        ledger.write("cleaned", collection, item_id)
        return None


def _is_fixture(item: dict[str, Any], name: str, mark: dict[str, Any] | None) -> bool:
    if mark:
        return all(item.get(k) == v for k, v in mark.items())
    values = {v for v in item.values() if isinstance(v, str)}
    return FIXTURE_MARK in values and name in values  # a ledger of an earlier version: the mark and the name apart


def _absent_candidates(spec: SuiteSpec, resource: Resource) -> list[str]:
    """Ids no item is likely to have, of the id parameter's type: large integers, else uuids or marked text."""
    schema = spec.id_schema(resource)
    if spec.integer_ids(resource):
        maximum = schema.get("maximum")
        top = maximum if isinstance(maximum, int) else None
        bases = [b for b in _ABSENT_CANDIDATES if top is None or b + 999 <= top]
        return [str(base + random.randrange(1, 999)) for base in bases or [max((top or 0) - 999, 1)]]
    if schema.get("format") == "uuid":
        return [str(uuid.uuid4()) for _ in range(3)]
    return [f"rstar-absent-{uuid.uuid4().hex[:12]}" for _ in range(3)]


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
