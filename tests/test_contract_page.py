"""The spec says what shared/reception-star-api.md says: operations, statuses, fields, decisions."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import SPEC_DIR
from rstar_spec import bundle
from rstar_spec._walk import iter_operations, resolve

DOC = bundle(SPEC_DIR / "openapi.yaml").data
ERRORS = ["400", "401", "429", "500", "502", "503"]
EXPECTED_STATUSES = {
    ("get", "/heart"): ["200", "500", "502", "503"],
    ("post", "/auth"): ["200", *ERRORS],
    ("get", "/clients"): ["200", *ERRORS],
    ("post", "/clients"): ["201", "400", "401", "403", "429", "500", "502", "503"],
    ("get", "/clients/{client_id}"): ["200", "304", "400", "401", "404", "429", "500", "502", "503"],
    ("put", "/clients/{client_id}"): ["200", "400", "401", "403", "404", "429", "500", "502", "503"],
    ("delete", "/clients/{client_id}"): ["204", "400", "401", "403", "404", "429", "500", "502", "503"],
}


def op(method: str, path: str) -> dict[str, Any]:
    return DOC["paths"][path][method]


def deref(node: Any) -> Any:
    return resolve(DOC, node, ())[1]


def response(method: str, path: str, status: str) -> dict[str, Any]:
    return deref(op(method, path)["responses"][status])


def json_schema(method: str, path: str, status: str) -> dict[str, Any]:
    return deref(response(method, path, status)["content"]["application/json"]["schema"])


def test_every_documented_operation_and_no_other() -> None:
    assert {(m, p) for _, p, m, _ in iter_operations(DOC)} == set(EXPECTED_STATUSES)


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED_STATUSES))
def test_status_codes(method: str, path: str) -> None:
    assert list(op(method, path)["responses"]) == EXPECTED_STATUSES[(method, path)]


def test_base_address_and_erratum() -> None:
    assert DOC["servers"][0]["url"] == "https://my.receptionstar.com/api/v3"
    assert "/api/v1" in DOC["servers"][0]["x-decision"]


def test_bearer_everywhere_but_heart_and_auth() -> None:
    assert DOC["security"] == [{"bearerAuth": []}]
    assert DOC["components"]["securitySchemes"]["bearerAuth"].items() >= {"type": "http", "scheme": "bearer"}.items()
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


def test_401_reason_codes() -> None:
    expected = {
        "user_not_found",
        "password_incorrect",
        "password_pwned",
        "token_expired",
        "invalid_api_key",
        "invalid_refresh_token",
        "missing_token",
        "invalid_token",
    }
    for method, path in [("post", "/auth"), ("get", "/clients")]:
        assert set(json_schema(method, path, "401")["properties"]["code"]["enum"]) == expected


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
    assert "ETag" in response("get", "/clients/{client_id}", "200")["headers"]
    not_modified = response("get", "/clients/{client_id}", "304")
    assert "content" not in not_modified and "ETag" in not_modified["headers"]
    params = [deref(p)["name"] for p in op("get", "/clients/{client_id}")["parameters"]]
    assert params == ["If-None-Match"]
    assert "content" not in response("delete", "/clients/{client_id}", "204")


def test_client_fields() -> None:
    client = DOC["components"]["schemas"]["Client"]
    props = client["properties"]
    assert sorted(client["required"]) == ["created_at", "first_name", "id", "last_name", "updated_at"]
    assert props["id"]["type"] == "integer" and props["id"]["readOnly"] is True
    assert (props["first_name"]["minLength"], props["first_name"]["maxLength"]) == (1, 100)
    assert (props["last_name"]["minLength"], props["last_name"]["maxLength"]) == (0, 100)
    assert props["email"]["format"] == "email" and props["notes"]["maxLength"] == 2000
    assert deref(props["date_of_birth"])["format"] == "date"
    stamp = deref(props["created_at"])
    assert stamp["format"] == "date-time" and stamp["pattern"].endswith("Z$")
    client_input = DOC["components"]["schemas"]["ClientInput"]
    assert set(client_input["properties"]) == set(props) - {"id", "created_at", "updated_at"}
    assert client_input["additionalProperties"] is False
    assert sorted(client_input["required"]) == ["first_name", "last_name"]


def test_decisions_are_written_into_the_spec() -> None:
    text = bundle(SPEC_DIR / "openapi.yaml").dump()
    assert text.count("x-decision:") >= 12
    description = DOC["info"]["description"]
    for fact in ("202", "null", "ascending `id`", "written `Z`", "does not name"):
        assert fact in description
