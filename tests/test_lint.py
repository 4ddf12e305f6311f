"""Every lint rule: the project spec satisfies it, and a spec broken on purpose trips it
with a finding at the right source file and line."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import SPEC_DIR, RunCli, SpecCopy
from rstar_spec import RULES, bundle, run_rules


@dataclass(frozen=True)
class Breaks:
    rule: str
    file: str  # the file edited
    old: str
    new: str
    at: str  # the finding's line starts with this (stripped) ...
    after: str | None = None  # ... the first such line after the line starting with this
    at_file: str | None = None  # where the finding is, when not the edited file

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.at}"


CASES = [
    Breaks(
        "operation-placed",
        "components/securitySchemes.yaml",
        "    operationId: create_token\n",
        "    operationId: no_such_operation\n",
        "post:",
        at_file="paths/auth.yaml",
    ),
    Breaks(
        "openapi-structure",
        "paths/client.yaml",
        "  summary: Delete a client\n",
        "  summary: Delete a client\n  deprecated: maybe\n",
        "deprecated: maybe",
    ),
    Breaks(
        "example-valid",
        "components/schemas.yaml",
        "  examples:\n    - id: 21\n",
        "  examples:\n    - id: zero\n",
        "- id: zero",
    ),
    Breaks(
        "example-valid",
        "paths/clients.yaml",
        "created_at: '2026-01-16T11:02:45Z'",
        "created_at: '2026-01-16T11:02:45+01:00'",
        "created_at: '2026-01-16T11:02:45+01:00'",
    ),
    Breaks(
        "examples-present",
        "paths/heart.yaml",
        "          examples:\n            socrates:\n              value: The only true wisdom is in knowing you know nothing. ― Socrates\n",
        "",
        "text/plain:",
    ),
    Breaks("operation-id", "paths/heart.yaml", "  operationId: get_heart\n", "", "get:"),
    Breaks(
        "operation-id-unique",
        "paths/client.yaml",
        "operationId: replace_client",
        "operationId: list_clients",
        "operationId: list_clients",
    ),
    Breaks(
        "operation-id-snake-case",
        "paths/heart.yaml",
        "operationId: get_heart",
        "operationId: getHeart",
        "operationId: getHeart",
    ),
    Breaks("operation-summary", "paths/heart.yaml", "  summary: Check that the service is up\n", "", "get:"),
    Breaks("operation-tags", "paths/heart.yaml", "  tags: [health]\n", "", "get:"),
    Breaks("operation-tag-defined", "paths/heart.yaml", "tags: [health]", "tags: [healthz]", "tags: [healthz]"),
    Breaks("tag-description", "openapi.yaml", "    description: Is the service up?\n", "", "- name: health"),
    Breaks(
        "info-description",
        "openapi.yaml",
        "  description: |\n    The Reception Star REST API v3 works",
        "  x-text: |\n    The Reception Star REST API v3 works",
        "info:",
    ),
    Breaks(
        "operation-success-response",
        "paths/client.yaml",
        "    '204':\n      description: The client was deleted",
        "    '304':\n      description: The client was deleted",
        "responses:",
        after="delete:",
    ),
    Breaks(
        "auth-error-responses",
        "paths/clients.yaml",
        "    '429':\n      $ref: ../components/responses.yaml#/TooManyRequests\n",
        "",
        "responses:",
        after="get:",
    ),
    Breaks(
        "write-forbidden-response",
        "paths/client.yaml",
        "    '403':\n      $ref: ../components/responses.yaml#/Forbidden\n",
        "",
        "responses:",
        after="put:",
    ),
    Breaks("operation-security-defined", "openapi.yaml", "  - bearerAuth: []", "  - bearer: []", "- bearer: []"),
    Breaks(
        "operation-parameters-unique",
        "paths/clients.yaml",
        "    - $ref: ../components/parameters.yaml#/Limit\n",
        "    - $ref: ../components/parameters.yaml#/Limit\n    - $ref: ../components/parameters.yaml#/Limit\n",
        "- $ref",
        after="- $ref: ../components/parameters.yaml#/Limit",
    ),
    Breaks(
        "parameter-description",
        "components/parameters.yaml",
        "  description: How many items of the list to skip.\n",
        "",
        "Offset:",
    ),
    Breaks(
        "path-params",
        "openapi.yaml",
        "  /clients/{client_id}:",
        "  /clients/{id}:",
        "- $ref: ../components/parameters.yaml#/ClientId",
        at_file="paths/client.yaml",
    ),
    Breaks("path-params", "paths/client.yaml", "  - $ref: ../components/parameters.yaml#/ClientId\n", "", "get:"),
    Breaks("path-no-trailing-slash", "openapi.yaml", "  /clients:\n", "  /clients/:\n", "/clients/:"),
    Breaks("path-no-query", "openapi.yaml", "  /heart:\n", "  /heart?beat=1:\n", "/heart?beat=1:"),
    Breaks(
        "no-ambiguous-paths",
        "openapi.yaml",
        "    $ref: paths/client.yaml\n",
        "    $ref: paths/client.yaml\n  /clients/{other}:\n    $ref: paths/client.yaml\n",
        "/clients/{other}:",
    ),
    Breaks(
        "server-url",
        "openapi.yaml",
        "url: https://my.receptionstar.com",
        "url: http://my.receptionstar.com",
        "- url: http://",
    ),
    Breaks("list-pagination", "paths/clients.yaml", "    - $ref: ../components/parameters.yaml#/Limit\n", "", "get:"),
    Breaks(
        "list-pagination",
        "components/schemas.yaml",
        "required: [data, offset, limit, total]",
        "required: [data, offset, limit]",
        "ClientPage:",
    ),
    Breaks(
        "error-schema",
        "components/schemas.yaml",
        "  required: [code, message]\n  properties:\n    code:\n      type: string\n",
        "  required: [code]\n  properties:\n    code:\n      type: string\n",
        "Error:",
    ),
    Breaks(
        "error-schema",
        "components/responses.yaml",
        "  content:\n    application/json:\n      schema:\n        $ref: schemas.yaml#/Error\n      examples:\n        bad_gateway:\n          value:\n            code: bad_gateway\n            message: An upstream service answered badly.\n",
        "",
        "BadGateway:",
    ),
    Breaks(
        "retry-after-header",
        "components/responses.yaml",
        "  headers:\n    Retry-After:\n      $ref: headers.yaml#/RetryAfter\n",
        "",
        "TooManyRequests:",
    ),
    Breaks(
        "date-time-utc",
        "components/schemas.yaml",
        "  pattern: ^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$\n",
        "",
        "Timestamp:",
    ),
    Breaks(
        "no-null-type",
        "components/schemas.yaml",
        "    mobile:\n      type: string\n",
        "    mobile:\n      type: [string, 'null']\n",
        "type: [string",
        after="Client:",
    ),
    Breaks("request-body-closed", "components/schemas.yaml", "  additionalProperties: false\n", "", "ClientInput:"),
    Breaks(
        "json-response-object",
        "paths/auth.yaml",
        "            $ref: ../components/schemas.yaml#/Token\n",
        "            type: array\n",
        "schema:",
        after="'200':",
    ),
    Breaks(
        "enum-typed",
        "components/schemas.yaml",
        "        - token_expired\n",
        "        - token_expired\n        - token_expired\n",
        "- token_expired",
        after="- token_expired",
    ),
    Breaks("enum-typed", "components/schemas.yaml", "        - token_expired\n", "        - 401\n", "- 401"),
    Breaks(
        "no-ref-siblings",
        "paths/client.yaml",
        "    - $ref: ../components/parameters.yaml#/IfNoneMatch\n",
        "    - $ref: ../components/parameters.yaml#/IfNoneMatch\n      required: true\n",
        "required: true",
    ),
    Breaks(
        "no-script-in-markdown",
        "paths/heart.yaml",
        "description: Public;",
        "description: <script>x()</script> Public;",
        "description: <script>",
    ),
    Breaks(
        "promise-traced",
        "components/schemas.yaml",
        "      x-promise: '`notes` string up to 2000, optional'\n",
        "",
        "maxLength: 2000",
    ),
    Breaks(
        "promise-traced",
        "components/schemas.yaml",
        "`notes` string up to 2000, optional",
        "`notes` string up to 200, optional",
        "x-promise: '`notes` string up to 200, optional'",
    ),
    Breaks(
        "no-unused-components",
        "components/schemas.yaml",
        "Timestamp:\n",
        "Unused:\n  type: string\nTimestamp:\n",
        "Unused:",
    ),
]


def test_every_rule_has_a_breaking_case() -> None:
    assert {case.rule for case in CASES} == set(RULES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_project_spec_satisfies(rule_id: str) -> None:
    assert run_rules(bundle(SPEC_DIR / "openapi.yaml"), [rule_id]) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_broken_spec_trips_rule_at_its_source_line(spec_copy: SpecCopy, case: Breaks) -> None:
    spec_copy.edit(case.file, case.old, case.new)
    findings = run_rules(bundle(spec_copy.root), [case.rule])
    assert findings, f"{case.rule} found nothing"
    at_file = case.at_file or case.file
    expected = (spec_copy.path(at_file), spec_copy.line_of(at_file, case.at, case.after))
    assert expected in [(f.location.file, f.location.line) for f in findings], [str(f) for f in findings]
    assert all(f.rule == case.rule and f.message for f in findings)


def test_x_lint_ignore_silences_a_rule_below_it(spec_copy: SpecCopy) -> None:
    spec_copy.edit("paths/heart.yaml", "  tags: [health]\n", "  x-lint-ignore: [operation-tags]\n")
    assert run_rules(bundle(spec_copy.root), ["operation-tags"]) == []
    assert run_rules(bundle(spec_copy.root), ["operation-summary"]) == []  # a rule not named still runs, finds nothing
    spec_copy.edit("paths/heart.yaml", "  summary: Check that the service is up\n", "")
    assert [f.rule for f in run_rules(bundle(spec_copy.root), ["operation-summary"])] == ["operation-summary"]


def test_cli_reports_file_line_col_rule_message(spec_copy: SpecCopy, run_cli: RunCli) -> None:
    spec_copy.edit("paths/heart.yaml", "operationId: get_heart", "operationId: getHeart")
    code, out, err = run_cli("--spec", str(spec_copy.root), "lint", cwd=spec_copy.dir.parent)
    assert code == 1
    line = spec_copy.line_of("paths/heart.yaml", "operationId: getHeart")
    assert f"spec/paths/heart.yaml:{line}:3 operation-id-snake-case operationId 'getHeart' is not snake_case" in out
    assert "1 errors" in err


def test_cli_lint_github_format_and_rule_selection(spec_copy: SpecCopy, run_cli: RunCli) -> None:
    spec_copy.edit("paths/heart.yaml", "operationId: get_heart", "operationId: getHeart")
    code, out, _ = run_cli(
        "--spec",
        "spec/openapi.yaml",
        "lint",
        "--format",
        "github",
        "--rule",
        "operation-id-snake-case",
        cwd=spec_copy.dir.parent,
    )
    assert code == 1
    assert out.startswith("::error file=spec/paths/heart.yaml,line=")
    assert "title=operation-id-snake-case::" in out
    code, out, _ = run_cli(
        "--spec", "spec/openapi.yaml", "lint", "--rule", "operation-summary", cwd=spec_copy.dir.parent
    )
    assert (code, out) == (0, "")


def test_cli_lint_list_names_every_rule_with_its_reason(run_cli: RunCli) -> None:
    code, out, _ = run_cli("lint", "--list")
    assert code == 0
    listed = {line.split()[0]: line for line in out.splitlines()}
    assert set(listed) == set(RULES)
    assert all(RULES[r].reason in line for r, line in listed.items())


@pytest.mark.parametrize(
    ("rule_id", "file", "old", "new"),
    [
        ("operation-id-unique", "paths/client.yaml", "operationId: replace_client", "operationId: list_clients"),
        ("path-params", "openapi.yaml", "  /clients/{client_id}:", "  /clients/{id}:"),
    ],
)
def test_an_operation_check_is_reported_once(spec_copy: SpecCopy, rule_id: str, file: str, old: str, new: str) -> None:
    """The structural check and lint share these checks; lint reports each under its own rule only."""
    spec_copy.edit(file, old, new)
    findings = run_rules(bundle(spec_copy.root), [rule_id, "openapi-structure"])
    assert findings and {f.rule for f in findings} == {rule_id}, [str(f) for f in findings]


def test_a_rule_that_reads_keys_is_asked_only_of_the_nodes_holding_one() -> None:
    from rstar_spec.lint._registry import Rule
    from rstar_spec.lint._visit import Node

    nodes = [Node(("a",), {"enum": [1]}), Node(("b",), {"type": "string"}), Node(("c",), True), Node(("d",), {})]
    asked = Rule("r", "why", lambda ctx, node: (), on=("schema",), holding=("enum", "x-extensible-enum")).asks(nodes)
    assert [n.pointer for n in asked] == [("a",)]
    assert Rule("r", "why", lambda ctx, node: (), on=("schema",)).asks(nodes) == nodes
    # the rules on schemas still see every schema they judge: a breaking case each above; and a 3.0 `nullable`
    # stands with a `type` (no-null-type is asked of the schemas holding `type`)
    assert RULES["no-null-type"].holding == ("type",)


def test_each_schema_is_walked_once_in_a_lint(monkeypatch: pytest.MonkeyPatch) -> None:
    # the index, the examples and the structure's defaults each walked every schema (0.02 s each on Stripe's)
    from collections import Counter

    from rstar_spec.oas import walk

    walks: Counter[tuple[int, tuple[str, ...], bool]] = Counter()
    real = walk._subschemas

    def counted(schema: object, pointer: tuple[str, ...], ref_siblings: bool) -> object:
        walks[id(schema), pointer, ref_siblings] += 1
        return real(schema, pointer, ref_siblings)

    monkeypatch.setattr(walk, "_subschemas", counted)
    # a 3.0 document too: its checks walk without $ref siblings, lint's index with them (one walk for both)
    for spec in (SPEC_DIR / "openapi.yaml", SPEC_DIR.parent / "generated/openapi/reception-star.openapi.3.0.yaml"):
        walks.clear()
        run_rules(bundle(spec))
        assert walks and max(walks.values()) == 1, (spec, walks.most_common(3))
        assert {ref_siblings for _, _, ref_siblings in walks} == {True}
    doc = bundle(SPEC_DIR / "openapi.yaml")
    list(walk.iter_subschemas(doc.data["components"]["schemas"]["Client"], ("x",)))  # outside a lint: not kept
    list(walk.iter_subschemas(doc.data["components"]["schemas"]["Client"], ("x",)))
    assert walks[id(doc.data["components"]["schemas"]["Client"]), ("x",), True] == 2


def test_a_kept_walk_without_ref_siblings_is_the_walk_without_them() -> None:
    from rstar_spec.oas import walk

    schema = {
        "properties": {
            "a": {"$ref": "#/x", "properties": {"hidden": {"type": "string"}}, "items": {"enum": [1]}},
            "b": {"allOf": [{"$ref": "#/y", "not": {"type": "null"}}, {"properties": {"c": {"type": "integer"}}}]},
        },
        "items": {"$ref": "#/z", "additionalProperties": {"type": "string"}},
    }
    expected = {flag: list(walk.iter_subschemas(schema, ("s",), ref_siblings=flag)) for flag in (True, False)}
    assert len(expected[False]) < len(expected[True])
    with walk.walks_kept():
        for flag in (True, False, True, False):
            assert list(walk.iter_subschemas(schema, ("s",), ref_siblings=flag)) == expected[flag]
