"""The spec says what shared/reception-star-api.md says: operations, statuses, fields, decisions,
and requires nothing that page does not promise: every requirement of a response names its row in
`x-promise`, which lint's `promise-traced` checks (tested here on small documents and pages)."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SPEC_DIR, SpecCopy, project_doc
from rstar_spec import bundle, run_rules
from rstar_spec.oas.walk import iter_operations, resolve

# The contract page, kept in the repository so that a clone is whole; shared/ holds the original.
PAGE = ROOT / "docs" / "reception-star-api.md"
SHARED_PAGE = ROOT.parent / "shared" / "reception-star-api.md"
ERRORS = ["400", "401", "429", "500", "502", "503"]
# The statuses of the operations the page had first; the page's rules for every operation are tested below
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


def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation of the spec, as it is now (it grows)."""
    return sorted((method, path) for _, path, method, _ in iter_operations(project_doc()))


def documented() -> set[tuple[str, str]]:
    """(method, path) of every operation the page names as `METHOD /path`."""
    found = re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s]*)`", PAGE.read_text(encoding="utf-8"))
    return {(method.lower(), path) for method, path in found}


def test_every_documented_operation_and_no_other() -> None:
    assert set(EXPECTED_STATUSES) <= documented()
    assert set(operations()) == documented()


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
    for method, path in operations():
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
    for method, path in operations():
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
    for method, path in operations():
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


def test_the_page_in_the_repository_is_the_shared_one_and_what_the_spec_grew() -> None:
    """Every line of shared/'s page, in its order, unchanged; the repository's page may add rows (a new
    resource, a new field: the spec grows with its page), never change or drop one."""
    if not SHARED_PAGE.exists():
        pytest.skip("no shared/ beside this clone: docs/reception-star-api.md is the page")
    ours = iter(PAGE.read_text(encoding="utf-8").splitlines())
    lost = [line for line in SHARED_PAGE.read_text(encoding="utf-8").splitlines() if line not in ours]
    assert lost == [], "docs/reception-star-api.md changed or lost lines of shared/'s page: copy them again"


def test_every_operation_may_answer_429_and_5xx() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for method, path in operations():
        assert set(STATUS_SOURCES) <= set(op(method, path)["responses"]), f"{method.upper()} {path}"
    assert all(words in page for words in STATUS_SOURCES.values())


def test_the_spec_traces_its_promises_to_this_page() -> None:
    """The spec names the page (so lint checks every promise against it), and names this one."""
    named = project_doc()["info"]["x-rstar-contract-page"]
    assert (SPEC_DIR / named).resolve() == PAGE.resolve()
    assert run_rules(bundle(SPEC_DIR / "openapi.yaml"), ["promise-traced"]) == []


def test_a_requirement_the_page_does_not_make_fails_lint(spec_copy: SpecCopy) -> None:
    """Requiring the ETag on the PUT's 200 (the defect the trace was first written for), or a pattern of
    `mobile` that the page does not give, is found at its line; a shared header component's promise does
    not carry its being required to another answer."""
    spec_copy.edit(
        "paths/client.yaml", "$ref: ../components/headers.yaml#/ETagOptional", "$ref: ../components/headers.yaml#/ETag"
    )
    spec_copy.edit(
        "components/schemas.yaml",
        "    mobile:\n      type: string\n",
        "    mobile:\n      type: string\n      pattern: ^[+0-9 ]+$\n",
    )
    found = {(f.location.file, f.location.line) for f in run_rules(bundle(spec_copy.root), ["promise-traced"])}
    assert found == {
        (spec_copy.path("paths/client.yaml"), spec_copy.line_of("paths/client.yaml", "$ref: ../components/headers.yaml#/ETag", after="put:") - 1),
        (spec_copy.path("components/schemas.yaml"), spec_copy.line_of("components/schemas.yaml", "pattern: ^[+0-9 ]+$")),
    }  # fmt: skip


# -- promise-traced, on small documents ---------------------------------------------------------------------

SMALL_PAGE = """\
# Things

| topic | what we promise |
|---|---|
| things | a thing has a `name` of at most 10 characters |
| owners | an owner has an `id` |
| lists | a list answers a `Total` header |

- a list item that
  wraps over two lines

A paragraph of its own.
"""

SMALL_SPEC = """\
openapi: 3.1.0
info:
  title: Things
  version: 1.0.0
  x-rstar-contract-page: ../page.md
paths:
  /things:
    get:
      responses:
        '200':
          description: A thing.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [label]
              properties:
                label: {type: string, maxLength: 3}
      responses:
        '204':
          description: Done.
components:
  schemas:
    Thing:
      type: object
      x-promise: a thing has a `name`
      required: [name]
      properties:
        name:
          type: string
          maxLength: 10
"""


def small(tmp_path: Path, spec: str = SMALL_SPEC, page: str | None = SMALL_PAGE) -> list[tuple[int, str]]:
    """(line, message) of every promise-traced finding on a one-file spec in spec/, the page beside spec/."""
    root = tmp_path / "spec" / "openapi.yaml"
    root.parent.mkdir(exist_ok=True)
    root.write_text(textwrap.dedent(spec), encoding="utf-8")
    if page is not None:
        (tmp_path / "page.md").write_text(page, encoding="utf-8")
    findings = run_rules(bundle(root), ["promise-traced"])
    assert all(f.location.file == root.resolve() and f.rule == "promise-traced" for f in findings)
    return [(f.location.line, f.message) for f in findings]


def line(text: str, start: str, after: str | None = None) -> int:
    """1-based line of the first line starting (stripped) with start, after the one starting with after."""
    lines = [row.strip() for row in text.splitlines()]
    first = lines.index(next(row for row in lines if row.startswith(after))) + 1 if after else 0
    return next(i for i in range(first, len(lines)) if lines[i].startswith(start)) + 1


def test_small_spec_is_traced(tmp_path: Path) -> None:
    """The parent's promise covers its inline subschemas (`name`'s maxLength); the request body's
    requirements (required, maxLength) are ours to make and need none."""
    assert small(tmp_path) == []


def test_a_requirement_without_a_promise_is_found_at_its_line(tmp_path: Path) -> None:
    spec = SMALL_SPEC.replace("      x-promise: a thing has a `name`\n", "")
    found = small(tmp_path, spec)
    assert [at for at, _ in found] == [line(spec, "required: [name]", after="Thing:"), line(spec, "maxLength: 10")]
    assert "required property 'name' in a response: no x-promise names the row of ../page.md" in found[0][1]
    assert found[1][1].startswith("`maxLength` in a response")


def test_a_property_promise_covers_the_property_and_its_being_required(tmp_path: Path) -> None:
    spec = SMALL_SPEC.replace("      x-promise: a thing has a `name`\n", "").replace(
        "        name:\n", "        name:\n          x-promise: a `name` of at most 10 characters\n"
    )
    assert small(tmp_path, spec) == []


def test_a_referenced_component_needs_its_own_promise(tmp_path: Path) -> None:
    """Thing's promise does not reach Owner through its $ref, not even with a promise beside the $ref."""
    spec = SMALL_SPEC + textwrap.indent(
        "Owner:\n  type: object\n  required: [id]\n  properties:\n    id: {type: integer}\n", "    "
    )
    spec = spec.replace(
        "          maxLength: 10\n",
        "          maxLength: 10\n        owner:\n          $ref: '#/components/schemas/Owner'\n"
        "          x-promise: a thing has a `name`\n",
    )
    assert [at for at, _ in small(tmp_path, spec)] == [line(spec, "required: [id]")]
    promised = spec.replace(
        "    Owner:\n      type: object\n", "    Owner:\n      type: object\n      x-promise: an owner has an `id`\n"
    )
    assert small(tmp_path, promised) == []


def test_a_promise_whose_words_are_not_on_the_page_is_found(tmp_path: Path) -> None:
    for words in (
        "a thing has a `title`",  # not on the page
        "a thing has a name",  # not as written: the backticks are part of the row
        "10 characters | | owners",  # across two rows of the table
        "two lines A paragraph",  # across a list item and a paragraph
        "'   '",  # empty
        "[a thing has a `name`]",  # not a string
    ):
        spec = SMALL_SPEC.replace("x-promise: a thing has a `name`", f"x-promise: {words}")
        found = small(tmp_path, spec)
        assert [at for at, _ in found] == [line(spec, "x-promise:")], words
        assert "x-promise" in found[0][1] and (
            "no row of ../page.md" in found[0][1] or "string" in found[0][1] or "empty" in found[0][1]
        )


def test_a_promise_is_compared_with_whitespace_folded(tmp_path: Path) -> None:
    """Part of a row is enough, and a line break or a run of spaces in the page or the promise is one space."""
    for words in ("'a  list item that wraps over'", "'has a `name` of at most'", "A paragraph of its own."):
        assert small(tmp_path, SMALL_SPEC.replace("x-promise: a thing has a `name`", f"x-promise: {words}")) == []


def test_a_required_header_is_promised_on_its_response(tmp_path: Path) -> None:
    headers = (
        "          headers:\n            Total:\n              $ref: '#/components/headers/Total'\n          content:\n"
    )
    spec = SMALL_SPEC.replace(
        "          description: A thing.\n          content:\n", "          description: A thing.\n" + headers, 1
    )
    spec += "  headers:\n    Total:\n      x-promise: a list answers a `Total` header\n      required: true\n      schema: {type: integer, minimum: 0}\n"
    assert [at for at, _ in small(tmp_path, spec)] == [line(spec, "Total:")]
    on_response = spec.replace(
        "          description: A thing.\n",
        "          description: A thing.\n          x-promise: a list answers a `Total` header\n",
    )
    assert small(tmp_path, on_response) == []
    unpromised_value = on_response.replace(
        "      x-promise: a list answers a `Total` header\n      required", "      required"
    )
    assert [at for at, _ in small(tmp_path, unpromised_value)] == [
        line(unpromised_value, "schema: {type: integer, minimum: 0}")
    ]


def test_no_page_named_no_finding(tmp_path: Path) -> None:
    """A spec that names no contract page is not traced, however much its responses require."""
    spec = SMALL_SPEC.replace("  x-rstar-contract-page: ../page.md\n", "").replace(
        "      x-promise: a thing has a `name`\n", ""
    )
    assert small(tmp_path, spec, page=None) == []


def test_a_page_that_cannot_be_read_is_one_finding_at_its_name(tmp_path: Path) -> None:
    at = line(SMALL_SPEC, "x-rstar-contract-page:")
    assert small(tmp_path, page=None) == [(at, "../page.md: no such file")]
    (tmp_path / "page.md").mkdir()
    assert small(tmp_path, page=None) == [(at, "../page.md: not a regular file")]
    os.rmdir(tmp_path / "page.md")
    (tmp_path / "page.md").write_bytes(b"\xff\xfe not text")
    assert small(tmp_path, page=None) == [(at, "../page.md: not UTF-8")]
    found = small(tmp_path, SMALL_SPEC.replace("../page.md", "[]"), page=None)
    assert found == [(at, "must name the contract page: a path relative to the root file")]


def test_a_promise_where_none_is_read_is_found(tmp_path: Path) -> None:
    spec = SMALL_SPEC.replace(
        "            application/json:\n              schema:\n                $ref",
        "            application/json:\n              x-promise: a thing has a `name`\n              schema:\n                $ref",
    )
    found = small(tmp_path, spec)
    assert found == [
        (
            line(spec, "x-promise:"),
            "x-promise on a media type is not read: put it on a Schema, Response or Header Object",
        )
    ]
