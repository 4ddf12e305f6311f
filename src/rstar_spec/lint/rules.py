"""The house rules: the conventions of the Reception Star API, one check each.

Drawn from the contract page (docs/reception-star-api.md) and from what
Spectral's ``oas`` and Redocly's ``recommended`` rule sets check. Each rule's
reason is the one line a spec author sees with `rstar-spec lint --list`.

Each rule subscribes to one kind of node (``on=``) and sees one node per call;
the walk that finds them runs once per lint (``_visit.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..core.pointer import KeyPointer, Pointer, from_fragment
from ..oas.paths import path_shape, template_names
from ..oas.schemas import SCHEMA_REF_PREFIX, merged_object
from ..oas.structure import (
    Problem,
    duplicate_operation_ids,
    duplicate_parameters,
    path_parameter_problems,
    path_parameters,
)
from ..oas.validate import validate_examples, validate_structure
from ..oas.walk import WRITE_METHODS, effective_parameters, is_authenticated, item_operations
from ._promises import PAGE_KEY, PROMISE_KEY, Page, read_page, response_requirements
from ._registry import LintContext, rule
from ._visit import Node

Found = Iterator[tuple[Pointer, str]]

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_JSON = re.compile(r"^application/(.+\+)?json$")


def _json_media(content: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(content, dict):
        for media_type, media in content.items():
            if _JSON.match(media_type.split(";")[0].strip()) and isinstance(media, dict):
                yield media_type, media


def _found(problems: Iterable[Problem]) -> Found:
    """The structural check's problems as findings."""
    return ((problem.pointer, problem.message) for problem in problems)


def _merged_object(ctx: LintContext, schema: Any, pointer: Pointer) -> tuple[Pointer, set[str], dict[str, Any]]:
    """(where the schema is, required, properties) of a schema, following $refs and merging allOf."""
    pointer, merged = merged_object(ctx.doc, schema, pointer)
    required, properties = merged.get("required"), merged.get("properties")
    return (
        pointer,
        {name for name in required if isinstance(name, str)} if isinstance(required, list) else set(),
        properties if isinstance(properties, dict) else {},
    )


# -- structure and examples ----------------------------------------------------------------
@rule(
    "openapi-structure",
    "The document must be valid OpenAPI (3.1, or 3.0 by 3.0's rules), or no tool can read it.",
    on="document",
)
def openapi_structure(ctx: LintContext, node: Node) -> Found:
    # the operation checks are reported by their own rules (operation-id-unique, ...), not twice
    # a bundle's internal $refs all point somewhere: the bundler refused any other
    return _found(validate_structure(ctx.doc, operations=False, shapes=ctx.shapes, refs_resolved=True))


@rule("example-valid", "Examples are documentation and mock answers: a wrong one misleads both.", on="document")
def example_valid(ctx: LintContext, node: Node) -> Found:
    return _found(validate_examples(ctx.doc))


@rule(
    "examples-present", "Every request body and response needs an example for the docs and the mock.", on="media_type"
)
def examples_present(ctx: LintContext, node: Node) -> Found:
    media = node.value
    if node.owner in ("request_body", "response") and "example" not in media and not media.get("examples"):
        yield node.pointer, f"media type {node.pointer[-1]} has no example"


# -- operations ----------------------------------------------------------------------------
@rule("operation-id", "Generators name methods, and links name targets, by operationId.", on="operation")
def operation_id(ctx: LintContext, node: Node) -> Found:
    if not isinstance(node.value.get("operationId"), str) or not node.value["operationId"]:
        yield node.pointer, f"{node.method.upper()} {node.path} has no operationId"


@rule("operation-id-unique", "Two operations with one operationId make one of them unreachable by name.", on="document")
def operation_id_unique(ctx: LintContext, node: Node) -> Found:
    return _found(duplicate_operation_ids(ctx.doc))


@rule("operation-id-snake-case", "operationIds become Python method names: snake_case.", on="operation")
def operation_id_snake_case(ctx: LintContext, node: Node) -> Found:
    op_id = node.value.get("operationId")
    if isinstance(op_id, str) and op_id and not _SNAKE_CASE.match(op_id):
        yield (*node.pointer, "operationId"), f"operationId {op_id!r} is not snake_case"


@rule("operation-summary", "The reference docs and the client's docstrings list operations by summary.", on="operation")
def operation_summary(ctx: LintContext, node: Node) -> Found:
    summary = node.value.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        yield node.pointer, f"{node.method.upper()} {node.path} has no summary"


@rule("operation-tags", "Docs and clients group operations by their tag.", on="operation")
def operation_tags(ctx: LintContext, node: Node) -> Found:
    if not isinstance(node.value.get("tags"), list) or not node.value["tags"]:
        yield node.pointer, f"{node.method.upper()} {node.path} has no tag"


@rule(
    "operation-tag-defined", "A tag used by an operation is declared, with a description, at the top.", on="operation"
)
def operation_tag_defined(ctx: LintContext, node: Node) -> Found:
    declared = {t.value.get("name") for t in ctx.nodes("tag")}
    for i, tag in enumerate(node.value.get("tags", []) or []):
        if tag not in declared:
            yield (*node.pointer, "tags", str(i)), f"tag {tag!r} is not declared in the top-level tags"


@rule("tag-description", "A tag without a description is a heading without text in the docs.", on="tag")
def tag_description(ctx: LintContext, node: Node) -> Found:
    if not node.value.get("description"):
        yield node.pointer, f"tag {node.value.get('name')!r} has no description"


@rule("info-description", "The published spec introduces the API in info.description.", on="document")
def info_description(ctx: LintContext, node: Node) -> Found:
    info = ctx.doc.get("info")
    if isinstance(info, dict) and not info.get("description"):
        yield ("info",), "info has no description"


@rule("operation-success-response", "An operation that documents no 2xx answer cannot be used.", on="operation")
def operation_success_response(ctx: LintContext, node: Node) -> Found:
    responses = node.value.get("responses")
    if isinstance(responses, dict) and not any(str(code).startswith("2") for code in responses):
        yield (*node.pointer, "responses"), f"{node.method.upper()} {node.path} documents no 2xx response"


@rule(
    "auth-error-responses",
    "Every authenticated operation can answer 401, 429 and 500; clients handle them.",
    on="operation",
)
def auth_error_responses(ctx: LintContext, node: Node) -> Found:
    responses = node.value.get("responses")
    if is_authenticated(ctx.doc, node.value) and isinstance(responses, dict):
        missing = [code for code in ("401", "429", "500") if code not in responses]
        if missing:
            yield (
                (*node.pointer, "responses"),
                f"{node.method.upper()} {node.path} needs a token but does not document {', '.join(missing)}",
            )


@rule("write-forbidden-response", "A read-only API key gets 403 on every write; writes document it.", on="operation")
def write_forbidden_response(ctx: LintContext, node: Node) -> Found:
    responses = node.value.get("responses")
    writes = node.method in WRITE_METHODS and is_authenticated(ctx.doc, node.value)
    if writes and isinstance(responses, dict) and "403" not in responses:
        yield (*node.pointer, "responses"), f"{node.method.upper()} {node.path} writes but does not document 403"


@rule("operation-security-defined", "A security requirement must name a declared security scheme.", on="document")
def operation_security_defined(ctx: LintContext, node: Node) -> Found:
    schemes = ctx.doc.get("components", {}).get("securitySchemes", {}) or {}
    places: list[tuple[Pointer, Any]] = [(("security",), ctx.doc.get("security"))]
    places += [((*op.pointer, "security"), op.value.get("security")) for op in ctx.nodes("operation")]
    for pointer, security in places:
        for i, requirement in enumerate(security or []):
            for name in requirement if isinstance(requirement, dict) else ():
                if name not in schemes:
                    yield (
                        (*pointer, str(i), name),
                        f"security scheme {name!r} is not declared in components.securitySchemes",
                    )


@rule("operation-parameters-unique", "Two parameters with one name and location: tools keep only one.", on="document")
def operation_parameters_unique(ctx: LintContext, node: Node) -> Found:
    return _found(duplicate_parameters(ctx.doc))


@rule("parameter-description", "A parameter without a description leaves its meaning to guesswork.", on="parameter")
def parameter_description(ctx: LintContext, node: Node) -> Found:
    if "$ref" not in node.value and not node.value.get("description"):
        yield node.pointer, f"parameter {node.value.get('name')!r} has no description"


# -- paths -----------------------------------------------------------------------------------
@rule(
    "path-params",
    "Every {template} of a path is a declared, required path parameter, and vice versa.",
    on=("document", "path_item"),
)
def path_params(ctx: LintContext, node: Node) -> Found:
    if node.pointer == ():  # declared against templated: the structural check's, reported here, once
        yield from _found(path_parameter_problems(ctx.doc))
        return
    item_pointer, item, path = node.pointer, node.value, node.path
    names = template_names(path)
    if any(not n for n in names):
        yield KeyPointer(item_pointer), f"path {path} has an empty parameter template {{}}"
    if len(set(names)) != len(names):
        yield KeyPointer(item_pointer), f"path {path} repeats a parameter template"
    lists = [(item.get("parameters"), (*item_pointer, "parameters"))]
    lists += [(op.get("parameters"), (*item_pointer, method, "parameters")) for method, op in item_operations(item)]
    for params, pointer in lists:
        for name, (param_pointer, param) in path_parameters(ctx.doc, params, pointer).items():
            if name in names and param.get("required") is not True:
                yield param_pointer, f"path parameter {name!r} must be required: true"


@rule("path-no-trailing-slash", "/things and /things/ would be two paths to one resource.", on="path_item")
def path_no_trailing_slash(ctx: LintContext, node: Node) -> Found:
    if len(node.path) > 1 and node.path.endswith("/"):
        yield KeyPointer(node.pointer), f"path {node.path} ends with a slash"


@rule("path-no-query", "A query string belongs in query parameters, not in the path key.", on="path_item")
def path_no_query(ctx: LintContext, node: Node) -> Found:
    if "?" in node.path or "#" in node.path:
        yield KeyPointer(node.pointer), f"path {node.path} includes a query or fragment"


@rule(
    "no-ambiguous-paths", "Paths that differ only in parameter names cannot be told apart by a router.", on="document"
)
def no_ambiguous_paths(ctx: LintContext, node: Node) -> Found:
    seen: dict[str, str] = {}
    for item in ctx.nodes("path_item"):
        shape = path_shape(item.path)
        if shape in seen:
            yield KeyPointer(item.pointer), f"path {item.path} is ambiguous with {seen[shape]}"
        else:
            seen[shape] = item.path


@rule("server-url", "Servers are HTTPS, real, and without a trailing slash (paths start with one).", on="document")
def server_url(ctx: LintContext, node: Node) -> Found:
    servers = ctx.doc.get("servers")
    if not servers:
        yield (), "the document declares no servers"
        return
    for i, server in enumerate(servers if isinstance(servers, list) else []):
        url = server.get("url", "") if isinstance(server, dict) else ""
        pointer = ("servers", str(i), "url")
        if not url.startswith("https://"):
            yield pointer, f"server {url!r} is not HTTPS"
        if url.endswith("/"):
            yield pointer, f"server {url!r} ends with a slash"
        if "example.com" in url:
            yield pointer, f"server {url!r} is a placeholder"


# -- the API's conventions ---------------------------------------------------------------------
def _is_list_operation(path: str, method: str, op: dict[str, Any], ctx: LintContext) -> bool:
    """A GET on a collection (the path does not end in a parameter) that answers JSON."""
    if method != "get" or path.rstrip("/").endswith("}"):
        return False
    for code, response in (op.get("responses") or {}).items():
        if str(code).startswith("2"):
            _, resolved = ctx.resolve(response, ())
            if isinstance(resolved, dict) and any(True for _ in _json_media(resolved.get("content"))):
                return True
    return False


@rule(
    "list-pagination",
    "Lists take shared offset/limit parameters and answer a page every tool can walk (the resource model's envelope).",
    on="operation",
)
def list_pagination(ctx: LintContext, node: Node) -> Found:
    pointer, path, method, op = node.pointer, node.path, node.method, node.value
    if not _is_list_operation(path, method, op, ctx):
        return
    placement = ctx.view.resources.placements.get(pointer)
    resource = placement.resource if placement is not None and placement.role == "list" else None
    page = resource.page if resource is not None else None
    if page is not None:
        params = {p.key: p for p in effective_parameters(ctx.doc, pointer)}
        for name in (page.offset_param, page.limit_param):
            found = params.get(("query", name))
            if found is None or not (found.ref or "").startswith("#/components/parameters/"):
                yield (
                    pointer,
                    f"list operation {path} must take the shared {name!r} query parameter ($ref to #/components/parameters)",
                )
        return
    integers = [
        p for p in effective_parameters(ctx.doc, pointer)
        if p.param.get("in") == "query" and (ctx.resolve(p.param.get("schema"), ())[1] or {}).get("type") == "integer"
    ]  # fmt: skip
    if len(integers) < 2:
        yield pointer, f"list operation {path} must take shared offset and limit query parameters (integers, $ref)"
        return
    where = pointer
    for code, response in (op.get("responses") or {}).items():
        if str(code).startswith("2"):
            rpointer, resolved = ctx.resolve(response, (*pointer, "responses", code))
            for media_type, media in _json_media(resolved.get("content") if isinstance(resolved, dict) else None):
                where = _merged_object(ctx, media.get("schema"), (*rpointer, "content", media_type, "schema"))[0]
                break
            break
    yield (
        where,
        f"list operation {path} must answer a page the tools can walk: a required array of items, a required integer "
        "total, and its offset and limit query parameters echoed as integers (or name them in x-rstar-pagination)",
    )


@rule("error-schema", "Every 4xx/5xx body is the Error object {code, message} that clients parse.", on="operation")
def error_schema(ctx: LintContext, node: Node) -> Found:
    pointer, path, method, op = node.pointer, node.path, node.method, node.value
    for code, response in (op.get("responses") or {}).items():
        if str(code)[:1] not in ("4", "5"):
            continue
        rpointer, resolved = ctx.resolve(response, (*pointer, "responses", code))
        if not isinstance(resolved, dict):
            continue
        media_types = list(_json_media(resolved.get("content")))
        if not media_types:
            yield rpointer, f"{code} answer of {method.upper()} {path} has no JSON body with the Error schema"
        for media_type, media in media_types:
            spointer = (*rpointer, "content", media_type, "schema")
            spointer, required, _ = _merged_object(ctx, media.get("schema"), spointer)
            if not {"code", "message"} <= required:
                yield (
                    spointer,
                    f"{code} answer of {method.upper()} {path} must use the Error schema (required code and message)",
                )


@rule("retry-after-header", "A 429 tells the client when to come back: Retry-After.", on="response")
def retry_after_header(ctx: LintContext, node: Node) -> Found:
    if node.status == "429":
        rpointer, resolved = ctx.resolve(node.value, node.pointer)
        headers = resolved.get("headers", {}) if isinstance(resolved, dict) else {}
        if not any(name.lower() == "retry-after" for name in headers or {}):
            yield rpointer, "429 answer does not declare the Retry-After header"


@rule(
    "date-time-utc",
    "Timestamps are UTC with a zero offset written Z; the pattern says so.",
    on="schema",
    holding=("format",),
)
def date_time_utc(ctx: LintContext, node: Node) -> Found:
    if node.value.get("format") == "date-time":
        pattern = node.value.get("pattern")
        if not isinstance(pattern, str) or not pattern.endswith("Z$"):
            yield node.pointer, "date-time schema must carry a pattern that ends in Z$ (UTC, zero offset)"


@rule(
    "no-null-type",
    "An optional field without a value is left out of an answer, never null.",
    on="schema",
    holding=("type",),
)
def no_null_type(ctx: LintContext, node: Node) -> Found:
    kind = node.value.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        yield (*node.pointer, "type"), "schema admits null; leave the field out instead"
    elif ctx.version == "3.0" and node.value.get("nullable") is True and isinstance(kind, str):  # 3.0's words
        yield (*node.pointer, "nullable"), "schema admits null; leave the field out instead"


@rule("request-body-closed", "A request body with an unknown property is a 400: schemas say so.", on="request_body")
def request_body_closed(ctx: LintContext, node: Node) -> Found:
    bpointer, resolved = ctx.resolve(node.value, node.pointer)
    for media_type, media in _json_media(resolved.get("content") if isinstance(resolved, dict) else None):
        yield from _closed_objects(ctx, media.get("schema"), (*bpointer, "content", media_type, "schema"))


def _closed_objects(ctx: LintContext, schema: Any, pointer: Pointer) -> Found:
    pointer, schema = ctx.resolve(schema, pointer)
    if not isinstance(schema, dict):
        return
    branches = [k for k in ("oneOf", "anyOf") if isinstance(schema.get(k), list)]
    for key in branches:
        for i, part in enumerate(schema[key]):
            yield from _closed_objects(ctx, part, (*pointer, key, str(i)))
    closed = schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False
    if not branches and schema.get("type") == "object" and not closed:
        yield pointer, "request body object must set additionalProperties: false"


@rule("json-response-object", "Every JSON answer of the API is an object, so it can grow.", on="response")
def json_response_object(ctx: LintContext, node: Node) -> Found:
    if "$ref" not in node.value:
        for media_type, media in _json_media(node.value.get("content")):
            spointer, schema = ctx.resolve(media.get("schema"), (*node.pointer, "content", media_type, "schema"))
            if isinstance(schema, dict) and schema.get("type") != "object":
                yield spointer, f"JSON answer ({media_type}) must be an object schema"


_ANY_TYPE: Callable[[Any], bool] = lambda value: True  # noqa: E731 - a type the checks do not know
_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


@rule(
    "enum-typed",
    "Enum values (closed, or the known values of x-extensible-enum) match the schema's type and appear once.",
    on="schema",
    holding=("enum", "x-extensible-enum"),
)
def enum_typed(ctx: LintContext, node: Node) -> Found:
    pointer, schema = node.pointer, node.value
    for keyword in ("enum", "x-extensible-enum"):
        values = schema.get(keyword)
        if not isinstance(values, list):
            continue
        kinds = schema.get("type")
        kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
        if kinds and ctx.version == "3.0" and schema.get("nullable") is True:
            kinds = [*kinds, "null"]
        checks = [_TYPE_CHECKS.get(k, _ANY_TYPE) for k in kinds]
        if _all_typed_once(values, checks):  # most enums: strings of a string schema, each once
            continue
        seen: set[Any] = set()  # the hashable values (a set compares as a list's `in` does), and the others
        seen_objects: list[Any] = []
        for i, value in enumerate(values):
            if checks and not any(check(value) for check in checks):
                yield (*pointer, keyword, str(i)), f"{keyword} value {value!r} is not of type {'/'.join(kinds)}"
            hashable = not isinstance(value, (dict, list))
            if value in (seen if hashable else seen_objects):
                yield (*pointer, keyword, str(i)), f"{keyword} value {value!r} appears twice"
            if hashable:
                seen.add(value)
            else:
                seen_objects.append(value)


def _all_typed_once(values: list[Any], checks: list[Callable[[Any], bool]]) -> bool:
    """Whether every value passes one of the checks (or there are none) and none repeats, told in C where it can
    be: one check over all values, a set of the values (a value that cannot be hashed leaves it to the loop)."""
    if len(checks) > 1 or (checks and not all(map(checks[0], values))):
        return False
    try:
        return len(set(values)) == len(values)
    except TypeError:
        return False


# -- the contract page ----------------------------------------------------------------------------
_PROMISE_KINDS = ("schema", "response", "header")  # where an x-promise is read
_NO_PROMISE_KINDS = ("path_item", "operation", "parameter", "request_body", "media_type")


@rule(
    "promise-traced",
    "A response requires only what the contract page promises: each requirement names its row (x-promise).",
    on="document",
)
def promise_traced(ctx: LintContext, node: Node) -> Found:
    """Silent unless `info.x-rstar-contract-page` names the page (lint/_promises.py says what a row, a
    requirement and a covering promise are). Reported: a requirement of a response no x-promise covers; an
    x-promise that is not a string, is empty, or whose words lie in no row of the page; an x-promise where
    none is read; a page that cannot be read."""
    info = ctx.doc.get("info")
    if not isinstance(info, dict) or PAGE_KEY not in info:
        return
    page = read_page(ctx.bundle.root, info[PAGE_KEY])
    if isinstance(page, str):
        yield ("info", PAGE_KEY), page
    name = page.name if isinstance(page, Page) else str(info[PAGE_KEY])
    responses = ((n.pointer, n.value) for n in ctx.nodes("response"))
    for requirement in response_requirements(ctx.doc, responses):
        if not requirement.promised:
            yield (
                requirement.pointer,
                f"{requirement.what} in a response: no x-promise names the row of {name} that promises it "
                "(put one here, or on an object holding this inline)",
            )
    for kind in _PROMISE_KINDS:
        for holder in ctx.nodes(kind):
            if PROMISE_KEY in holder.value:
                yield from _promise_problems(holder.value[PROMISE_KEY], (*holder.pointer, PROMISE_KEY), page)
    for kind in _NO_PROMISE_KINDS:
        for holder in ctx.nodes(kind):
            if isinstance(holder.value, dict) and PROMISE_KEY in holder.value:
                yield (
                    (*holder.pointer, PROMISE_KEY),
                    f"x-promise on a {kind.replace('_', ' ')} is not read: put it on a Schema, Response or Header Object",
                )


def _promise_problems(promise: Any, pointer: Pointer, page: Page | str) -> Found:
    if not isinstance(promise, str):
        yield pointer, "x-promise must be a string: the words of one row of the contract page"
    elif not promise.strip():
        yield pointer, "x-promise is empty: quote the words of one row of the contract page"
    elif isinstance(page, Page) and not page.holds(promise):
        quoted = promise if len(promise) <= 60 else f"{promise[:57]}..."
        yield pointer, f"x-promise {quoted!r}: these words are in no row of {page.name}"


_REFERENCE_KEYS = ("$ref", "summary", "description")


@rule(
    "no-ref-siblings",
    "Beside $ref, a Reference Object takes only summary and description; the rest is ignored.",
    on=("parameter", "request_body", "header", "response"),
)
def no_ref_siblings(ctx: LintContext, node: Node) -> Found:
    if "$ref" in node.value:
        for key in node.value:
            if key not in _REFERENCE_KEYS:
                yield (*node.pointer, key), f"{key!r} beside $ref is ignored"


@rule("no-script-in-markdown", "Descriptions are rendered as HTML in the docs: no <script>.", on="description")
def no_script_in_markdown(ctx: LintContext, node: Node) -> Found:
    if "<script" in node.value.lower():
        yield node.pointer, "description contains a <script> tag"


@rule("no-unused-components", "A component nothing uses is dead weight and drifts unnoticed.", on="document")
def no_unused_components(ctx: LintContext, node: Node) -> Found:
    components = ctx.doc.get("components") or {}
    used: set[tuple[str, str]] = set()
    pending: list[Any] = [v for k, v in ctx.doc.items() if k != "components"]
    requirements = list(ctx.doc.get("security") or [])
    requirements += [r for op in ctx.nodes("operation") for r in op.value.get("security") or []]
    used |= {("securitySchemes", name) for r in requirements if isinstance(r, dict) for name in r}
    while pending:
        current = pending.pop()
        refs = _references(current)
        for ref in refs:
            if not ref.startswith("#/components/"):
                continue
            try:
                pointer = from_fragment(ref[1:])
            except ValueError:
                continue
            key = (pointer[1], pointer[2]) if len(pointer) >= 3 else None
            if key and key not in used:
                used.add(key)
                pending.append(components.get(key[0], {}).get(key[1]))
    for kind, entries in components.items():
        for name in entries if isinstance(entries, dict) else ():
            if (kind, name) not in used:
                yield ("components", kind, name), f"component {kind}/{name} is never used"


def _references(node: Any) -> list[str]:
    """Every $ref below node, and every schema a discriminator mapping names (without a $ref key): the objects
    gathered level by level in comprehensions (a loop of pushes and pops cost twice as much), then read."""
    objects: list[dict[str, Any]] = []
    level = [node] if type(node) is dict or type(node) is list else []
    while level:
        objects += [item for item in level if type(item) is dict]
        level = [
            child
            for item in level
            for child in (item.values() if type(item) is dict else item)
            if type(child) is dict or type(child) is list
        ]
    found = [ref for item in objects if type(ref := item.get("$ref")) is str]
    for item in objects:
        discriminator = item.get("discriminator")
        mapping = discriminator.get("mapping") if type(discriminator) is dict else None
        if type(mapping) is dict:
            found += [v if "#" in v else f"{SCHEMA_REF_PREFIX}{v}" for v in mapping.values() if isinstance(v, str)]
    return found


@rule(
    "operation-placed",
    "Every tool drives an operation by its role (list, create, retrieve, replace, update, delete, action, "
    "token, read): a write no shape places gets no behaviour; x-rstar-resource says what it is.",
    on="document",
)
def operation_placed(ctx: LintContext, node: Node) -> Found:
    for unplaced in ctx.view.resources.unplaced:
        yield unplaced.pointer, unplaced.reason
