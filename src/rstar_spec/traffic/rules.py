"""The traffic rules: what one recorded exchange, or the recording in order, may not show.

Each rule holds the server to what the spec and docs/reception-star-api.md promise, and no more: any
status the operation documents (by code, range or `default`), a charset parameter, weak ETags, an ETag
on answers that do not promise one, properties an answer's schema does not name, absolute or relative
Location, any 401 reason, 429 and 5xx on any request. Messages never quote a value of the exchange
(a body, a query parameter or a header may be a secret), only names, places and schema keywords.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..oas.view import Header, media_type_essence
from ._context import NOT_I_JSON, ExchangeContext, _Unsure, coerce, listing
from ._items import (
    Item,
    Items,
    etag_list,
    evaluate,
    item_key,
    location_target,
    opaque,
    resource,
    role,
    room_for_another_writer,
    seen,
)  # fmt: skip
from ._registry import Verdict, across, finding, single, warning

TRANSPORT_LIMITS = {413: "Content Too Large", 414: "URI Too Long", 431: "Request Header Fields Too Large"}
"""Answered by whatever is in front of the API (a proxy, the server's HTTP layer) before the API sees the
request: not an answer the API documents, and not one it gives."""


def _success(status: int) -> bool:
    return 200 <= status < 300


# -- one exchange -------------------------------------------------------------------------------------


@single("status-documented", "every answer's status is documented for its operation: by code, range or default")
def status_documented(ctx: ExchangeContext) -> Iterable[Verdict]:
    if ctx.response is not None:
        return
    documented = ", ".join(ctx.operation.responses) or "none"
    if ctx.status in TRANSPORT_LIMITS:
        yield warning(f"{ctx.status} {TRANSPORT_LIMITS[ctx.status]} is a transport limit, not an answer of the API")
    elif ctx.status == 202:
        # The page: "no documented operation answers it today; clients must treat any 2xx as success"
        yield warning(
            f"202 is not documented for {ctx.operation.label} (documented: {documented}); clients treat it as success"
        )
    else:
        yield finding(f"status {ctx.status} is not documented for {ctx.operation.label} (documented: {documented})")


@single("content-type-documented", "an answer with a body says a media type its response documents")
def content_type_documented(ctx: ExchangeContext) -> Iterable[Verdict]:
    response, body = ctx.response, ctx.exchange.response_body
    if response is None or not body:
        return
    content_type = ctx.exchange.response_header("content-type")
    if not response.content:
        yield finding(f"the {ctx.status} answer has a body, and its response documents none")
    elif not content_type:
        yield finding(
            f"the {ctx.status} answer has a body without Content-Type (documented: {', '.join(response.content)})"
        )
    elif response.media_for(content_type) is None:
        yield finding(
            f"Content-Type {media_type_essence(content_type)} is not documented for {ctx.status} "
            f"(documented: {', '.join(response.content)})"
        )


def _header_value_error(ctx: ExchangeContext, header: Header, raw: str) -> str | None:
    if header.schema_pointer is None:
        return None
    schema = ctx.spec.schema_at(header.schema_pointer)
    try:
        value = coerce(raw.strip(), schema)
    except _Unsure:
        return None
    problems = ctx.spec.problems(header.schema_pointer, value, f"header {header.name}")
    return listing(problems) if problems else None


@single("response-headers", "the headers a response requires are there, and every documented header matches its schema")
def response_headers(ctx: ExchangeContext) -> Iterable[Verdict]:
    if ctx.response is None:
        return
    for header in ctx.response.headers:
        if header.name.lower() == "content-type":  # OpenAPI: described by content, a header entry is ignored
            continue
        raw = ctx.exchange.response_header(header.name)
        if raw is None:
            if header.required:
                yield finding(f"the {ctx.status} answer lacks the required header {header.name}")
            continue
        problem = _header_value_error(ctx, header, raw)
        if problem:
            yield finding(problem)


@single("response-body-schema", "an answer's body matches the schema of its status and media type")
def response_body_schema(ctx: ExchangeContext) -> Iterable[Verdict]:
    response, exchange = ctx.response, ctx.exchange
    if response is None or exchange.response_body is None or not response.content:
        return
    body = exchange.response_body
    if not body:
        # "every 4xx/5xx that has a body": an error may come without one; a success documented with content may not
        if _success(ctx.status):
            yield finding(f"the {ctx.status} answer has no body (documented: {', '.join(response.content)})")
        return
    media = response.media_for(exchange.response_header("content-type") or "")
    if media is None or media.schema_pointer is None:
        return  # content-type-documented speaks for it
    if exchange.response_truncated:
        yield warning("the recording holds only part of the body: not checked")
        return
    if media.is_json:
        kind, value = ctx.parsed_response
        if kind == "not-json":
            yield finding(f"the {ctx.status} answer says {media.name} and its body is not JSON")
            return
        if kind == "not-i-json":
            yield finding(f"the {ctx.status} body {NOT_I_JSON}")
            return
        if kind == "unsure":
            return
    else:
        try:
            value = body.decode("utf-8")
        except UnicodeDecodeError:
            yield finding(f"the {ctx.status} answer's {media.name} body is not UTF-8")
            return
    problems = ctx.spec.problems(media.schema_pointer, value, f"the {ctx.status} body")
    if problems:
        yield finding(listing(problems))


@single("invalid-request-accepted", "a request that breaks its schema (parameters, body) is not answered 2xx")
def invalid_request_accepted(ctx: ExchangeContext) -> Iterable[Verdict]:
    if not _success(ctx.status):
        return
    problems = ctx.request_problems
    if problems:
        message = f"answered {ctx.status} to a request the spec refuses: {listing(problems)}"
        doubts = sorted({p.doubt for p in problems if p.doubt})
        if all(p.doubt for p in problems):  # every problem is one a server may rightly not see
            yield warning(f"{message}; not a finding: {'; '.join(doubts)}")
        else:
            yield finding(message)


@single("valid-request-refused", "a request that matches its schema is not refused with 400")
def valid_request_refused(ctx: ExchangeContext) -> Iterable[Verdict]:
    if ctx.status == 400 and ctx.request_problems == []:
        message = "answered 400 to a request that matches the spec (parameters and body)"
        doubts = ctx.format_doubts  # values that a stricter, still common, reading of their format refuses
        if doubts:
            yield warning(f"{message}; not a finding: {listing(doubts)}")
        else:
            yield finding(message)


def _has_credentials(ctx: ExchangeContext) -> bool:
    """Whether the request carries what one of the operation's security requirements asks for."""
    schemes = ctx.spec.view.doc.get("components", {}).get("securitySchemes", {})
    exchange = ctx.exchange
    cookies = exchange.request_header("cookie") or ""

    def present(name: str) -> bool:
        scheme = schemes.get(name) if isinstance(schemes, dict) else None
        if not isinstance(scheme, dict):
            return True  # a scheme we cannot read: give the benefit of the doubt
        kind = scheme.get("type")
        if kind in ("http", "oauth2", "openIdConnect"):
            return bool(exchange.request_header("authorization"))
        if kind == "apiKey":
            where, key = scheme.get("in"), str(scheme.get("name", ""))
            if where == "header":
                return exchange.request_header(key) is not None
            if where == "query":
                return any(n == key for n, _ in ctx.query)
            if where == "cookie":
                return any(part.strip().startswith(key + "=") for part in cookies.split(";"))
        return True  # mutualTLS and the unknown: not visible in a recording

    return any(all(present(name) for name in requirement) for requirement in ctx.operation.security)


@single("unauthenticated-accepted", "an operation that needs credentials does not answer 2xx to a request without them")
def unauthenticated_accepted(ctx: ExchangeContext) -> Iterable[Verdict]:
    if ctx.operation.authenticated and _success(ctx.status) and not _has_credentials(ctx):
        yield finding(f"answered {ctx.status} to a request without credentials; {ctx.operation.label} needs them")


@single("location-names-item", "the Location of an answer names the item its body describes")
def location_names_item(ctx: ExchangeContext) -> Iterable[Verdict]:
    if not _success(ctx.status) or ctx.response is None or ctx.response.header("location") is None:
        return
    found = location_target(ctx)
    if found is None:
        return  # response-headers speaks for a missing one
    _location, under = found
    if under is None:
        yield finding("Location is not a URI reference (RFC 3986): it names no item")
        return
    view = ctx.spec.view
    match = view.router.match("GET", under) if under else None
    if match is None:
        yield finding(f"Location names no item the API serves under {view.base_path or '/'}")
        return
    ok, body = ctx.response_json
    if not ok or not isinstance(body, dict):
        return
    expected: dict[str, Any] = {}
    for link in ctx.response.links:
        if link.operation_id == match.operation.operation_id:
            expected = {name: evaluate(expr, ctx) for name, expr in link.parameters.items()}
            break
    else:
        target = view.resources.resource_of(match.operation)
        id_field = target.id_field if target is not None else None
        if len(match.path_params) == 1 and id_field is not None and id_field in body:
            expected = {next(iter(match.path_params)): body[id_field]}
    for name, value in expected.items():
        got = match.path_params.get(name)
        if value is not None and got is not None and str(value) != got:
            yield finding(f"Location names {name} {got}; the body describes {value}")


@single(
    "page-matches-request",
    "a page holds the items the request asked for: its offset and limit, at most limit items, ascending ids",
)
def page_matches_request(ctx: ExchangeContext) -> Iterable[Verdict]:
    if ctx.status != 200 or ctx.request_problems != [] or role(ctx) != "list":  # invalid: invalid-request-accepted
        return
    owner = resource(ctx)
    envelope = owner.page if owner is not None else None
    if owner is None or envelope is None:
        return  # no page envelope the model can read: nothing promised across its fields
    names = {str(p.param.get("name")): p for p in ctx.operation.parameters_in("query")}
    ok, page = ctx.response_json
    if not ok or not isinstance(page, dict) or not isinstance(page.get(envelope.items), list):
        return
    asked: dict[str, Any] = {}
    sent = dict(ctx.query)
    params = {"start": envelope.offset_param, "size": envelope.limit_param}
    for key, name in params.items():
        schema = ctx._resolved(ctx.spec.schema_at((*names[name].pointer, "schema")) or {})
        try:
            asked[key] = coerce(sent[name], schema) if name in sent else schema.get("default")
        except _Unsure:
            return
    offset, limit, data = asked["start"], asked["size"], page[envelope.items]
    total = page.get(envelope.total)
    if not isinstance(offset, int) or not isinstance(limit, int):
        return
    for name, value in ((envelope.offset, offset), (envelope.limit, limit)):
        if page.get(name) != value and isinstance(page.get(name), int):
            yield finding(f"the page says {name} {page.get(name)}; the request asked for {value}")
    if len(data) > limit:
        yield finding(f"the page holds {len(data)} items; the request asked for at most {limit}")
    id_field = owner.id_field
    ids = [item.get(id_field) for item in data if isinstance(item, dict)] if id_field else []
    numbers = [i for i in ids if isinstance(i, int)]
    if id_field and len(numbers) == len(ids) and numbers != sorted(numbers):
        yield finding(f"the page's items are not in ascending {id_field} order")
    if isinstance(total, int) and len(data) < min(limit, max(0, total - offset)):
        yield finding(
            f"the page holds {len(data)} items of the {min(limit, total - offset)} that total {total} leaves from offset {offset}"
        )


# -- across exchanges, in recorded order ------------------------------------------------------------------


def _breach(message: str, earlier: Any, ctx: ExchangeContext, window: float, evidence: str | None = None) -> Verdict:
    """A finding when the recording leaves no room for another writer, else a warning with the reason."""
    reason = evidence or room_for_another_writer(earlier, ctx.exchange, window)
    return warning(f"{message}; not a finding: {reason}") if reason else finding(message)


class _Across:
    window = 5.0

    def __init__(self) -> None:
        pass


@across("created-reads-back", "an item a POST created reads back (until the recording deletes it)")
class CreatedReadsBack(_Across):
    def observe(self, ctx: ExchangeContext, items: Items) -> Iterable[Verdict]:
        if ctx.status != 404 or role(ctx) not in ("retrieve", "replace", "update", "action"):
            return
        item = items.get(item_key(ctx))
        if item is None or item.created is None or item.deleted is not None:
            return
        yield _breach(f"404 for the item #{item.created.index} created", item.created, ctx, self.window)


def _shows_another_writer(item: Item, ctx: ExchangeContext, reference: Any) -> str | None:
    """The sign, in this answer, of a change by someone else since `reference` (a Seen)."""
    now = seen(ctx)
    if reference is None:
        return None
    if now.etag and reference.etag and now.etag != reference.etag:
        return f"the answer's ETag differs from #{reference.exchange.index}'s: someone else may have changed it"
    for name, value in now.stamps.items():
        if name in reference.stamps and reference.stamps[name] != value:
            return f"its {name} differs from #{reference.exchange.index}'s: someone else may have changed it"
    return None


@across("deleted-stays-gone", "an item a DELETE answered 2xx does not read back")
class DeletedStaysGone(_Across):
    def observe(self, ctx: ExchangeContext, items: Items) -> Iterable[Verdict]:
        done = role(ctx)
        if not (done == "retrieve" and ctx.status == 200) and not (
            done in ("replace", "update", "action") and _success(ctx.status)
        ):
            return
        item = items.get(item_key(ctx))
        if item is None or item.deleted is None:
            return
        evidence = _shows_another_writer(item, ctx, item.last_seen)
        yield _breach(
            f"answered {ctx.status} for the item #{item.deleted.index} deleted",
            item.deleted,
            ctx,
            self.window,
            evidence,
        )


@across(
    "etag-not-modified",
    "If-None-Match with the ETag of an unchanged item is answered 304, not 200 with that ETag; a changed item is not answered 304",
)
class EtagNotModified(_Across):
    def observe(self, ctx: ExchangeContext, items: Items) -> Iterable[Verdict]:
        if role(ctx) != "retrieve":
            return
        sent = etag_list(ctx.exchange.request_header("if-none-match"))
        if not sent or "*" in sent:
            return
        answered = ctx.exchange.response_header("etag")
        if ctx.status == 200 and answered and opaque(answered) in sent:
            # The answer itself says the item is as the caller has it: no other writer can explain a 200
            yield finding("answered 200 with the very ETag the request sent in If-None-Match: should be 304")
            return
        if ctx.status != 304:
            return
        item = items.get(item_key(ctx))
        if item is None or item.last_write is None:
            return
        stale = [item.etags[tag] for tag in sent if tag in item.etags]
        if len(stale) != len(sent) or not all(where.index < item.last_write.index for where in stale):
            return  # a tag the recording never showed, or one still current: no verdict
        write = item.last_write
        evidence = None
        if write is not item.deleted:
            after = item.put_answer.etag if item.put_answer else None
            if (after is not None and after in sent) or item.put_changed is False:
                return  # the write left it as it was: an ETag of its content may rightly stay
            if item.put_changed is None:
                evidence = f"the recording does not show what the {write.method} #{write.index} changed"
        what = "deleted" if write is item.deleted else "changed"
        yield _breach(
            f"answered 304 for an ETag of the item before #{write.index} {what} it", write, ctx, self.window, evidence
        )


def _writable(ctx: ExchangeContext) -> set[str]:
    owner = resource(ctx)
    if owner is not None and owner.writable:
        return set(owner.writable)
    body = ctx.operation.request_body
    media = body.media_for("application/json") if body else None
    schema = ctx.spec.schema_at(media.schema_pointer) if media and media.schema_pointer else None
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return set(properties) if isinstance(properties, dict) else set()


def _kept(ctx: ExchangeContext, body: dict[str, Any] | None, sent: dict[str, Any], writable: set[str]) -> list[str]:
    return sorted(name for name in writable if body is not None and name in body and name not in sent)


@across(
    "put-drops-omitted", "a PUT replaces every writable field: the fields it left out are gone, in its answer and after"
)
class PutDropsOmitted(_Across):
    def __init__(self) -> None:
        super().__init__()
        self._writable: dict[str, set[str]] = {}  # by item template: the PUT's writable fields

    def observe(self, ctx: ExchangeContext, items: Items) -> Iterable[Verdict]:
        method = role(ctx)
        if method == "replace" and _success(ctx.status):
            ok, sent = ctx.request_json
            key = item_key(ctx)
            writable = _writable(ctx)
            if key is not None:
                self._writable[key[0]] = writable
            answer = seen(ctx).body
            if ok and isinstance(sent, dict):
                kept = _kept(ctx, answer, sent, writable)
                if kept:
                    yield finding(f"the PUT left out {', '.join(kept)} and its answer still has them")
            return
        if method != "retrieve" or ctx.status != 200:
            return
        key = item_key(ctx)
        item = items.get(key)
        if key is None or item is None or item.put_body is None or item.last_write is None:
            return
        kept = _kept(ctx, seen(ctx).body, item.put_body, self._writable.get(key[0], set()))
        if kept:
            evidence = _shows_another_writer(item, ctx, item.put_answer)
            yield _breach(
                f"the PUT #{item.last_write.index} left out {', '.join(kept)} and they read back",
                item.last_write, ctx, self.window, evidence,
            )  # fmt: skip
