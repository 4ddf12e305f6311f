"""What the client's templates and runtime need that openapi-python-client's model drops: read from the
overlaid document (the python-client target), checked against the spec, as one typed structure.

openapi-python-client's model keeps no `x-` extensions and no `servers`. The facts carry them: the
default base URL, and the overlay's hints (which operations page, which are safe to retry, which GET
answers from an ETag cache, how tokens are obtained). They also carry what the templates would
otherwise have to work out while rendering: the Python names the generator gives to models and
attributes (with the generator's own naming functions and the config's class_overrides), the error
body of each status, the models a facade method's signature uses, the properties whose values are
secrets. Templates only render these.
"""

from __future__ import annotations

import ast
import dataclasses
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import GenerateError, shorten
from ..core.pointer import Pointer, to_string
from ..oas.schema_engine import BundleSchemas
from ..oas.walk import Parameter, effective_parameters, is_authenticated, iter_operations, resolve

if TYPE_CHECKING:
    from openapi_python_client.schema.untrusted_string import UntrustedString

IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete"})
PAGINATION_KEYS = ("items", "offset", "limit", "total")
CREDENTIAL_PLACEHOLDERS = {
    "api_key": {"api_key"},
    "password": {"username", "password"},
    "refresh": {"refresh_token"},
}
# Headers the client sets itself where an operation takes them: hidden from its signature.
CLIENT_HEADERS = {"etag_cache": "if-none-match"}
_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")
_COMPONENT = "#/components/schemas/"
RUNTIME_ERRORS = Path(__file__).resolve().parent / "runtime" / "_errors.py"


@dataclass(frozen=True)
class Model:
    """A model class the generator writes: `from .models.<module> import <name>`."""

    module: str
    name: str


@dataclass(frozen=True)
class PaginationFacts:
    items: str
    offset: str
    limit: str
    total: str
    offset_param: str  # the Python name of the offset query parameter
    items_attr: str  # the page model's attribute of the items, and of the total
    total_attr: str
    item: Model | None  # the items' model


@dataclass(frozen=True)
class OperationFacts:
    authenticated: bool
    idempotent: bool
    etag_cache: bool
    hidden_headers: tuple[str, ...]  # header parameters the client sets itself, as the spec names them
    pagination: PaginationFacts | None
    models: tuple[Model, ...]  # the models a method with this operation's signature and answer names
    sdk_name: str  # the facade's method: api.<resource>.<sdk_name>() (x-rstar-sdk-name, else the operationId)
    resource: str  # its first tag: the facade's attribute
    keyword_body: Model | None  # a JSON object body the facade takes as keyword arguments (a model, not a union)
    optional_arguments: bool  # whether that signature has an optional argument (typed `... | Unset`)
    unset_defaults: bool  # and whether one of those has no default in the spec (so `= UNSET`)


@dataclass(frozen=True)
class TokenFacts:
    path: str
    method: str
    grants: dict[str, dict[str, str]]
    response: dict[str, str]  # token, refresh_token, expires_in -> the answer's properties
    error_bodies: dict[int, Model]  # the token operation's error bodies, by status


@dataclass(frozen=True)
class Facts:
    server_url: str
    operations: dict[str, OperationFacts]
    token: TokenFacts | None
    secret_properties: dict[str, list[str]]  # model class -> JSON properties that must stay out of repr
    error_tree: str = field(repr=False)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class _Naming:
    """The generator's names for models and attributes: its own functions, its config's overrides."""

    prefix: str
    overrides: dict[str, tuple[UntrustedString | None, str | None]]  # the config's, as the generator reads them

    @classmethod
    def load(cls, config: Path) -> _Naming:
        # Imported here: openapi-python-client takes a second to import, and publish needs no Python names.
        from openapi_python_client.config import ConfigFile

        try:
            loaded = ConfigFile.load_from_path(config)
        except Exception as exc:  # pydantic's and yaml's errors: the generator would stop on them too
            raise GenerateError(
                f"{config}: not a config openapi-python-client can read: {shorten(str(exc), 160)}"
            ) from None
        overrides = {name: (o.class_name, o.module_name) for name, o in (loaded.class_overrides or {}).items()}
        return cls(loaded.field_prefix, overrides)

    def model(self, component: str) -> Model:
        from openapi_python_client.strings import ClassName, PythonIdentifier

        name = ClassName(component, self.prefix)
        class_name, module_name = self.overrides.get(name, (None, None))
        if class_name is not None:
            name = ClassName(class_name, self.prefix)
        return Model(PythonIdentifier(module_name or name, self.prefix), str(name))

    def attribute(self, json_name: str) -> str:
        from openapi_python_client.strings import PythonIdentifier

        return str(PythonIdentifier(json_name, self.prefix))


class _JsonNaming(_Naming):
    """Names as the JSON says them: for facts that no Python code is written from (publish's SDK hints)."""

    def model(self, component: str) -> Model:
        return Model(component, component)

    def attribute(self, json_name: str) -> str:
        return json_name


def generator_facts(doc: dict[str, Any], config: Path | None) -> Facts:
    """The facts of the overlaid document; a hint that does not fit the spec is a GenerateError.
    Without a generator config, names stay as the JSON says them (publish writes no Python)."""
    naming = _Naming.load(config) if config is not None else _JsonNaming("", {})
    servers = doc.get("servers")
    url = servers[0].get("url") if isinstance(servers, list) and servers and isinstance(servers[0], dict) else None
    if not isinstance(url, str) or not url:
        raise GenerateError("#/servers/0/url: the client's default base_url comes from it, and there is none")
    operations: dict[str, OperationFacts] = {}
    taken: dict[tuple[str, str], str] = {}  # (resource, sdk name) -> the operation that has it
    for pointer, _path, method, op in iter_operations(doc):
        op_id = op.get("operationId")
        if not isinstance(op_id, str):
            raise GenerateError(f"#{to_string(pointer)}: the operation has no operationId, which names its function")
        idempotent = op.get("x-rstar-idempotent", method in IDEMPOTENT_METHODS)
        if not isinstance(idempotent, bool):
            raise GenerateError(f"#{to_string(pointer)}/x-rstar-idempotent: must be true or false")
        params = {p.key: p for p in effective_parameters(doc, pointer)}
        etag_cache = _etag_cache(pointer, op, params)
        hidden = tuple(p.param["name"] for k, p in params.items() if etag_cache and k == ("header", "if-none-match"))
        optional = _optional_arguments(doc, op, params, hidden)
        resource = str((op.get("tags") or ["default"])[0])
        sdk_name = _sdk_name(pointer, op, op_id, resource, taken)
        operations[op_id] = OperationFacts(
            sdk_name=sdk_name,
            resource=resource,
            keyword_body=_keyword_body(doc, op, naming),
            # openapi-python-client sees only an operation's own `security`, not the document's
            authenticated=is_authenticated(doc, op),
            idempotent=idempotent,
            etag_cache=etag_cache,
            hidden_headers=hidden,
            pagination=_pagination(doc, pointer, op, params, naming),
            models=_signature_models(doc, op, params, hidden, etag_cache, naming),
            optional_arguments=bool(optional),
            unset_defaults=any(default is None for default in optional),
        )
    token = _token(doc, naming)
    return Facts(
        server_url=url.rstrip("/"),
        operations=operations,
        token=token,
        secret_properties=_secret_properties(doc, naming, token),
        error_tree=_error_tree(),
    )


# Names a facade resource already has, or that Python reserves.
_RESERVED_SDK_NAMES = frozenset({"with_raw_response", "with_options"}) | frozenset(keyword.kwlist)


def _sdk_name(
    pointer: Pointer, op: dict[str, Any], op_id: str, resource: str, taken: dict[tuple[str, str], str]
) -> str:
    name = op.get("x-rstar-sdk-name", op_id)
    where = f"#{to_string(pointer)}/x-rstar-sdk-name"
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_") or name in _RESERVED_SDK_NAMES:
        raise GenerateError(f"{where}: {name!r} cannot be a method name (a Python identifier, not reserved)")
    other = taken.setdefault((resource, name), op_id)
    if other != op_id:
        raise GenerateError(f"{where}: {resource}.{name} is already the name of {other}")
    return name


def _keyword_body(doc: dict[str, Any], op: dict[str, Any], naming: _Naming) -> Model | None:
    """The model of a JSON body the facade may take field by field: a component object, not a union."""
    body = resolve(doc, op.get("requestBody"), ())[1]
    schema = (((body or {}).get("content") or {}).get("application/json") or {}).get("schema")
    if not isinstance(schema, dict) or not str(schema.get("$ref", "")).startswith(_COMPONENT):
        return None
    target = resolve(doc, schema, ())[1]
    if not isinstance(target, dict) or "properties" not in target or target.get("oneOf") or target.get("anyOf"):
        return None
    return naming.model(schema["$ref"].removeprefix(_COMPONENT))


def _etag_cache(pointer: Pointer, op: dict[str, Any], params: dict[tuple[str, str], Parameter]) -> bool:
    wanted = op.get("x-rstar-etag-cache", False)
    if wanted is not True:
        return False
    where = f"#{to_string(pointer)}/x-rstar-etag-cache"
    if pointer[-1] != "get":
        raise GenerateError(f"{where}: only a GET can be answered from the cache")
    if ("header", "if-none-match") not in params:
        raise GenerateError(f"{where}: the operation has no If-None-Match header parameter")
    if "304" not in (op.get("responses") or {}):
        raise GenerateError(f"{where}: the operation documents no 304 answer")
    return True


def _pagination(
    doc: dict[str, Any], pointer: Pointer, op: dict[str, Any], params: dict[tuple[str, str], Parameter], naming: _Naming
) -> PaginationFacts | None:
    hint = op.get("x-rstar-pagination")
    if hint is None:
        return None
    where = f"#{to_string(pointer)}/x-rstar-pagination"
    if not isinstance(hint, dict) or any(not isinstance(hint.get(k), str) for k in PAGINATION_KEYS):
        raise GenerateError(f"{where}: must name {', '.join(PAGINATION_KEYS)}")
    for key in ("offset", "limit"):
        if ("query", hint[key]) not in params:
            raise GenerateError(f"{where}/{key}: the operation has no query parameter {hint[key]!r}")
    schema = resolve(doc, _json_schema(doc, op, "200"), ())[1]
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    required = schema.get("required", []) if isinstance(schema, dict) else []
    for key in ("items", "total"):
        if hint[key] not in properties or hint[key] not in required:
            raise GenerateError(f"{where}/{key}: the 200 answer has no required property {hint[key]!r}")
    items = properties[hint["items"]]
    item_models = list(_models_of(doc, items.get("items") if isinstance(items, dict) else None, naming))
    return PaginationFacts(
        **{k: hint[k] for k in PAGINATION_KEYS},
        offset_param=naming.attribute(hint["offset"]),
        items_attr=naming.attribute(hint["items"]),
        total_attr=naming.attribute(hint["total"]),
        item=item_models[0] if len(item_models) == 1 else None,
    )


def _json_schema(doc: dict[str, Any], op: dict[str, Any], status: str) -> Any:
    response = resolve(doc, (op.get("responses") or {}).get(status), ())[1]
    media = ((response or {}).get("content") or {}).get("application/json") or {}
    return media.get("schema")


def _models_of(doc: dict[str, Any], schema: Any, naming: _Naming) -> Iterator[Model]:
    """The model classes a schema is written as in Python: a component object or enum is its class,
    a component that is only a oneOf/anyOf is the union of its members', a primitive is no class."""
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_COMPONENT):
        target = resolve(doc, schema, ())[1]
        if not isinstance(target, dict):
            return
        members = target.get("oneOf") or target.get("anyOf")
        if members and "properties" not in target:
            for member in members:
                yield from _models_of(doc, member, naming)
        elif target.get("type") == "object" or "properties" in target or "enum" in target:
            yield naming.model(ref.removeprefix(_COMPONENT))
        return
    for key in ("oneOf", "anyOf"):
        for member in schema.get(key) or []:
            yield from _models_of(doc, member, naming)
    if schema.get("type") == "array":
        yield from _models_of(doc, schema.get("items"), naming)


def _signature_models(
    doc: dict[str, Any],
    op: dict[str, Any],
    params: dict[tuple[str, str], Parameter],
    hidden: tuple[str, ...],
    etag_cache: bool,
    naming: _Naming,
) -> tuple[Model, ...]:
    """The models named by a method that takes this operation's parameters and body and returns its answer."""
    schemas = [p.param.get("schema") for p in params.values() if p.param.get("name") not in hidden]
    body = resolve(doc, op.get("requestBody"), ())[1]
    schemas.append((((body or {}).get("content") or {}).get("application/json") or {}).get("schema"))
    for status in op.get("responses") or {}:
        if str(status) < "400" and not (str(status) == "304" and etag_cache):
            schemas.append(_json_schema(doc, op, str(status)))
    found = {model: None for schema in schemas for model in _models_of(doc, schema, naming)}
    return tuple(sorted(found, key=lambda m: m.name))


def _optional_arguments(
    doc: dict[str, Any], op: dict[str, Any], params: dict[tuple[str, str], Parameter], hidden: tuple[str, ...]
) -> list[Any]:
    """The spec's default of each optional argument of the operation's signature (None where it has none)."""
    defaults = []
    for p in params.values():
        if not p.param.get("required") and p.param.get("name") not in hidden:
            schema = resolve(doc, p.param.get("schema"), ())[1]
            defaults.append(schema.get("default") if isinstance(schema, dict) else None)
    body = resolve(doc, op.get("requestBody"), ())[1]
    if isinstance(body, dict) and body.get("content") and not body.get("required"):
        defaults.append(None)
    return defaults


def _token(doc: dict[str, Any], naming: _Naming) -> TokenFacts | None:
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
    schema = resolve(doc, _json_schema(doc, op, "200"), ())[1]
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    for key in ("token", "refresh_token", "expires_in"):
        if response_fields.get(key) not in properties:
            raise GenerateError(f"{where}/response/{key}: the 200 answer of {hint['operationId']} has no such property")
    error_bodies = {}
    for status in op.get("responses") or {}:
        models = list(_models_of(doc, _json_schema(doc, op, str(status)), naming)) if str(status) >= "400" else []
        if len(models) == 1:
            error_bodies[int(status)] = models[0]
    return TokenFacts(
        path=path,
        method=method,
        grants=grants,
        response={k: str(response_fields[k]) for k in ("token", "refresh_token", "expires_in")},
        error_bodies=error_bodies,
    )


def _secret_properties(doc: dict[str, Any], naming: _Naming, token: TokenFacts | None) -> dict[str, list[str]]:
    """Per model, the properties that hold a secret: writeOnly or `format: password`, and the token
    endpoint's token and refresh token. Their values stay out of the models' repr."""
    secrets: dict[str, set[str]] = {}
    schemas = (doc.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        for prop, sub in ((schema or {}).get("properties") or {}).items() if isinstance(schema, dict) else ():
            if isinstance(sub, dict) and (sub.get("writeOnly") is True or sub.get("format") == "password"):
                secrets.setdefault(naming.model(name).name, set()).add(prop)
    if token is not None:
        op = next(op for _, path, m, op in iter_operations(doc) if path == token.path and m == token.method)
        for model in _models_of(doc, _json_schema(doc, op, "200"), naming):
            secrets.setdefault(model.name, set()).update((token.response["token"], token.response["refresh_token"]))
    return {name: sorted(props) for name, props in sorted(secrets.items())}


def _error_tree() -> str:
    """The exception tree, drawn once, in the runtime's errors module: for the README."""
    docstring = ast.get_docstring(ast.parse(RUNTIME_ERRORS.read_text(encoding="utf-8"))) or ""
    block = docstring.split("::", 1)[1].split("\n\n", 2)[1] if "::" in docstring else ""
    return "\n".join(line[4:] for line in block.splitlines())
