"""What every SDK needs to know of the API beyond what OpenAPI says, in the document's own names.

Read from the overlaid document (the python-client target) and checked against the spec: the
default base URL, and the overlay's `x-rstar-*` hints (which operations page and how, which may be
sent again, which GET answers from an ETag cache, how tokens are obtained, the SDK's method names),
the properties whose values are secrets, and which component schemas a schema is written with.
Names stay as the JSON spells them: the Python generator adds its naming on top
(python_client/facts.py), publish turns these into SDK hints for other languages (publish/sdk_hints.py).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..core.errors import GenerateError, shorten
from ..core.pointer import Pointer, to_string
from ..oas.resources import Placement
from ..oas.schema_engine import BundleSchemas
from ..oas.secret_fields import holds_secret
from ..oas.view import DocumentView
from ..oas.walk import Parameter, effective_parameters, is_authenticated, iter_operations, resolve

IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete"})
PAGINATION_KEYS = ("items", "offset", "limit", "total")
CREDENTIAL_PLACEHOLDERS = {
    "api_key": {"api_key"},
    "password": {"username", "password"},
    "refresh": {"refresh_token"},
}
TOKEN_RESPONSE_KEYS = ("token", "refresh_token", "expires_in")
# Headers the client sets itself where an operation takes them: hidden from its signature.
CLIENT_HEADERS = {"etag_cache": "if-none-match"}
COMPONENT = "#/components/schemas/"
_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")
# Names a resource already has in every SDK (the Python facade's), or that Python reserves.
RESERVED_SDK_NAMES = frozenset({"with_raw_response", "with_options"}) | frozenset(keyword.kwlist)


@dataclass(frozen=True)
class PaginationFacts:
    """x-rstar-pagination: the JSON names of the items, the offset and limit parameters, the total."""

    items: str
    offset: str
    limit: str
    total: str
    item_component: str | None  # the component schema of the items, when they have one


@dataclass(frozen=True)
class OperationFacts:
    authenticated: bool
    idempotent: bool
    etag_cache: bool
    hidden_headers: tuple[str, ...]  # header parameters the client sets itself, as the spec names them
    pagination: PaginationFacts | None
    sdk_name: str  # the method: api.<resource>.<sdk_name>() (x-rstar-sdk-name, else the operationId)
    resource: str  # its first tag


@dataclass(frozen=True)
class TokenFacts:
    operation_id: str
    path: str
    method: str
    grants: dict[str, dict[str, str]]
    response: dict[str, str]  # token, refresh_token, expires_in -> the answer's properties
    error_components: dict[int, str]  # the token operation's error bodies' component schemas, by status


@dataclass(frozen=True)
class SdkFacts:
    server_url: str
    operations: dict[str, OperationFacts]
    token: TokenFacts | None
    secret_properties: dict[str, list[str]]  # component schema -> JSON properties whose values are secrets


def sdk_facts(doc: dict[str, Any]) -> SdkFacts:
    """The facts of the overlaid document; a hint that does not fit the spec is a GenerateError."""
    servers = doc.get("servers")
    url = servers[0].get("url") if isinstance(servers, list) and servers and isinstance(servers[0], dict) else None
    if not isinstance(url, str) or not url:
        raise GenerateError("#/servers/0/url: the client's default base_url comes from it, and there is none")
    operations: dict[str, OperationFacts] = {}
    taken: dict[tuple[str, str], str] = {}  # (resource, sdk name) -> the operation that has it
    model = DocumentView.of(doc).resources  # roles decide what no hint says: names, pagination, the ETag cache
    # Names the overlay gives are claimed first: a derived name never takes one away (it falls back instead).
    for pointer, _path, _method, op in iter_operations(doc):
        op_id = op.get("operationId")
        if isinstance(op_id, str) and "x-rstar-sdk-name" in op:
            _sdk_name(pointer, op, op_id, str((op.get("tags") or ["default"])[0]), taken)
    for pointer, _path, method, op in iter_operations(doc):
        op_id = op.get("operationId")
        if not isinstance(op_id, str):
            raise GenerateError(f"#{to_string(pointer)}: the operation has no operationId, which names its function")
        idempotent = op.get("x-rstar-idempotent", method in IDEMPOTENT_METHODS)
        if not isinstance(idempotent, bool):
            raise GenerateError(f"#{to_string(pointer)}/x-rstar-idempotent: must be true or false")
        params = {p.key: p for p in effective_parameters(doc, pointer)}
        placement = model.placements.get(pointer)
        etag_cache = _etag_cache(pointer, op, params, placement)
        resource = str((op.get("tags") or ["default"])[0])
        operations[op_id] = OperationFacts(
            # openapi-python-client sees only an operation's own `security`, not the document's
            authenticated=is_authenticated(doc, op),
            idempotent=idempotent,
            etag_cache=etag_cache,
            hidden_headers=tuple(
                p.param["name"]
                for k, p in params.items()
                if etag_cache and k == ("header", CLIENT_HEADERS["etag_cache"])
            ),
            pagination=_pagination(doc, pointer, op, params, placement),
            sdk_name=_sdk_name(pointer, op, op_id, resource, taken, _derived_name(placement, _path)),
            resource=resource,
        )
    token = _token(doc)
    return SdkFacts(
        server_url=url.rstrip("/"),
        operations=operations,
        token=token,
        secret_properties=_secret_properties(doc, token),
    )


# The roles that are their method's name in every SDK: api.<tag>.list(), .create(), .retrieve(), ...
ROLE_NAMES = frozenset({"list", "create", "retrieve", "update", "delete"})


def _derived_name(placement: Placement | None, path: str) -> str | None:
    """The method name an operation's role gives it, when the overlay names none; None: its operationId.

    PUT replaces: it is `update` unless the resource also has a PATCH (then `replace`, and PATCH is `update`).
    An action is named by its path segment (`cancel`), a read by its path's last literal segment (`heart`),
    the token operation `token`."""
    if placement is None:
        return None
    if placement.role in ROLE_NAMES:
        return placement.role
    if placement.role == "replace":
        has_patch = placement.resource is not None and "update" in placement.resource.operations
        return "replace" if has_patch else "update"
    if placement.role == "action" and placement.action:
        return _identifier(placement.action)
    if placement.role == "token":
        return "token"
    if placement.role == "read":
        segments = [s for s in path.split("/") if s and "{" not in s]
        return _identifier(segments[-1]) if segments else None
    return None


def _identifier(segment: str) -> str | None:
    name = re.sub(r"[^0-9a-zA-Z_]", "_", segment).lower()
    return name if name.isidentifier() and not name.startswith("_") and name not in RESERVED_SDK_NAMES else None


def _sdk_name(
    pointer: Pointer,
    op: dict[str, Any],
    op_id: str,
    resource: str,
    taken: dict[tuple[str, str], str],
    derived: str | None = None,
) -> str:
    if "x-rstar-sdk-name" not in op and derived is not None and taken.get((resource, derived), op_id) == op_id:
        taken[(resource, derived)] = op_id
        return derived  # a derived name already taken (two lists under one tag) falls back to the operationId
    name = op.get("x-rstar-sdk-name", op_id)
    where = f"#{to_string(pointer)}/x-rstar-sdk-name"
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_") or name in RESERVED_SDK_NAMES:
        raise GenerateError(f"{where}: {name!r} cannot be a method name (a Python identifier, not reserved)")
    other = taken.setdefault((resource, name), op_id)
    if other != op_id:
        raise GenerateError(f"{where}: {resource}.{name} is already the name of {other}")
    return name


def _etag_cache(
    pointer: Pointer, op: dict[str, Any], params: dict[tuple[str, str], Parameter], placement: Placement | None
) -> bool:
    """x-rstar-etag-cache when the overlay says; else the item GET of a resource that promises ETag and 304."""
    if "x-rstar-etag-cache" not in op:
        resource = placement.resource if placement is not None else None
        return placement is not None and placement.role == "retrieve" and resource is not None and resource.etag
    wanted = op.get("x-rstar-etag-cache", False)
    if wanted is not True:
        return False
    where = f"#{to_string(pointer)}/x-rstar-etag-cache"
    if pointer[-1] != "get":
        raise GenerateError(f"{where}: only a GET can be answered from the cache")
    if ("header", CLIENT_HEADERS["etag_cache"]) not in params:
        raise GenerateError(f"{where}: the operation has no If-None-Match header parameter")
    if "304" not in (op.get("responses") or {}):
        raise GenerateError(f"{where}: the operation documents no 304 answer")
    return True


def _pagination(
    doc: dict[str, Any],
    pointer: Pointer,
    op: dict[str, Any],
    params: dict[tuple[str, str], Parameter],
    placement: Placement | None,
) -> PaginationFacts | None:
    """x-rstar-pagination when the overlay says; else the page envelope of a resource's list."""
    hint = op.get("x-rstar-pagination")
    if hint is None:
        page = placement.resource.page if placement is not None and placement.resource is not None else None
        if placement is None or placement.role != "list" or page is None:
            return None
        hint = {"items": page.items, "offset": page.offset_param, "limit": page.limit_param, "total": page.total}
    where = f"#{to_string(pointer)}/x-rstar-pagination"
    if not isinstance(hint, dict) or any(not isinstance(hint.get(k), str) for k in PAGINATION_KEYS):
        raise GenerateError(f"{where}: must name {', '.join(PAGINATION_KEYS)}")
    for key in ("offset", "limit"):
        if ("query", hint[key]) not in params:
            raise GenerateError(f"{where}/{key}: the operation has no query parameter {hint[key]!r}")
    schema = resolve(doc, json_schema(doc, op, "200"), ())[1]
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    required = schema.get("required", []) if isinstance(schema, dict) else []
    for key in ("items", "total"):
        if hint[key] not in properties or hint[key] not in required:
            raise GenerateError(f"{where}/{key}: the 200 answer has no required property {hint[key]!r}")
    items = properties[hint["items"]]
    item_components = components_of(doc, items.get("items") if isinstance(items, dict) else None)
    return PaginationFacts(
        **{k: hint[k] for k in PAGINATION_KEYS},
        item_component=item_components[0] if len(item_components) == 1 else None,
    )


def json_schema(doc: dict[str, Any], op: dict[str, Any], status: str) -> Any:
    """The schema of an operation's JSON answer with this status, unresolved; None when it has none."""
    response = resolve(doc, (op.get("responses") or {}).get(status), ())[1]
    media = ((response or {}).get("content") or {}).get("application/json") or {}
    return media.get("schema")


def type_parts(doc: dict[str, Any], schema: Any) -> Iterator[tuple[str, str]]:
    """What a schema is written with in a typed SDK: ("component", name) for a component object or enum
    (a class of its own), ("array", "") for a list, ("format", f) for a string of format date or date-time.
    A component that is only a oneOf/anyOf is the union of its members'; other components are inlined."""
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = resolve(doc, schema, ())[1]
        if not isinstance(target, dict):
            return
        union = (target.get("oneOf") or target.get("anyOf")) and "properties" not in target
        model = target.get("type") == "object" or "properties" in target or "enum" in target
        if ref.startswith(COMPONENT) and model and not union:
            yield ("component", ref.removeprefix(COMPONENT))
            return
        schema = target
    for key in ("oneOf", "anyOf"):
        for member in schema.get(key) or []:
            yield from type_parts(doc, member)
    if schema.get("type") == "array":
        yield ("array", "")
        yield from type_parts(doc, schema.get("items"))
    if schema.get("format") in ("date", "date-time"):
        yield ("format", str(schema["format"]))


def components_of(doc: dict[str, Any], schema: Any) -> list[str]:
    """The component classes a schema is written with, each once, in order."""
    return list(dict.fromkeys(name for kind, name in type_parts(doc, schema) if kind == "component"))


def _token(doc: dict[str, Any]) -> TokenFacts | None:
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    hinted = [(name, s["x-rstar-token"]) for name, s in schemes.items() if isinstance(s, dict) and "x-rstar-token" in s]
    if not hinted:
        return None
    name, hint = hinted[0]
    where = f"#/components/securitySchemes/{name}/x-rstar-token"
    if not isinstance(hint, dict):
        raise GenerateError(f"{where}: must be a mapping")
    found = [
        (p, path, m, op) for p, path, m, op in iter_operations(doc) if op.get("operationId") == hint.get("operationId")
    ]
    if not found:
        raise GenerateError(f"{where}/operationId: no operation is {hint.get('operationId')!r}")
    pointer, path, method, op = found[0]
    grants = hint.get("grants")
    if not isinstance(grants, dict) or set(grants) - set(CREDENTIAL_PLACEHOLDERS) or "refresh" not in grants:
        raise GenerateError(f"{where}/grants: must map some of api_key, password and refresh (required) to bodies")
    body_pointer = (*pointer, "requestBody", "content", "application/json", "schema")
    schemas = BundleSchemas(doc)
    for kind, body in grants.items():
        if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
            raise GenerateError(f"{where}/grants/{kind}: must be a mapping of strings")
        placeholders = {m.group(1) for v in body.values() if (m := _PLACEHOLDER.match(v))}
        if placeholders != CREDENTIAL_PLACEHOLDERS[kind]:
            wanted = ", ".join("{" + p + "}" for p in sorted(CREDENTIAL_PLACEHOLDERS[kind]))
            raise GenerateError(f"{where}/grants/{kind}: must use exactly {wanted}")
        sample = {k: ("x" if _PLACEHOLDER.match(v) else v) for k, v in body.items()}
        error = schemas.first_error(body_pointer, sample)
        if error is not None:
            raise GenerateError(
                f"{where}/grants/{kind}: not a valid body of {to_string(body_pointer)}: {shorten(error.message, 120)}"
            )
    response_fields = hint.get("response")
    if not isinstance(response_fields, dict):
        raise GenerateError(
            f"{where}/response: must map token, refresh_token and expires_in to the answer's properties"
        )
    schema = resolve(doc, json_schema(doc, op, "200"), ())[1]
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    for key in TOKEN_RESPONSE_KEYS:
        if response_fields.get(key) not in properties:
            raise GenerateError(f"{where}/response/{key}: the 200 answer of {hint['operationId']} has no such property")
    error_components = {}
    for status in op.get("responses") or {}:
        components = components_of(doc, json_schema(doc, op, str(status))) if str(status) >= "400" else []
        if len(components) == 1:
            error_components[int(status)] = components[0]
    return TokenFacts(
        operation_id=str(hint["operationId"]),
        path=path,
        method=method,
        grants=grants,
        response={k: str(response_fields[k]) for k in TOKEN_RESPONSE_KEYS},
        error_components=error_components,
    )


def _secret_properties(doc: dict[str, Any], token: TokenFacts | None) -> dict[str, list[str]]:
    """Per component schema, the properties that hold a secret: writeOnly or `format: password`, and the
    token endpoint's token and refresh token."""
    secrets: dict[str, set[str]] = {}
    schemas = (doc.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        for prop, sub in ((schema or {}).get("properties") or {}).items() if isinstance(schema, dict) else ():
            if holds_secret(sub):
                secrets.setdefault(name, set()).add(prop)
    if token is not None:
        op = next(op for _, path, m, op in iter_operations(doc) if path == token.path and m == token.method)
        for component in components_of(doc, json_schema(doc, op, "200")):
            secrets.setdefault(component, set()).update((token.response["token"], token.response["refresh_token"]))
    return {name: sorted(props) for name, props in sorted(secrets.items())}
