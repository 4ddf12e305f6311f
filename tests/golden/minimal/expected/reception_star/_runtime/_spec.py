"""What the runtime needs to know of the spec, as types. The values are the generated package's
constants module (`client.py`), written by `rstar-spec generate` from the overlaid spec."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import define, field

from ._errors import ParseErrorBody


@define(frozen=True)
class Pagination:
    """An offset/limit operation: the query parameter of the offset, the page's attributes of the items and the total."""

    offset_param: str
    items_attr: str
    total_attr: str


@define(frozen=True)
class Operation:
    """What the overlay says of one operation, checked against the spec."""

    idempotent: bool
    """Whether the client may send it again after a 502, a 503 or a broken connection."""
    authenticated: bool
    etag_cache: bool = False
    pagination: Pagination | None = None


@define(frozen=True)
class TokenEndpoint:
    """Where bearer tokens come from: the operation, the grant body of each credential, the answer's fields.

    A grant body's values are text, or one of the credential's names in braces: `{"api_key": "{api_key}"}`."""

    path: str
    method: str
    grants: Mapping[str, Mapping[str, str]]
    token_field: str
    refresh_token_field: str
    expires_in_field: str
    error_bodies: Mapping[int, ParseErrorBody] = field(factory=dict, repr=False)

    def grant(self, kind: str, credentials: Mapping[str, str]) -> dict[str, str]:
        """The body that exchanges these credentials (`api_key`, `password` or `refresh`) for a token."""
        body = {}
        for key, value in self.grants[kind].items():
            placeholder = value[1:-1] if value.startswith("{") and value.endswith("}") else None
            body[key] = credentials[placeholder] if placeholder is not None else value
        return body


@define(frozen=True)
class SecretNames:
    """Which headers, query parameters and JSON or form fields hold secrets: `rstar-spec generate` writes the
    one list of its toolkit (the proxy's and the mock's recorders use the same) with the spec's own secret
    properties added. A name is compared lower case without `-` and `_` (`refreshToken`, `refresh_token`
    and `Refresh-Token` are one name) and holds a secret when it is one of `names` or ends with one of
    `endings`."""

    names: frozenset[str]
    endings: tuple[str, ...]

    def __call__(self, name: str) -> bool:
        key = name.lower().replace("-", "").replace("_", "")
        return key in self.names or key.endswith(self.endings)
