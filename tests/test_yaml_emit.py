"""The YAML writer: whatever it writes, YAML 1.1 (PyYAML, our loaders) and YAML 1.2 (rapidyaml) read back as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import ryml
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TRICKY, json_values
from rstar_spec.core._native import NOT_NATIVE, native_data
from rstar_spec.core._yaml_emit import emit_yaml
from rstar_spec.core.yaml_io import _positional

ROOT = Path(__file__).resolve().parent.parent

text_values = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30), st.text(alphabet="ab \n:#-|>'\"", max_size=20))
values = json_values(text_values, text_values, biggest=10**30, max_leaves=25)


def _yaml12(text: str) -> Any:
    tree = ryml.parse_in_arena(text.encode("utf-8"))
    return json.loads(ryml.emit_json_malloc(tree, tree.root_id()), strict=False)  # it writes control characters raw


def _reads_back(data: Any) -> None:
    text = emit_yaml(data)
    assert yaml.load(text, Loader=yaml.CSafeLoader) == data, text  # YAML 1.1, PyYAML
    assert _positional(text, Path("t.yaml")).data == data, text
    native = native_data(text)
    assert native is NOT_NATIVE or native == data, text


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_what_is_written_reads_back_the_same(data: Any) -> None:
    _reads_back(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.text(alphabet="abz_/$(", min_size=1, max_size=5),
        st.one_of(
            st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20), st.integers()
        ),
        min_size=1,
    )
)
def test_yaml_1_2_reads_plain_and_quoted_strings_alike(data: dict[str, Any]) -> None:
    # rapidyaml types plain scalars by YAML 1.2's core schema: a string it would read as a number is quoted.
    # (Its JSON writer cuts strings at a NUL and leaves control characters raw: those stay out of this test.)
    text = emit_yaml(data)
    assert {k: str(v) for k, v in _yaml12(text).items()} == {k: str(v) for k, v in data.items()}


@pytest.mark.parametrize(
    "value",
    ["yes", "No", "on", "~", "null", "1e3", "0x1F", "1_000", "017", ".inf", "2026-01-15", "a: b", "a #b", "-x", "",
     " lead", "trail ", "tab\tin", "é", "line\nbreak\n", "two\n\n", "\x85", "\u2028", "\x7f", "4.0.0", "3.1.0", "1.2.3-beta.1", "1.2", "1.2.3:4", 1e-05, 1.5, 10**20, -0.0],
)  # fmt: skip
def test_values_every_reader_could_misread(value: Any) -> None:
    _reads_back({"k": value, "list": [value, {"v": value}], str(value): 1})


def test_the_published_renderings_read_back_the_same() -> None:
    for path in (ROOT / "generated" / "openapi").glob("*.yaml"):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        _reads_back(data)


def test_multi_line_text_is_a_literal_block() -> None:
    assert emit_yaml({"description": "One.\nTwo.\n"}) == "description: |\n  One.\n  Two.\n"
    assert emit_yaml({"a": ["x\ny"]}) == "a:\n- |-\n  x\n  y\n"
    assert emit_yaml([{"a": 1, "b": [1, 2]}, [3]]) == "- a: 1\n  b:\n  - 1\n  - 2\n- - 3\n"


def test_a_tree_shared_by_many_places_is_written_in_full_at_each() -> None:
    shared = {"type": "object", "properties": {"code": {"type": "string"}}, "list": [1, {"a": "b"}]}
    data = {"x": shared, "y": [shared, {"z": shared}], "w": {"deeper": {"v": shared}}}
    text = emit_yaml(data)
    assert yaml.load(text, Loader=yaml.CSafeLoader) == data
    assert text.count("code:") == 4


def test_a_tree_shared_as_a_sequence_item_and_as_a_value_is_written_right_at_each() -> None:
    # written once as an item (its first line then takes the `- `), repeated as a mapping value at the same indent
    shared = {"a": 1, "b": [1, {"c": 2}]}
    data = {"list": [shared, shared], "y": shared, "z": [[shared], shared], "x": {"k": shared}}
    _reads_back(data)
    lines = emit_yaml(data).splitlines()
    assert lines.count("  a: 1") == 1 and lines.count("- a: 1") == 3  # y's (no `- ` on it), and the items'
