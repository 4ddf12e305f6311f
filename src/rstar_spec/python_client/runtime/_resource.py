"""The base of the generated resources (``api/<tag>/__init__.py``): one class per tag, sync and async,
each with a raw-response twin, as openai-python lays them out.

A resource method sends through the operation's ``*_detailed`` function and hands the answer to
``_answer`` (or its page fetcher to ``_pages``). A resource made with ``raw=True`` answers
``RawResponse`` instead; the ``*WithRawResponse`` classes hold one and type its methods with
``answers_raw``/``pages_raw`` (the same parameters, another answer), so a method is written once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, Generic, ParamSpec, Protocol, Self, TypeVar, cast

from ._async._pages import AsyncPage
from ._page_request import AsyncPageRequest
from ._pagination import first_offset
from ._raw import RawResponse
from ._sync._pages import SyncPage

P = ParamSpec("P")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
ClientT = TypeVar("ClientT")
PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")
BodyT = TypeVar("BodyT")


class Detailed(Protocol[T_co]):
    """What an operation's ``sync_detailed``/``asyncio_detailed`` answers (the package's ``types.Response``)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> MutableMapping[str, str]: ...
    @property
    def content(self) -> bytes: ...
    @property
    def parsed(self) -> T_co: ...


class _Resource(Generic[ClientT]):
    def __init__(self, client: ClientT, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def _raw_twin(self) -> Self:
        """This resource answering RawResponse: what its ``*WithRawResponse`` class calls."""
        return type(self)(self._client, raw=True)

    def _answer(self, response: Detailed[T]) -> T:
        """The parsed object; a RawResponse when this resource answers raw (typed by answers_raw)."""
        if self._raw:
            return cast(T, _raw_response(response))
        return response.parsed


class SyncResource(_Resource[ClientT]):
    def _pages(
        self, fetch: Callable[[int], Detailed[PageT]], offset: object, limit: object, items_attr: str, total_attr: str
    ) -> SyncPage[PageT, Any]:
        """The page at `offset` (0 when not given), iterating over every item after it; raw: its RawResponse."""
        start = first_offset(offset)
        if self._raw:
            return cast(SyncPage[PageT, Any], _raw_response(fetch(start)))
        return SyncPage(
            lambda at: fetch(at).parsed,
            fetch(start).parsed,
            start,
            items_attr=items_attr,
            total_attr=total_attr,
            limit=limit if isinstance(limit, int) else None,
        )


class AsyncResource(_Resource[ClientT]):
    def _pages(
        self,
        fetch: Callable[[int], Awaitable[Detailed[PageT]]],
        offset: object,
        limit: object,
        items_attr: str,
        total_attr: str,
    ) -> AsyncPageRequest[PageT, Any]:
        """Awaited: the page at `offset`; iterated: every item from there. Raw: a coroutine of its RawResponse."""
        start = first_offset(offset)
        if self._raw:
            return cast(AsyncPageRequest[PageT, Any], _raw_response_async(fetch(start)))

        async def parsed(at: int) -> PageT:
            return (await fetch(at)).parsed

        async def first() -> AsyncPage[PageT, Any]:
            page = await parsed(start)
            limit_asked = limit if isinstance(limit, int) else None
            return AsyncPage(parsed, page, start, items_attr=items_attr, total_attr=total_attr, limit=limit_asked)

        return AsyncPageRequest(first)


def _raw_response(response: Detailed[T]) -> RawResponse[T]:
    return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


async def _raw_response_async(response: Awaitable[Detailed[T]]) -> RawResponse[T]:
    return _raw_response(await response)


def answers_raw(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """A method of a ``raw=True`` resource, typed as what it answers: a RawResponse."""
    return cast(Callable[P, RawResponse[T]], method)


def answers_raw_async(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    return cast(Callable[P, Awaitable[RawResponse[T]]], method)


def pages_raw(method: Callable[P, SyncPage[PageT, Any]]) -> Callable[P, RawResponse[PageT]]:
    """A list method of a ``raw=True`` resource: the RawResponse of the first page."""
    return cast(Callable[P, RawResponse[PageT]], method)


def pages_raw_async(method: Callable[P, AsyncPageRequest[PageT, Any]]) -> Callable[P, Awaitable[RawResponse[PageT]]]:
    return cast(Callable[P, Awaitable[RawResponse[PageT]]], method)


def keyword_body(
    model: Callable[..., BodyT], body: BodyT | None, fields: Mapping[str, Any], required: tuple[str, ...]
) -> BodyT:
    """A method's body: ``body=`` as given, or the model made of its keyword fields (None leaves one out)."""
    if body is None:
        missing = [name for name in required if fields.get(name) is None]
        if missing:
            raise TypeError(f"{', '.join(missing)}: required (or pass body=)")
        return model(**fields)
    if any(value is not None for value in fields.values()):
        raise TypeError("pass the fields or body=, not both")
    return body


__all__ = [
    "AsyncResource",
    "Detailed",
    "SyncResource",
    "answers_raw",
    "answers_raw_async",
    "keyword_body",
    "pages_raw",
    "pages_raw_async",
]
