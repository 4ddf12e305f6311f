"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, TYPE_CHECKING, BinaryIO, Generic, TypeAlias, TypeVar

from attrs import define

# An optional field the API left out is None, and None in a request model means "leave it out": the API
# never sends null (docs/reception-star-api.md), so nothing is lost, and `record.email is None` reads
# as people expect. The generator's code checks `isinstance(x, Unset)` and compares with UNSET: with
# Unset the type of None, and UNSET None, that code means exactly this.
if TYPE_CHECKING:
    Unset: TypeAlias = None
else:
    Unset = type(None)
UNSET: None = None

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """An answer of the API: its status, headers and raw content, and the parsed object.

    `parsed` is never None unless the operation answers nothing (204): error
    statuses raise instead (see errors.py).
    """

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset"]
