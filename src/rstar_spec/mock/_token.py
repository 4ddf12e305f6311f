"""The token operation's grants, as the security scheme's `x-rstar-token` writes them.

    x-rstar-token:
      operationId: ...                      # the operation (the resource model places it: role `token`)
      grants: {KIND: {FIELD: VALUE, ...}}   # KIND: api_key | password | refresh; VALUE a constant or {placeholder}
      response: {token: F, refresh_token: F, expires_in: F}   # the answer's properties

A request body is the grant whose constants it carries; its placeholders name the fields that hold the
credentials (`{api_key}`; `{username}` and `{password}`; `{refresh_token}`). The placeholders and the
response's keys are the extension's words, which every tool reads alike (sdk/facts.py checks them for the
SDKs); what they map to is the spec's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..oas.resources import TOKEN_EXTENSION
from ..oas.walk import resolve

_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")
KINDS = ("api_key", "password", "refresh")


@dataclass(frozen=True)
class Grant:
    kind: str  # one of KINDS
    constants: dict[str, str]  # the body's fixed fields: what tells this grant from the others
    fields: dict[str, str]  # placeholder -> the body's field that holds it

    def matches(self, body: dict[str, Any]) -> bool:
        return all(body.get(name) == value for name, value in self.constants.items())

    def credential(self, body: dict[str, Any], placeholder: str) -> str | None:
        value = body.get(self.fields.get(placeholder, ""))
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class TokenGrants:
    grants: tuple[Grant, ...]
    response: dict[str, str]  # token, refresh_token, expires_in -> the answer's properties

    def grant_of(self, body: dict[str, Any]) -> Grant | None:
        return next((g for g in self.grants if g.matches(body)), None)

    @classmethod
    def of(cls, doc: dict[str, Any], operation_id: str | None) -> TokenGrants | None:
        """The grants of the scheme whose x-rstar-token names operation_id; None when there is none to read."""
        schemes = (doc.get("components") or {}).get("securitySchemes")
        for scheme in schemes.values() if isinstance(schemes, dict) else ():
            scheme = resolve(doc, scheme, ())[1]
            hint = scheme.get(TOKEN_EXTENSION) if isinstance(scheme, dict) else None
            if isinstance(hint, dict) and hint.get("operationId") == operation_id:
                return _parse(hint)
        return None


def _parse(hint: dict[str, Any]) -> TokenGrants | None:
    grants, bodies = [], hint.get("grants")
    for kind, body in bodies.items() if isinstance(bodies, dict) else ():
        if kind not in KINDS or not isinstance(body, dict):
            continue
        constants, fields = {}, {}
        for name, value in body.items():
            if not isinstance(value, str):
                continue
            placeholder = _PLACEHOLDER.match(value)
            if placeholder:
                fields[placeholder.group(1)] = str(name)
            else:
                constants[str(name)] = value
        grants.append(Grant(kind, constants, fields))
    response = hint.get("response")
    if not grants or not isinstance(response, dict):
        return None
    return TokenGrants(tuple(grants), {str(k): v for k, v in response.items() if isinstance(v, str)})
