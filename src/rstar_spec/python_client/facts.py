"""The SDK facts (sdk/facts.py) in the generator's Python names, and what the templates would otherwise
work out while rendering: read from the overlaid document (the python-client target).

openapi-python-client's model keeps no `x-` extensions and no `servers`; the SDK facts carry them.
Here they get the names the generator gives to models and attributes (its own naming functions and
the config's class_overrides), and the templates get what they render without deciding: the models
and imports of each resource module, the runtime's exception of each error status and its exception
tree, the properties whose values stay out of repr, the names a recording redacts. Templates only
render these.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import GenerateError, shorten
from ..core.redaction import SECRET_NAME_ENDINGS, SECRET_NAMES, is_secret_name, normalized
from ..oas.secret_fields import secret_property_names
from ..oas.walk import Parameter, effective_parameters, iter_operations, resolve
from ..sdk import facts as sdk
from .runtime import _errors

if TYPE_CHECKING:
    from openapi_python_client.schema.untrusted_string import UntrustedString

RUNTIME_ERRORS = Path(_errors.__file__)
Parts = list[tuple[str, str]]  # sdk.type_parts of the types a method is written with


@dataclass(frozen=True)
class Model:
    """A model class the generator writes: `from .models.<module> import <name>`."""

    module: str
    name: str


@dataclass(frozen=True)
class PaginationFacts(sdk.PaginationFacts):
    offset_param: str  # the Python names of the offset and limit query parameters
    limit_param: str
    items_attr: str  # the page model's attribute of the items, and of the total
    total_attr: str
    item: Model | None  # the items' model


@dataclass(frozen=True)
class OperationFacts(sdk.OperationFacts):
    pagination: PaginationFacts | None
    module: str  # the generator's module of the operation: api/<tag>/<module>.py
    tag: str  # the generator's name of its resource's tag: api/<tag>/
    models: tuple[Model, ...]  # the models a method with this operation's signature and answer names
    keyword_body: Model | None  # a JSON object body the facade takes as keyword arguments (a model, not a union)
    required_fields: tuple[str, ...]  # that body's required properties, as Python names
    optional_arguments: bool  # whether the facade's signature has an optional argument (typed `... | Unset`)
    unset_defaults: bool  # and whether one of those has no default in the spec (so `= UNSET`)
    raises: tuple[tuple[int, str], ...]  # the runtime's exception of each documented error status


@dataclass(frozen=True)
class ResourceFacts:
    """A resource module, api/<tag>/__init__.py: its imports, worked out here, not in its template."""

    imports: tuple[str, ...]
    shadowed_list: bool  # a method named `list` and a `list[...]` type: written `builtins.list[...]`


@dataclass(frozen=True)
class TokenFacts(sdk.TokenFacts):
    error_bodies: dict[int, Model]  # the token operation's error bodies, by status


@dataclass(frozen=True)
class Facts:
    server_url: str
    operations: dict[str, OperationFacts]
    resources: dict[str, ResourceFacts]  # by the generator's name of the tag
    token: TokenFacts | None
    secret_properties: dict[str, list[str]]  # model class -> JSON properties that must stay out of repr
    secret_names: tuple[str, ...]  # what a recording redacts by name (normalized): the one list, and the spec's own
    secret_name_endings: tuple[str, ...]
    error_names: tuple[str, ...]  # what the package's `errors` module re-exports: the runtime's exceptions
    error_tree: str = field(repr=False)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class _Naming:
    """The generator's names for models, attributes and tags: its own functions, its config's overrides."""

    prefix: str
    overrides: dict[str, tuple[UntrustedString | None, str | None]]  # the config's, as the generator reads them

    @classmethod
    def load(cls, config: Path) -> _Naming:
        # Imported here: openapi-python-client takes a second to import, and only the generator's process needs it.
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

    def tag(self, tag: str) -> str:
        from openapi_python_client.strings import PythonIdentifier

        return str(PythonIdentifier(tag, "tag"))  # as the generator names a tag's package


def generator_facts(doc: dict[str, Any], config: Path) -> Facts:
    """The facts of the overlaid document in the generator's names; a hint that does not fit the spec
    is a GenerateError."""
    naming = _Naming.load(config)
    neutral = sdk.sdk_facts(doc)
    operations: dict[str, OperationFacts] = {}
    parts: dict[str, Parts] = {}
    for pointer, _path, _method, op in iter_operations(doc):
        op_id = op["operationId"]
        facts = neutral.operations[op_id]
        shown = [p for p in effective_parameters(doc, pointer) if p.param.get("name") not in facts.hidden_headers]
        body_model, fields, required = _keyword_body(doc, op, naming)
        pagination = _pagination(facts.pagination, naming)
        defaults = _optional_defaults(doc, op, shown, keyword=body_model is not None)
        defaults += [_default(doc, schema) for name, schema in fields.items() if name not in required]
        parts[op_id] = _signature_parts(doc, op, shown, facts.etag_cache, fields.values())
        models = {naming.model(name) for kind, name in parts[op_id] if kind == "component"}
        if pagination is not None and pagination.item is not None:
            models.add(pagination.item)
        operations[op_id] = OperationFacts(
            **{f.name: getattr(facts, f.name) for f in dataclasses.fields(facts) if f.name != "pagination"},
            pagination=pagination,
            module=naming.attribute(op_id),
            tag=naming.tag(facts.resource),
            models=tuple(sorted(models, key=lambda m: m.name)),
            keyword_body=body_model,
            required_fields=tuple(naming.attribute(name) for name in required),
            optional_arguments=bool(defaults),
            unset_defaults=any(default is None for default in defaults),
            raises=tuple(
                (int(s), _errors.error_class(int(s)).__name__)
                for s in op.get("responses") or {}
                if str(s).isdigit() and int(s) >= 400
            ),
        )
    modules: dict[tuple[str, str], str] = {}  # a resource module imports each of its operations' modules
    for op_id, op_facts in operations.items():
        other = modules.setdefault((op_facts.tag, op_facts.module), op_id)
        if other != op_id:
            raise GenerateError(
                f"operationIds {other!r} and {op_id!r} would both be the module api/{op_facts.tag}/{op_facts.module}.py"
            )
    token = neutral.token
    return Facts(
        server_url=neutral.server_url,
        operations=operations,
        resources=_resources(operations, parts),
        token=None
        if token is None
        else TokenFacts(
            **{f.name: getattr(token, f.name) for f in dataclasses.fields(token)},
            error_bodies={status: naming.model(name) for status, name in token.error_components.items()},
        ),
        secret_properties={naming.model(name).name: props for name, props in sorted(neutral.secret_properties.items())},
        secret_names=_secret_names(doc, neutral),
        secret_name_endings=SECRET_NAME_ENDINGS,
        error_names=tuple(sorted(_errors.__all__)),
        error_tree=_error_tree(),
    )


def _secret_names(doc: dict[str, Any], neutral: sdk.SdkFacts) -> tuple[str, ...]:
    """The names the client's recording redacts: the toolkit's one list, with the spec's own secrets."""
    spec_own = secret_property_names(doc) | {p for props in neutral.secret_properties.values() for p in props}
    return tuple(sorted(SECRET_NAMES | {normalized(name) for name in spec_own if not is_secret_name(name)}))


def _pagination(facts: sdk.PaginationFacts | None, naming: _Naming) -> PaginationFacts | None:
    if facts is None:
        return None
    return PaginationFacts(
        **{f.name: getattr(facts, f.name) for f in dataclasses.fields(facts)},
        offset_param=naming.attribute(facts.offset),
        limit_param=naming.attribute(facts.limit),
        items_attr=naming.attribute(facts.items),
        total_attr=naming.attribute(facts.total),
        item=None if facts.item_component is None else naming.model(facts.item_component),
    )


def _keyword_body(
    doc: dict[str, Any], op: dict[str, Any], naming: _Naming
) -> tuple[Model | None, dict[str, Any], list[str]]:
    """The model of a JSON body the facade may take field by field (a component object, not a union),
    its properties' schemas and its required properties; (None, {}, []) for any other body."""
    body = resolve(doc, op.get("requestBody"), ())[1]
    schema = (((body or {}).get("content") or {}).get("application/json") or {}).get("schema")
    if not isinstance(schema, dict) or not str(schema.get("$ref", "")).startswith(sdk.COMPONENT):
        return None, {}, []
    target = resolve(doc, schema, ())[1]
    if not isinstance(target, dict) or "properties" not in target or target.get("oneOf") or target.get("anyOf"):
        return None, {}, []
    properties = target.get("properties") or {}
    required = [name for name in target.get("required") or [] if name in properties]
    return naming.model(schema["$ref"].removeprefix(sdk.COMPONENT)), dict(properties), required


def _default(doc: dict[str, Any], schema: Any) -> Any:
    resolved = resolve(doc, schema, ())[1]
    return resolved.get("default") if isinstance(resolved, dict) else None


def _optional_defaults(doc: dict[str, Any], op: dict[str, Any], shown: list[Parameter], keyword: bool) -> list[Any]:
    """The spec's default of each optional parameter (None where it has none), and of an optional
    body taken whole."""
    defaults = [_default(doc, p.param.get("schema")) for p in shown if not p.param.get("required")]
    body = resolve(doc, op.get("requestBody"), ())[1]
    if not keyword and isinstance(body, dict) and body.get("content") and not body.get("required"):
        defaults.append(None)
    return defaults


def _signature_parts(
    doc: dict[str, Any], op: dict[str, Any], shown: list[Parameter], etag_cache: bool, fields: Iterable[Any]
) -> Parts:
    """What a method taking this operation's parameters and body (and its fields) and answering its
    success types is written with."""
    schemas = [p.param.get("schema") for p in shown]
    body = resolve(doc, op.get("requestBody"), ())[1]
    schemas.append((((body or {}).get("content") or {}).get("application/json") or {}).get("schema"))
    schemas += list(fields)
    for status in op.get("responses") or {}:
        if str(status) < "400" and not (str(status) == "304" and etag_cache):
            schemas.append(sdk.json_schema(doc, op, str(status)))
    return [part for schema in schemas for part in sdk.type_parts(doc, schema)]


def _resources(operations: dict[str, OperationFacts], parts: dict[str, Parts]) -> dict[str, ResourceFacts]:
    """Each resource module's imports: what its methods' signatures name, the runtime's pieces they use,
    the operations' modules."""
    by_tag: dict[str, list[str]] = {}
    for op_id, facts in operations.items():
        by_tag.setdefault(facts.tag, []).append(op_id)
    resources = {}
    for tag, op_ids in sorted(by_tag.items()):
        ops = [operations[op_id] for op_id in op_ids]
        kinds = {kind for op_id in op_ids for kind, _ in parts[op_id]}
        paged = [op for op in ops if op.pagination is not None and op.pagination.item is not None]
        keyword = [op for op in ops if op.keyword_body is not None]
        shadowed_list = "array" in kinds and any(op.sdk_name == "list" for op in ops)
        runtime = {"AsyncResource", "SyncResource", "options as _options"}
        if len(paged) < len(ops):
            runtime |= {"answers_raw", "answers_raw_async"}
        if paged:
            runtime |= {"AsyncPageRequest", "SyncPage", "pages_raw", "pages_raw_async"}
        if keyword:
            runtime |= {"RawResponse", "keyword_body"}
        types = [name for name, wanted in (("UNSET", any(op.unset_defaults for op in ops)),
                                           ("Unset", any(op.optional_arguments for op in ops))) if wanted]  # fmt: skip
        models = sorted({model for op in ops for model in op.models}, key=lambda m: m.name)
        imports = [
            *(["import builtins"] if shadowed_list else []),
            *(["import datetime"] if "format" in kinds else []),
            "from collections.abc import Mapping",
            "from functools import cached_property",
            f"from typing import Any{', overload' if keyword else ''}",
            "import httpx",
            f"from ..._runtime import {', '.join(sorted(runtime, key=str.lower))}",
            "from ...client import AuthenticatedClient",
            *(f"from ...models.{model.module} import {model.name}" for model in models),
            *([f"from ...types import {', '.join(types)}"] if types else []),
            *(f"from . import {op.module} as _{op.module}" for op in sorted(ops, key=lambda o: o.module)),
        ]
        resources[tag] = ResourceFacts(imports=tuple(imports), shadowed_list=shadowed_list)
    return resources


def _error_tree() -> str:
    """The exception tree, drawn once, in the runtime's errors module: for the README."""
    docstring = ast.get_docstring(ast.parse(RUNTIME_ERRORS.read_text(encoding="utf-8"))) or ""
    block = docstring.split("::", 1)[1].split("\n\n", 2)[1] if "::" in docstring else ""
    return "\n".join(line[4:] for line in block.splitlines())
