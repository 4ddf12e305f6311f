"""The Overlay engine against every rule of the Overlay 1.1.0 text (shared/overlay-spec)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, RunCli, json_values
from rstar_spec.overlay.engine import OverlayError, apply_overlay, load_overlay


class Apply:
    """Write an overlay with these actions to a temporary file, load it, apply it."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.count = 0

    def write(self, actions: list[dict[str, Any]], version: str = "1.1.0", **extra: Any) -> Path:
        self.count += 1
        path = self.tmp_path / f"overlay{self.count}.yaml"
        doc = {"overlay": version, "info": {"title": "t", "version": "1"}, **extra, "actions": actions}
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        return path

    def __call__(
        self, document: Any, actions: list[dict[str, Any]], *, strict: bool = False, version: str = "1.1.0"
    ) -> Any:
        return apply_overlay(document, load_overlay(self.write(actions, version)), strict=strict)


@pytest.fixture
def apply(tmp_path: Path) -> Apply:
    return Apply(tmp_path)


def items_doc() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Example API", "version": "1.0.0"},
        "paths": {
            "/items": {"get": {"responses": {"200": {"description": "OK"}}}},
            "/some-items": {"delete": {"responses": {"200": {"description": "OK"}}}},
        },
    }


# -- update: objects, arrays, primitives ---------------------------------------------------------
def test_update_merges_objects_recursively(apply: Apply) -> None:
    doc = {
        "info": {"title": "a", "version": "1", "x-keep": {"k": 1}, "tags": ["a"], "nested": {"deep": {"n": 1, "m": 2}}}
    }
    out = apply(
        doc,
        [
            {
                "target": "$.info",
                "update": {
                    "title": "b",  # primitive replaces primitive
                    "x-new": {"inserted": True},  # only in update: inserted
                    "tags": ["b", "c"],  # array concatenated with array
                    "nested": {"deep": {"m": 3, "o": 4}},  # object merged recursively
                },
            }
        ],
    )
    assert out["info"] == {
        "title": "b",
        "version": "1",
        "x-keep": {"k": 1},
        "tags": ["a", "b", "c"],
        "nested": {"deep": {"n": 1, "m": 3, "o": 4}},
        "x-new": {"inserted": True},
    }
    assert list(out["info"]) == ["title", "version", "x-keep", "tags", "nested", "x-new"]  # order kept, new keys last


@pytest.mark.parametrize(
    ("existing", "update", "message"),
    [
        ({"a": "text"}, {"a": {"k": 1}}, "cannot merge an object into a primitive at $['info']['a']"),
        ({"a": {"k": 1}}, {"a": [1]}, "cannot merge an array into an object at $['info']['a']"),
        ({"a": [1]}, {"a": "x"}, "cannot merge a primitive into an array at $['info']['a']"),
        ({"a": {"b": 1}}, {"a": {"b": {"c": 1}}}, "cannot merge an object into a primitive at $['info']['a']['b']"),
    ],
)
def test_incompatible_merges_are_errors(
    apply: Apply, existing: dict[str, Any], update: dict[str, Any], message: str
) -> None:
    with pytest.raises(OverlayError) as info:
        apply({"info": existing}, [{"target": "$.info", "update": update}])
    assert message in info.value.message and "actions[0] (target $.info)" in info.value.message


def test_update_of_an_object_with_a_non_object_is_an_error(apply: Apply) -> None:
    with pytest.raises(OverlayError, match=r"cannot merge an array into an object at \$\['info'\]"):
        apply({"info": {}}, [{"target": "$.info", "update": [1]}])


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        ([{"name": "b"}, {"name": "c"}], [{"name": "a"}, {"name": "b"}, {"name": "c"}]),  # array: concatenated
        ({"name": "b"}, [{"name": "a"}, {"name": "b"}]),  # object: appended
        ("b", [{"name": "a"}, "b"]),  # primitive: appended
    ],
)
def test_update_of_arrays_concatenates_or_appends(apply: Apply, update: Any, expected: list[Any]) -> None:
    assert apply({"list": [{"name": "a"}]}, [{"target": "$.list", "update": update}])["list"] == expected


def test_update_replaces_primitives(apply: Apply) -> None:
    doc = {"info": {"title": "old", "version": "1"}, "tags": ["a", "dummy", "dummy"], "n": 1}
    out = apply(
        doc,
        [
            {"target": "$.info.title", "update": "new"},
            {"target": "$.tags[?@ == 'dummy']", "update": "replaced"},
            {"target": "$.n", "update": None},
        ],
    )
    assert out == {"info": {"title": "new", "version": "1"}, "tags": ["a", "replaced", "replaced"], "n": None}


def test_primitive_replaced_by_an_object_is_an_error(apply: Apply) -> None:
    with pytest.raises(OverlayError, match=r"cannot replace a primitive with an object at \$\['info'\]\['title'\]"):
        apply({"info": {"title": "x"}}, [{"target": "$.info.title", "update": {"a": 1}}])


def test_selected_nodes_must_be_of_one_kind(apply: Apply) -> None:
    with pytest.raises(OverlayError, match="selects a mix of array, object nodes"):
        apply({"a": {}, "b": []}, [{"target": "$.*", "update": {"x": 1}}])


def test_a_node_selected_twice_is_changed_once(apply: Apply) -> None:
    assert apply({"list": []}, [{"target": "$['list', 'list']", "update": "x"}]) == {"list": ["x"]}


# -- remove ----------------------------------------------------------------------------------------------
def test_remove_several_array_elements_keeps_indexes_right(apply: Apply) -> None:
    doc = {"list": ["a", "b", "c", "d", "e"], "params": [{"name": "dummy"}, {"name": "keep"}, {"name": "dummy"}]}
    out = apply(
        doc,
        [
            {"target": "$.list[0, 2, 4]", "remove": True},
            {"target": "$.params[?@.name == 'dummy']", "remove": True},
        ],
    )
    assert out == {"list": ["b", "d"], "params": [{"name": "keep"}]}


def test_remove_object_members_and_primitive_array_elements(apply: Apply) -> None:
    doc = {"paths": {"/a": {"get": {"tags": ["dummy", "real"], "x-internal": 1}}}}
    out = apply(
        doc,
        [
            {"target": "$.paths.*.get.tags[?@ == 'dummy']", "remove": True},
            {"target": "$.paths.*.get['x-internal']", "remove": True},
        ],
    )
    assert out == {"paths": {"/a": {"get": {"tags": ["real"]}}}}


def test_remove_wins_over_update(apply: Apply) -> None:
    assert apply({"a": {"b": 1}, "c": 2}, [{"target": "$.a", "remove": True, "update": {"b": 2}}]) == {"c": 2}


def test_remove_false_updates(apply: Apply) -> None:
    assert apply({"a": {"b": 1}}, [{"target": "$.a", "remove": False, "update": {"b": 2}}]) == {"a": {"b": 2}}


def test_removing_the_root_is_an_error(apply: Apply) -> None:
    with pytest.raises(OverlayError, match="cannot remove the root"):
        apply({"a": 1}, [{"target": "$", "remove": True}])


def test_nested_and_parent_removed_together(apply: Apply) -> None:
    doc = {"a": {"b": {"c": 1}}, "z": 0}
    assert apply(doc, [{"target": "$..[?@.c == 1]", "remove": True}, {"target": "$.a", "remove": True}]) == {"z": 0}


# -- copy (1.1) --------------------------------------------------------------------------------------
def test_copy_merges_a_path_item_as_in_the_text(apply: Apply) -> None:
    out = apply(items_doc(), [{"target": '$.paths["/some-items"]', "copy": '$.paths["/items"]'}])
    assert out["paths"]["/some-items"] == {
        "delete": {"responses": {"200": {"description": "OK"}}},
        "get": {"responses": {"200": {"description": "OK"}}},
    }
    out["paths"]["/some-items"]["get"]["responses"]["200"]["description"] = "changed"
    assert out["paths"]["/items"]["get"]["responses"]["200"]["description"] == "OK"  # a copy, not an alias


def test_move_by_update_copy_remove_as_in_the_text(apply: Apply) -> None:
    out = apply(
        items_doc(),
        [
            {"target": "$.paths", "update": {"/new-items": {}}},
            {"target": '$.paths["/new-items"]', "copy": '$.paths["/items"]'},
            {"target": '$.paths["/items"]', "remove": True},
        ],
    )
    assert list(out["paths"]) == ["/some-items", "/new-items"]
    assert out["paths"]["/new-items"] == {"get": {"responses": {"200": {"description": "OK"}}}}


def test_copy_of_primitives_and_into_arrays(apply: Apply) -> None:
    out = apply(
        {"info": {"title": "T", "version": "2"}, "tags": ["a"]},
        [
            {"target": "$.info.title", "copy": "$.info.version"},
            {"target": "$.tags", "copy": "$.info.version"},
        ],
    )
    assert out == {"info": {"title": "2", "version": "2"}, "tags": ["a", "2"]}


@pytest.mark.parametrize(("source", "count"), [("$.nothing", 0), ("$.paths.*", 2)])
def test_copy_source_must_select_exactly_one_node(apply: Apply, source: str, count: int) -> None:
    with pytest.raises(
        OverlayError, match=f"copy '{re_escape(source)}' selects {count} nodes; it must select exactly one"
    ):
        apply(items_doc(), [{"target": "$.info", "copy": source}])


def re_escape(text: str) -> str:
    import re

    return re.escape(text)


def test_update_and_copy_together_is_an_error(apply: Apply) -> None:
    with pytest.raises(OverlayError, match="an action takes update or copy, not both"):
        apply(items_doc(), [{"target": "$.info", "copy": "$.info", "update": {}}])


def test_copy_is_not_overlay_1_0(apply: Apply) -> None:
    with pytest.raises(OverlayError, match=r"not a valid Overlay 1.0 document at actions/0: .*'copy' was unexpected"):
        apply(items_doc(), [{"target": "$.info", "copy": "$.info"}], version="1.0.0")


# -- zero matches, order, several overlays ----------------------------------------------------------
def test_zero_matches_change_nothing(apply: Apply) -> None:
    assert apply(items_doc(), [{"target": "$.paths['/nope']", "update": {"x": 1}}]) == items_doc()


def test_strict_mode_refuses_zero_matches_unless_optional(apply: Apply) -> None:
    with pytest.raises(
        OverlayError, match=r"actions\[0\] \(target \$.paths\['/nope'\]\): selects nothing \(strict mode\)"
    ):
        apply(items_doc(), [{"target": "$.paths['/nope']", "update": {"x": 1}}], strict=True)
    optional = {"target": "$.paths['/nope']", "remove": True, "x-rstar-optional": True}
    assert apply(items_doc(), [optional], strict=True) == items_doc()


def test_an_action_with_nothing_to_do(apply: Apply) -> None:
    assert apply(items_doc(), [{"target": "$.info"}]) == items_doc()
    with pytest.raises(OverlayError, match="has no update, copy or remove"):
        apply(items_doc(), [{"target": "$.info"}], strict=True)


def test_actions_apply_in_order_each_to_the_result_before(apply: Apply) -> None:
    out = apply(
        {"a": {"old": 1}},
        [
            {"target": "$.a", "remove": True},
            {"target": "$", "update": {"a": {"new": 1}}},  # re-created after deletion
            {"target": "$.a", "update": {"more": 2}},  # sees the re-created node
            {"target": "$.b", "update": {"never": 1}},  # selects nothing yet: no change
            {"target": "$", "update": {"b": {}}},
            {"target": "$.b", "copy": "$.a"},
        ],
    )
    assert out == {"a": {"new": 1, "more": 2}, "b": {"new": 1, "more": 2}}


def test_several_overlays_apply_in_the_order_given(tmp_path: Path, run_cli: RunCli) -> None:
    helper = Apply(tmp_path)
    first = helper.write([{"target": "$.info", "update": {"title": "first", "x-step": [1]}}])
    second = helper.write([{"target": "$.info", "update": {"title": "second", "x-step": [2]}}])
    document = tmp_path / "doc.json"
    document.write_text(json.dumps(items_doc()), encoding="utf-8")
    out_path = tmp_path / "out.json"
    code, _, err = run_cli("overlay", "apply", str(document), str(first), str(second), "-o", str(out_path))
    assert (code, err) == (0, "")
    info = json.loads(out_path.read_text(encoding="utf-8"))["info"]
    assert info["title"] == "second" and info["x-step"] == [1, 2]


# -- JSONPath: filters, functions, descendants ---------------------------------------------------------
FILTER_DOC = {
    "paths": {
        "/a": {"get": {"tags": ["pets", "paged"], "parameters": [{"name": "limit"}, {"name": "dummy"}]}},
        "/bb": {"get": {"tags": ["users"], "parameters": []}},
        "/ccc": {"post": {"tags": ["pets"]}},
    }
}


@pytest.mark.parametrize(
    ("target", "selected"),
    [
        ("$.paths[?length(@.get.tags) == 2]", ["/a"]),  # length() of an array
        ("$.paths[?count(@.*) == 1 && @.post]", ["/ccc"]),  # count() of a nodelist, &&, existence
        ("$.paths[?match(@.get.tags[0], 'p.*s')]", ["/a"]),  # match(): the whole string
        ("$.paths[?search(@.get.tags[0], 'ser')]", ["/bb"]),  # search(): a substring
        ("$.paths[?value(@..name) == 'limit']", []),  # value() of two nodes is Nothing
        ("$.paths[?value(@.get.parameters[0].name) == 'limit']", ["/a"]),
        ("$.paths[?!@.get || length(@.get.parameters) == 0]", ["/bb", "/ccc"]),  # ! and ||
        ("$.paths[?(@.get.tags[?(@ == 'paged')])]", ["/a"]),  # the traits example: a nested filter
    ],
)
def test_filters_and_functions_select_as_rfc_9535(apply: Apply, target: str, selected: list[str]) -> None:
    out = apply(json.loads(json.dumps(FILTER_DOC)), [{"target": target, "update": {"x-hit": True}}])
    assert [p for p, item in out["paths"].items() if item.get("x-hit")] == selected


def test_descendant_segments(apply: Apply) -> None:
    out = apply(
        json.loads(json.dumps(FILTER_DOC)),
        [
            {"target": "$..[?@.name == 'dummy']", "remove": True},
            {"target": "$..tags", "update": "all"},
        ],
    )
    assert out["paths"]["/a"]["get"] == {"tags": ["pets", "paged", "all"], "parameters": [{"name": "limit"}]}
    assert out["paths"]["/ccc"]["post"]["tags"] == ["pets", "all"]


def test_the_traits_example_of_the_text(apply: Apply) -> None:
    doc = {
        "paths": {
            "/items": {"get": {"x-oai-traits": ["paged"], "responses": {"200": {"description": "OK"}}}},
            "/other": {"get": {"responses": {"200": {"description": "OK"}}}},
        }
    }
    out = apply(
        doc,
        [
            {
                "target": "$.paths[?(@.get['x-oai-traits'][?(@ == 'paged')])].get",
                "update": {"parameters": [{"name": "top", "in": "query"}, {"name": "skip", "in": "query"}]},
            }
        ],
        version="1.0.0",
    )
    assert [p["name"] for p in out["paths"]["/items"]["get"]["parameters"]] == ["top", "skip"]
    assert "parameters" not in out["paths"]["/other"]["get"]


# -- validation and errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("$.paths[?@.x == ]", "unexpected end of expression"),
        ("$.a[?length(@.a, 1)]", "length() requires 1 argument"),
        ("$.a.b[-0]", "leading zero in index selector"),
        ("$.a[?@.b]..", "expected a shorthand selector"),
    ],
)
def test_malformed_jsonpath_names_file_action_and_target(apply: Apply, target: str, problem: str) -> None:
    path = apply.write([{"target": "$.info", "update": {}}, {"target": target, "update": {}}])
    with pytest.raises(OverlayError) as info:
        load_overlay(path)
    assert f"actions[1] (target {target}): invalid JSONPath in target" in info.value.message
    assert problem in info.value.message
    assert info.value.location is not None and info.value.location.file == path
    target_lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("- target:")]
    assert info.value.location.line == target_lines[1]


def test_error_location_is_the_action_line(apply: Apply) -> None:
    path = apply.tmp_path / "located.yaml"
    path.write_text(
        "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $.info\n    update: {a: 1}\n"
        "  - target: $.info.title\n    update: {not: primitive}\n",
        encoding="utf-8",
    )
    with pytest.raises(OverlayError) as info:
        apply_overlay({"info": {"title": "x"}}, load_overlay(path))
    assert str(info.value).startswith(f"{path}:6:5: actions[1] (target $.info.title): cannot replace a primitive")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$"}]},
            "unsupported Overlay version '2.0.0'",
        ),
        (
            {"overlay": "1.2.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$"}]},
            "unsupported Overlay version '1.2.0'",
        ),
        ({"info": {"title": "t", "version": "1"}, "actions": [{"target": "$"}]}, "unsupported Overlay version None"),
        (
            {"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": []},
            "at actions: [] should be non-empty",
        ),
        (
            {"overlay": "1.1.0", "info": {"title": "t"}, "actions": [{"target": "$"}]},
            "'version' is a required property",
        ),
        (
            {"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "info"}]},
            "'info' does not match '^\\\\$'",
        ),
        (
            {"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "rename": "x"}]},
            "'rename' was unexpected",
        ),
        (
            {"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "remove": "yes"}]},
            "'yes' is not of type 'boolean'",
        ),
        (["not", "a", "mapping"], "an overlay document must be a mapping"),
        (
            {
                "overlay": "1.1.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$"}, {"target": "$.a"}, {"target": "$"}],
            },
            "at actions: actions must be unique: [2] repeats [0]",
        ),
    ],
)
def test_invalid_overlay_documents(tmp_path: Path, document: Any, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(OverlayError) as info:
        load_overlay(path)
    assert message in info.value.message


def test_cli_error_is_one_line_and_nothing_written(tmp_path: Path, run_cli: RunCli) -> None:
    helper = Apply(tmp_path)
    good = helper.write([{"target": "$.info", "update": {"title": "x"}}])
    bad = helper.write([{"target": "$.info.title", "update": {"a": 1}}])
    document = tmp_path / "doc.yaml"
    document.write_text(yaml.safe_dump(items_doc()), encoding="utf-8")
    out_path = tmp_path / "out.yaml"
    out_path.write_text("previous\n", encoding="utf-8")
    code, out, err = run_cli("overlay", "apply", str(document), str(good), str(bad), "-o", str(out_path))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and f"{bad}:" in err and "actions[0] (target $.info.title)" in err
    assert out_path.read_text(encoding="utf-8") == "previous\n"


def test_cli_reads_stdin_and_writes_yaml_deterministically(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    overlay = Apply(tmp_path).write([{"target": "$.paths.*", "update": {"x-seen": True}}])
    outputs = []
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO(yaml.safe_dump(items_doc(), sort_keys=False)))
        code, out, _ = run_cli("overlay", "apply", "-", str(overlay), "--strict")
        assert code == 0
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert yaml.safe_load(outputs[0])["paths"]["/items"]["x-seen"] is True
    assert outputs[0].index("openapi:") < outputs[0].index("info:") < outputs[0].index("paths:")


# -- the project's overlays ----------------------------------------------------------------------------
def test_project_overlays_lint_clean(run_cli: RunCli) -> None:
    code, out, err = run_cli("overlay", "lint")
    assert (code, out) == (0, "")
    assert sorted(line.split(":")[0] for line in err.splitlines()) == [
        "overlays/mock.yaml",
        "overlays/publish.yaml",
        "overlays/python-client.yaml",
    ]


def test_overlay_lint_catches_a_renamed_path(tmp_path: Path, run_cli: RunCli) -> None:
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    text = (ROOT / "overlays/python-client.yaml").read_text(encoding="utf-8")
    (overlays / "python-client.yaml").write_text(
        text.replace("$.paths.*.post", "$.paths['/customers'].post"), encoding="utf-8"
    )
    code, out, _ = run_cli("--overlays", str(overlays), "overlay", "lint")
    assert code == 1
    assert "python-client.yaml:" in out and "selects nothing (strict mode)" in out


def test_targets(run_cli: RunCli, tmp_path: Path) -> None:
    built = {}
    for target in ("python-client", "publish", "mock"):
        out_path = tmp_path / f"{target}.json"
        assert run_cli("bundle", "--target", target, "-o", str(out_path))[0] == 0
        built[target] = json.loads(out_path.read_text(encoding="utf-8"))
    client = built["python-client"]
    assert client["paths"]["/clients"]["post"]["x-rstar-idempotent"] is False
    assert client["components"]["securitySchemes"]["bearerAuth"]["x-rstar-token"]["operationId"] == "create_token"
    assert built["publish"]["info"]["contact"]["name"] and built["publish"]["externalDocs"]["url"].startswith(
        "https://"
    )
    assert built["mock"]["servers"] == [
        {"url": "http://127.0.0.1:8080/api/v3", "description": "Local mock (rstar-spec mock)"}
    ]
    code, _, err = run_cli("bundle", "--target", "nope")
    assert code == 2 and "unknown target 'nope' (known: mock, publish, python-client; looked in " in err


def test_publish_strips_lint_switches(tmp_path: Path, run_cli: RunCli) -> None:
    import shutil

    shutil.copytree(ROOT / "spec", tmp_path / "spec")
    heart = tmp_path / "spec/paths/heart.yaml"
    heart.write_text(
        heart.read_text().replace("  tags: [health]\n", "  tags: [health]\n  x-lint-ignore: [operation-tags]\n")
    )
    out_path = tmp_path / "publish.yaml"
    code, _, err = run_cli(
        "--spec",
        "spec/openapi.yaml",
        "--overlays",
        str(ROOT / "overlays"),
        "bundle",
        "--target",
        "publish",
        "-o",
        str(out_path),
        cwd=tmp_path,
    )
    assert (code, err) == (0, "")
    assert "x-lint-ignore" not in out_path.read_text() and "x-lint-ignore" in heart.read_text()


def test_a_schema_message_never_quotes_a_whole_document(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    actions = [{"target": f"$.a{i}", "update": {"blob": "x" * 500}} for i in range(50)]
    path.write_text(yaml.safe_dump({"overlay": "1.1.0", "info": {"title": "t"}, "actions": actions}), encoding="utf-8")
    with pytest.raises(OverlayError) as info:
        load_overlay(path)
    assert len(str(info.value)) < 300 and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("first", "second", "unique"),
    [
        ({"target": "$", "update": 1}, {"target": "$", "update": 1.0}, False),  # 1 == 1.0 in JSON
        ({"target": "$", "update": True}, {"target": "$", "update": 1}, True),  # true != 1
        ({"target": "$", "update": {"a": 1, "b": 2}}, {"update": {"b": 2, "a": 1}, "target": "$"}, False),
        ({"target": "$", "update": [1, 2]}, {"target": "$", "update": [2, 1]}, True),
    ],
)
def test_unique_actions_follow_json_equality(
    tmp_path: Path, first: dict[str, Any], second: dict[str, Any], unique: bool
) -> None:
    path = tmp_path / "o.yaml"
    path.write_text(
        yaml.safe_dump({"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": [first, second]})
    )
    if unique:
        assert len(load_overlay(path).actions) == 2
    else:
        with pytest.raises(OverlayError, match=r"\[1\] repeats \[0\]"):
            load_overlay(path)


# -- a query whose last segment selects members by name selects nothing where no object has such a member --

_member_docs = json_values(
    st.sampled_from(["a", "x-lint-ignore", "", "b"]), st.sampled_from(["a", "b", "c", "x-lint-ignore"])
)
_queries = st.sampled_from(
    [
        "$..[?@['x-lint-ignore']]['x-lint-ignore']",
        "$..['a']",
        "$..a",
        "$.a.b",
        "$..[?@.b]['c', 'a']",
        "$..*['b']",
        "$..[0]",
        "$..[?@.a]",
        "$.*",
    ]
)


@settings(max_examples=300, deadline=None)
@given(_member_docs, _queries)
def test_the_member_precheck_never_changes_what_a_query_selects(document: Any, query: str) -> None:
    from rstar_spec.overlay import engine

    path = engine._compile(query)
    fast = [(m.parts, m.obj) for m in engine._matches(path, document)]
    plain = []
    seen = set()
    for match in path.finditer(document):
        if match.parts not in seen:
            seen.add(match.parts)
            plain.append((match.parts, match.obj))
    assert fast == plain


def test_a_descendant_query_for_a_member_that_is_nowhere_does_not_walk_with_jsonpath(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rstar_spec.overlay import engine

    path = engine._compile("$..[?@['x-lint-ignore']]['x-lint-ignore']")
    monkeypatch.setattr(type(path), "finditer", lambda *_: pytest.fail("walked"))
    assert engine._matches(path, {"paths": {"/a": {"get": {"responses": {}}}}}) == []


def test_a_query_without_a_descendant_segment_is_not_prechecked_by_a_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    # a walk of the whole document per action made 1,000 child-path actions 40 times slower
    from rstar_spec.overlay import engine

    monkeypatch.setattr(engine, "_has_member", lambda *_: pytest.fail("walked the whole document"))
    path = engine._compile("$.paths['/a'].get.summary")
    assert [m.obj for m in engine._matches(path, {"paths": {"/a": {"get": {"summary": "s"}}}})] == ["s"]
