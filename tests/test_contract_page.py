"""The spec says what shared/reception-star-api.md says: operations, statuses, fields, decisions,
and requires nothing that page does not promise (every requirement traced to a row of it)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ROOT, SPEC_DIR, project_doc
from rstar_spec import bundle
from rstar_spec.oas.walk import iter_operations, resolve

# The contract page, kept in the repository so that a clone is whole; shared/ holds the original.
PAGE = ROOT / "docs" / "reception-star-api.md"
SHARED_PAGE = ROOT.parent / "shared" / "reception-star-api.md"
ERRORS = ["400", "401", "429", "500", "502", "503"]
EXPECTED_STATUSES = {
    ("get", "/heart"): ["200", "429", "500", "502", "503"],
    ("post", "/auth"): ["200", *ERRORS],
    ("get", "/clients"): ["200", *ERRORS],
    ("post", "/clients"): ["201", "400", "401", "403", "429", "500", "502", "503"],
    ("get", "/clients/{client_id}"): ["200", "304", "400", "401", "404", "429", "500", "502", "503"],
    ("put", "/clients/{client_id}"): ["200", "400", "401", "403", "404", "429", "500", "502", "503"],
    ("delete", "/clients/{client_id}"): ["204", "400", "401", "403", "404", "429", "500", "502", "503"],
}


def op(method: str, path: str) -> dict[str, Any]:
    return project_doc()["paths"][path][method]


def deref(node: Any) -> Any:
    return resolve(project_doc(), node, ())[1]


def response(method: str, path: str, status: str) -> dict[str, Any]:
    return deref(op(method, path)["responses"][status])


def json_schema(method: str, path: str, status: str) -> dict[str, Any]:
    return deref(response(method, path, status)["content"]["application/json"]["schema"])


def test_every_documented_operation_and_no_other() -> None:
    assert {(m, p) for _, p, m, _ in iter_operations(project_doc())} == set(EXPECTED_STATUSES)


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED_STATUSES))
def test_status_codes(method: str, path: str) -> None:
    assert list(op(method, path)["responses"]) == EXPECTED_STATUSES[(method, path)]


def test_base_address_and_erratum() -> None:
    assert project_doc()["servers"][0]["url"] == "https://my.receptionstar.com/api/v3"
    assert "/api/v1" in project_doc()["servers"][0]["x-decision"]


def test_bearer_everywhere_but_heart_and_auth() -> None:
    assert project_doc()["security"] == [{"bearerAuth": []}]
    assert (
        project_doc()["components"]["securitySchemes"]["bearerAuth"].items()
        >= {"type": "http", "scheme": "bearer"}.items()
    )
    for method, path in EXPECTED_STATUSES:
        assert ("security" in op(method, path)) == (path in ("/heart", "/auth"))
        if path in ("/heart", "/auth"):
            assert op(method, path)["security"] == []


def test_heart_is_plain_text() -> None:
    content = response("get", "/heart", "200")["content"]
    assert list(content) == ["text/plain"]
    assert "Socrates" in content["text/plain"]["examples"]["socrates"]["value"]


def test_auth_grants_are_a_discriminated_one_of() -> None:
    body = deref(op("post", "/auth")["requestBody"]["content"]["application/json"]["schema"])
    assert body["discriminator"]["propertyName"] == "grant_type"
    grants = {}
    for branch in body["oneOf"]:
        schema = deref(branch)
        grants[schema["properties"]["grant_type"]["const"]] = sorted(schema["required"])
        assert schema["additionalProperties"] is False
    assert grants == {
        "api_key": ["api_key", "grant_type"],
        "password": ["grant_type", "password", "username"],
        "refresh_token": ["grant_type", "refresh_token"],
    }
    token = json_schema("post", "/auth", "200")
    assert sorted(token["required"]) == ["expires_in", "refresh_token", "token", "token_type"]
    assert token["properties"]["token_type"]["const"] == "Bearer"
    assert token["properties"]["expires_in"]["examples"] == [10800]


def test_error_codes_are_open_and_the_known_ones_listed() -> None:
    reasons_401 = {"user_not_found", "password_incorrect", "password_pwned", "token_expired", "invalid_api_key",
                   "invalid_refresh_token", "missing_token", "invalid_token"}  # fmt: skip
    generic = {"bad_request", "unauthorized", "forbidden", "not_found", "rate_limited", "internal_error",
               "bad_gateway", "service_unavailable"}  # fmt: skip
    for method, path in EXPECTED_STATUSES:
        for status in op(method, path)["responses"]:
            if int(status) < 400:
                continue
            code = json_schema(method, path, status)["properties"]["code"]
            assert code["type"] == "string" and not {"enum", "const", "pattern", "minLength"} & set(code)
            assert set(code["x-extensible-enum"]) == reasons_401 | generic
            assert all(f"`{c}`" in json_schema(method, path, status)["description"] for c in reasons_401 | generic)
    for name in ("Unauthorized", "AuthFailed"):
        assert "unauthorized" in project_doc()["components"]["responses"][name]["description"]


def test_error_body_and_field_errors() -> None:
    error = json_schema("get", "/clients", "400")
    assert sorted(error["required"]) == ["code", "message"]
    field_error = deref(error["properties"]["errors"]["items"])
    assert sorted(field_error["required"]) == ["field", "message"]


def test_retry_after_on_429_always_and_503_sometimes() -> None:
    for method, path in EXPECTED_STATUSES:
        statuses = op(method, path)["responses"]
        if "429" in statuses:
            assert deref(response(method, path, "429")["headers"]["Retry-After"])["required"] is True
        assert deref(response(method, path, "503")["headers"]["Retry-After"]).get("required", False) is False


def test_pagination_parameters_and_envelope() -> None:
    params = {deref(p)["name"]: deref(p) for p in op("get", "/clients")["parameters"]}
    assert params["offset"]["schema"] == {"type": "integer", "minimum": 0, "default": 0}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    page = json_schema("get", "/clients", "200")
    assert sorted(page["required"]) == ["data", "limit", "offset", "total"]


def test_created_client_has_location_and_links() -> None:
    created = response("post", "/clients", "201")
    assert deref(created["headers"]["Location"])["required"] is True
    links = {link["operationId"]: link["parameters"] for link in created["links"].values()}
    assert links == {
        name: {"client_id": "$response.body#/id"} for name in ("get_client", "replace_client", "delete_client")
    }


def test_etag_and_not_modified() -> None:
    assert deref(response("get", "/clients/{client_id}", "200")["headers"]["ETag"])["required"] is True
    not_modified = response("get", "/clients/{client_id}", "304")
    assert "content" not in not_modified
    for documented_only in (not_modified, response("put", "/clients/{client_id}", "200")):
        assert deref(documented_only["headers"]["ETag"]).get("required", False) is False
    params = [deref(p)["name"] for p in op("get", "/clients/{client_id}")["parameters"]]
    assert params == ["If-None-Match"]
    assert "content" not in response("delete", "/clients/{client_id}", "204")


def test_client_fields() -> None:
    client = project_doc()["components"]["schemas"]["Client"]
    props = client["properties"]
    assert sorted(client["required"]) == ["created_at", "first_name", "id", "last_name", "updated_at"]
    assert props["id"]["type"] == "integer" and props["id"]["readOnly"] is True
    assert (props["first_name"]["minLength"], props["first_name"]["maxLength"]) == (1, 100)
    assert (props["last_name"]["minLength"], props["last_name"]["maxLength"]) == (0, 100)
    assert props["email"]["format"] == "email" and props["notes"]["maxLength"] == 2000
    assert deref(props["date_of_birth"])["format"] == "date"
    stamp = deref(props["created_at"])
    assert stamp["format"] == "date-time" and stamp["pattern"].endswith("Z$")
    client_input = project_doc()["components"]["schemas"]["ClientInput"]
    assert set(client_input["properties"]) == set(props) - {"id", "created_at", "updated_at"}
    assert client_input["additionalProperties"] is False
    assert sorted(client_input["required"]) == ["first_name", "last_name"]


def test_the_auth_method_contradiction_and_refresh_token_reuse_are_recorded() -> None:
    assert "-X GET" in op("post", "/auth")["x-decision"] and "POST" in op("post", "/auth")["x-decision"]
    refresh = project_doc()["components"]["schemas"]["RefreshTokenGrant"]
    assert "not promised" in refresh["description"] and "must not rely" in refresh["x-decision"]
    assert "used once" not in refresh["x-decision"]


def test_decisions_are_written_into_the_spec() -> None:
    text = bundle(SPEC_DIR / "openapi.yaml").dump()
    assert text.count("x-decision:") >= 12
    description = project_doc()["info"]["description"]
    for fact in ("202", "null", "ascending `id`", "written `Z`", "does not name"):
        assert fact in description


# -- the spec promises no more than the page ---------------------------------------------------------------

STATUS_SOURCES = {
    # every operation, whatever it does
    "429": "any request may be answered 429 or 5xx, `/heart` and `/auth` included",
    "500": "any request may be answered 429 or 5xx, `/heart` and `/auth` included",
    "502": "any request may be answered 429 or 5xx, `/heart` and `/auth` included",
    "503": "any request may be answered 429 or 5xx, `/heart` and `/auth` included",
}

# Everything a response of the spec *requires* of a server (a required header or property, a closed
# enum, a bound, a format, a pattern), each with the words of the contract page that promise it.
# A new requirement without a row here fails test_every_requirement_traces_to_the_page.
TRACE = {
    "every 429: header Retry-After": "429 | carries `Retry-After` (whole seconds)",
    "header Retry-After: minimum": "429 | carries `Retry-After` (whole seconds)",
    "GET /clients/{client_id} 200: header ETag": "`GET /clients/{client_id}` returns an `ETag`",
    "POST /clients 201: header Location": "`POST /clients` (201, `Location` header, body is the new client)",
    "header Location: format": "`POST /clients` (201, `Location` header, body is the new client)",
    "GET /heart 200 text/plain: minLength": "200 with a quotation as plain text",
    "Client.id: required": "`id` integer, read-only",
    "Client.id: format": "`id` integer, read-only",
    "Client.first_name: required": "`first_name` string 1..100, required",
    "Client.first_name: minLength": "`first_name` string 1..100, required",
    "Client.first_name: maxLength": "`first_name` string 1..100, required",
    "Client.last_name: required": "`last_name` string 0..100, required",
    "Client.last_name: minLength": "`last_name` string 0..100, required",
    "Client.last_name: maxLength": "`last_name` string 0..100, required",
    "Client.email: format": "`email` string (email), optional",
    "Client.notes: maxLength": "`notes` string up to 2000, optional",
    "Client.created_at: required": "`created_at`, `updated_at` timestamps, read-only",
    "Client.updated_at: required": "`created_at`, `updated_at` timestamps, read-only",
    "Date: format": "`date_of_birth` date `YYYY-MM-DD`, optional",
    "Date: pattern": "`date_of_birth` date `YYYY-MM-DD`, optional",
    "Timestamp: format": "ISO 8601, UTC, zero offset: `YYYY-MM-DDTHH:MM:SSZ`",
    "Timestamp: pattern": "ISO 8601, UTC, zero offset: `YYYY-MM-DDTHH:MM:SSZ`",
    "ClientPage.data: required": 'a page is `{"data": [...], "offset": int, "limit": int, "total": int}`',
    "ClientPage.offset: required": 'a page is `{"data": [...], "offset": int, "limit": int, "total": int}`',
    "ClientPage.limit: required": 'a page is `{"data": [...], "offset": int, "limit": int, "total": int}`',
    "ClientPage.total: required": 'a page is `{"data": [...], "offset": int, "limit": int, "total": int}`',
    "ClientPage.data: maxItems": "`limit` integer 1..100, default 20",
    "ClientPage.limit: minimum": "`limit` integer 1..100, default 20",
    "ClientPage.limit: maximum": "`limit` integer 1..100, default 20",
    "ClientPage.offset: minimum": "`offset` integer >= 0, default 0",
    "ClientPage.total: minimum": 'a page is `{"data": [...], "offset": int, "limit": int, "total": int}`',
    "Token.token: required": '200 `{"token": str, "refresh_token": str, "expires_in": int (seconds, 10800), "token_type": "Bearer"}`',
    "Token.refresh_token: required": '200 `{"token": str, "refresh_token": str, "expires_in": int (seconds, 10800), "token_type": "Bearer"}`',
    "Token.expires_in: required": '200 `{"token": str, "refresh_token": str, "expires_in": int (seconds, 10800), "token_type": "Bearer"}`',
    "Token.token_type: required": '200 `{"token": str, "refresh_token": str, "expires_in": int (seconds, 10800), "token_type": "Bearer"}`',
    "Token.token_type: const": '"token_type": "Bearer"',
    "Error.code: required": 'every 4xx/5xx that has a body: `{"code": str, "message": str}`',
    "Error.message: required": 'every 4xx/5xx that has a body: `{"code": str, "message": str}`',
    "FieldError.field: required": 'a 400 may add `"errors": [{"field": str, "message": str}]`',
    "FieldError.message: required": 'a 400 may add `"errors": [{"field": str, "message": str}]`',
}  # fmt: skip

CONSTRAINTS = ("enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
               "maxLength", "pattern", "format", "minItems", "maxItems", "uniqueItems", "minProperties",
               "maxProperties", "contains", "dependentRequired", "not")  # fmt: skip


def response_requirements() -> set[str]:
    """What the responses of the spec require of a server, as TRACE keys: named by component schema
    (`Client.first_name: minLength`), or by operation where the schema is inline."""
    found: set[str] = set()

    def walk(node: Any, where: str, seen: frozenset[str]) -> None:
        if isinstance(node, dict) and "$ref" in node:
            where = node["$ref"].rsplit("/", 1)[-1]
            if where in seen:
                return
            seen, node = seen | {where}, deref(node)
        if not isinstance(node, dict):
            return
        found.update(f"{where}.{name}: required" for name in node.get("required", []))
        found.update(f"{where}: {keyword}" for keyword in CONSTRAINTS if keyword in node)
        if node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False:
            found.add(f"{where}: closed")  # a response may gain properties: never closed
        for name, sub in (node.get("properties") or {}).items():
            walk(sub, f"{where}.{name}", seen)
        for keyword in ("items", "additionalProperties", "prefixItems"):
            for sub in node.get(keyword) if isinstance(node.get(keyword), list) else [node.get(keyword)]:
                walk(sub, f"{where}[]", seen)
        for keyword in ("oneOf", "anyOf", "allOf"):
            for sub in node.get(keyword) or []:
                walk(sub, where, seen)

    for _, path, method, operation in iter_operations(project_doc()):
        for status, answer in operation["responses"].items():
            answer = deref(answer)
            for name, header in (answer.get("headers") or {}).items():
                header = deref(header)
                if header.get("required"):
                    found.add(
                        f"{'every 429' if status == '429' else f'{method.upper()} {path} {status}'}: header {name}"
                    )
                walk(header.get("schema"), f"header {name}", frozenset())
            for media_type, media in (answer.get("content") or {}).items():
                walk(media.get("schema"), f"{method.upper()} {path} {status} {media_type}", frozenset())
    return found


def test_the_page_in_the_repository_is_the_shared_one() -> None:
    if not SHARED_PAGE.exists():
        pytest.skip("no shared/ beside this clone: docs/reception-star-api.md is the page")
    assert PAGE.read_text(encoding="utf-8") == SHARED_PAGE.read_text(encoding="utf-8"), (
        "docs/reception-star-api.md differs from shared/: copy the page again"
    )


def test_every_requirement_traces_to_the_page() -> None:
    found = response_requirements()
    unsourced = sorted(found - set(TRACE))
    assert not unsourced, f"required by the spec, promised by no row of the contract page: {unsourced}"
    stale = sorted(set(TRACE) - found)
    assert not stale, f"traced here, no longer required by the spec: {stale}"
    page = PAGE.read_text(encoding="utf-8")
    for key, words in (TRACE | STATUS_SOURCES).items():
        assert words in page, f"{key}: {words!r} is not on the contract page"


def test_the_trace_catches_a_requirement_the_page_does_not_make(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requiring the ETag on the PUT's 200 again (the defect this trace was written for) fails the trace."""
    put_200 = op("put", "/clients/{client_id}")["responses"]["200"]
    monkeypatch.setitem(put_200, "headers", {"ETag": {"required": True, "schema": {"type": "string"}}})
    monkeypatch.setitem(
        project_doc()["components"]["schemas"]["Client"]["properties"]["mobile"], "pattern", "^[+0-9 ]+$"
    )
    assert {"PUT /clients/{client_id} 200: header ETag", "Client.mobile: pattern"} <= response_requirements() - set(
        TRACE
    )


def test_every_operation_may_answer_429_and_5xx() -> None:
    for method, path in EXPECTED_STATUSES:
        assert set(STATUS_SOURCES) <= set(op(method, path)["responses"]), f"{method.upper()} {path}"
