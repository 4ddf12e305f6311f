"""The native YAML reader (rapidyaml) answers only what the positional reader (PyYAML) would answer.

Property: for any text, `native_data` either steps aside (NOT_NATIVE) or returns exactly the data
of the positional loader; and where the positional loader refuses a file, the native one never
accepts it.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TRICKY, json_values
from rstar_spec.core._native import NOT_NATIVE, native_data, native_reading
from rstar_spec.core._native_marks import NativeMarks, Unsure
from rstar_spec.core.errors import SpecLoadError
from rstar_spec.core.yaml_io import _positional, load_yaml, parse_yaml
from rstar_spec.oas.walk import iter_refs

ROOT = Path(__file__).resolve().parent.parent


keys = st.one_of(st.sampled_from(["a", "b", "200", "x-y", "$ref", "yes", "1", "on", "default"]), st.text(max_size=6))
values = json_values(st.one_of(st.sampled_from(TRICKY), st.text(max_size=12)), keys)
styles = st.sampled_from([None, "'", '"', "|", ">"])


def _same_or_aside(text: str) -> None:
    native = native_data(text)
    try:
        expected: Any = _positional(text, Path("t.yaml")).data
    except SpecLoadError:
        assert native is NOT_NATIVE, f"native accepted what the positional loader refuses: {text!r}"
        return
    if native is not NOT_NATIVE:
        assert json.dumps(native, sort_keys=True) == json.dumps(expected, sort_keys=True), text
        assert native == expected, text
        assert native_reading(text).refs == {ref for _, ref in iter_refs(expected)}, text  # the bundler's, in C


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.booleans(), st.booleans())
def test_dumped_documents_read_the_same(data: Any, flow: bool, canonical_width: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=20 if canonical_width else 80)
    _same_or_aside(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(keys, st.sampled_from(TRICKY), styles), min_size=1, max_size=6))
def test_hand_written_scalars_read_the_same(entries: list[tuple[str, str, str | None]]) -> None:
    lines = []
    for key, value, style in entries:
        if style in ("|", ">"):
            body = "\n".join("  " + line for line in value.splitlines() or [""])
            lines.append(f"{json.dumps(key)}: {style}\n{body}")
        elif style is None:
            lines.append(f"{json.dumps(key)}: {value}")
        else:
            quoted = json.dumps(value) if style == '"' else "'" + value.replace("'", "''") + "'"
            lines.append(f"{json.dumps(key)}: {quoted}")
    _same_or_aside("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key: refused, with its place
        "<<: {a: 1}\n",  # merge key
        "a: &x 1\nb: &x 2\nc: *x\n",  # a duplicate anchor (PyYAML refuses it)
        "a: *x\nb: &x 1\n",  # an alias before its anchor
        "a: &x [1, *x]\n",  # an alias inside the node it names
        "&k a: 1\nb: *k\n",  # an anchor on a key
        "a: &x 1\n*x : 2\n",  # an alias as a key
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(6)),
        "a: !!str 1\n",  # tag
        "a: 1\n---\nb: 2\n",  # two documents
        "\ufeffa: 1\n",  # byte order mark
        "a: b: c\n",  # invalid YAML
        "[" * 100 + "]" * 100,  # deeper than MAX_DEPTH
        "a: 017\n",  # 17 to the core schema, "017" to rapidyaml's JSON
        "a: 0o17\n",
        "a: True\n",
        "a: 0E3\n",  # a float, quoted by rapidyaml's JSON
        "a: [nan, .NaN]\n",  # ".nan" in rapidyaml's JSON for both: which was which cannot be told
        "a: [inf, infinity]\n",
        "a: inf\nb: '.inf'\n",
        'a: inf\nb: ".\\\n  inf"\n',  # ".inf" in two lines
        'a: inf\nb: "\\x2einf"\n',  # and by its code
        "k: [:x]\n",  # a plain scalar to YAML 1.2, refused by libyaml
        "{k: x, m: a #b}\n",  # a comment in flow context: rapidyaml kept it in the scalar
        "k: [?, y]\n",  # an explicit key in flow context to PyYAML, a string to rapidyaml
        "%pc: line\nbreak\n",  # a directive
        "&a: y\n",  # an anchor `a` on an empty key to PyYAML, `a:` on the value to rapidyaml
        ": 3.14\n",  # a null key
        "- :\n",
        "a:\n  - x\n  - \n",  # an empty plain scalar
        "a: null\nb:\nc: |\n  x  # y\n",  # an empty one beside a null written `null`
        "a: [x #y, null]\n",  # a comment in flow context, beside a null
        "{a #b: 1, c: 'd #e'}\n",  # in a key
        "a: 0x1F\n",
        # a surrogate written as an escape (PyYAML refuses it), beside text that is not ASCII
        'a: "\\ud800"\nb: é\n',
        'a: ["\\U0000dc00", ü]\n',
        # numbers the positional loader refuses (a sign counts as a digit), a key twice below the top
        "a: " + "9" * 4301 + "\n",
        "a: [-" + "9" * 4300 + "]\n",
        "a: {b: 1e999}\n",
        "a:\n  - {x: 1, y: 2, x: 3}\n",
        # an odd key whose value is an alias (resolving the alias restyles its entry), found by a review
        "'k': &a v\n@x: *a\n",
        "'k': &a [1]\n: *a\n",
        "{'k': &a v, a #b: *a\n}\n",
        "- &a v\n- {: *a}\n",
        # a tag or an anchor in a flow collection over three lines or more
        'a: [x,\n  y\n  z, !!int "4"]\n',
        "a: [x,  # c\n  y,  # d\n  z, !!str 4]\n",
        "a: [x,\n  y\n  z, &a.b 4]\n",
        # `?` in a plain scalar of a flow collection: an explicit key to libyaml
        "k: [?y]\n",
        "{?x: 1}\n",
        "[a:?b]\n",
        # characters libyaml does not take
        "a: b\x0cc\n",
        "a: b\x7fc\n",
        "a: b\x80c\n",
        "a: b\ufffec\n",
        # folding rapidyaml does otherwise: an escaped line break before a blank line, an indentation indicator
        'a: "x\\\n\n  y"\n',
        "a: >1\n   \nb: 1\n",
        "a: |2\n   \n  x\nb: 1\n",
        # rapidyaml takes a node after an alias or an anchor on its line, which PyYAML refuses
        "x: &a 1\ny:\n- *a - b\n",
        "a: &x 1\nb:\n  - *x - c\n",
        "- &x -\n",
        "a: &x 1\nb: [*x : c]\n",
    ],
)
def test_what_the_native_reader_leaves_to_the_positional_one(text: str) -> None:
    assert native_data(text) is NOT_NATIVE
    _same_or_aside(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(values, min_size=1, max_size=4), st.lists(st.integers(0, 3), min_size=1, max_size=8), st.booleans())
def test_documents_with_anchors_and_aliases_read_and_place_the_same(
    shared: list[Any], uses: list[int], flow: bool
) -> None:
    # PyYAML writes a value that stands in several places once, with an anchor, and an alias elsewhere
    data = {"shared": shared, "uses": [shared[i % len(shared)] for i in uses], "nested": {"again": shared[0]}}
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    _same_or_aside(text)
    _same_places_or_aside(text)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: 1e3\nb: [18:00, no, 1_000, 1E-2, .5, -0]\n", {"a": 1000.0, "b": ["18:00", "no", "1_000", 0.01, 0.5, 0]}),
        ("open: 18:00\nclosed: [NO, off, yes]\n", {"open": "18:00", "closed": ["NO", "off", "yes"]}),
        # rapidyaml's JSON writes these ".inf" and ".nan": written back when the text says from what
        (
            "a: [inf, -inf]\nnan: inf\n'inf': x\nb: \"inf\"\n",
            {"a": ["inf", "-inf"], "nan": "inf", "inf": "x", "b": "inf"},
        ),
        # put back in the data at any depth, keys in their order, and in the $refs the bundler is handed
        (
            "x:\n  a: 1\n  inf: {inf: inf, z: [nan, {nan: 2}]}\n  b: 2\ny: {$ref: inf}\n",
            {"x": {"a": 1, "inf": {"inf": "inf", "z": ["nan", {"nan": 2}]}, "b": 2}, "y": {"$ref": "inf"}},
        ),
        ("inf\n", "inf"),
    ],
)
def test_yaml_1_2_scalars_are_read_natively(text: str, data: Any) -> None:
    assert native_data(text) == data
    assert json.dumps(native_data(text)) == json.dumps(data)  # (keys in their order)
    assert native_reading(text).refs == {ref for _, ref in iter_refs(data)}
    _same_or_aside(text)


_PLAIN_PARTS = st.sampled_from(
    [*"0123456789.-+eEoxXbinfaINFtTyY_:~", "inf", "nan", "Infinity", "NaN", "true", "True", "null", "0x", "0o", "1e3"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(_PLAIN_PARTS, min_size=1, max_size=4).map("".join), min_size=1, max_size=4),
    st.sampled_from(["v: {}\n", "{}: 1\n", "- [{}, x]\n", "- {}\n", "{{k: {}}}\n"]),
)
def test_plain_scalars_of_numbers_and_words_read_the_same(texts: list[str], form: str) -> None:
    # the scalars where YAML 1.1, the 1.2 core schema and rapidyaml's JSON part ways: each reader the same, or aside
    entries = [
        form.format(text) if form.startswith("-") else f"r{i}:\n  {form.format(text)}" for i, text in enumerate(texts)
    ]
    _same_or_aside("".join(entries))


def test_an_alias_of_a_value_is_read_natively() -> None:
    text = "a: &x {k: v, l: [1, 2]}\nb: *x\nc:\n  - *x\n  - &y [1]\n  - *y\n"
    assert native_data(text) == {"a": {"k": "v", "l": [1, 2]}, "b": {"k": "v", "l": [1, 2]}, "c": [
        {"k": "v", "l": [1, 2]}, [1], [1]]}  # fmt: skip
    assert _same_places_or_aside(text) == len(_positional(text, Path("t.yaml")).marks)


def test_every_file_of_the_repository_reads_natively_and_the_same() -> None:
    files = [*ROOT.glob("spec/**/*.yaml"), *ROOT.glob("overlays/*.yaml"), *ROOT.glob("generated/openapi/*.yaml")]
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        native = native_data(text)
        assert native is not NOT_NATIVE, f"{path} fell back to the positional loader"
        assert native == _positional(text, path).data, path
        assert native_reading(text).refs == {ref for _, ref in iter_refs(native)}, path


def test_positions_are_computed_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a:\n  b: 1\n  c:\n    - x\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc._marks is None  # read natively, no positions yet
    assert doc.location(("a", "c", "0")).line == 4
    assert doc.marks[("a", "b")] == (2, 3)


def test_a_native_reading_keeps_timestamps_as_strings() -> None:
    doc = parse_yaml("born: 1990-04-12\nat: 2026-01-15T09:30:00Z\n", Path("f.yaml"))
    assert doc.data == {"born": "1990-04-12", "at": "2026-01-15T09:30:00Z"}


# -- positions: the native place of every node is the positional loader's, or the native one steps aside --


def _same_places_or_aside(text: str) -> int:
    """Every pointer the positional loader places is placed the same natively, or left to it (UNSURE), by a
    tree parsed for the places and by the tree the reader parsed (when it hands one on); returns how many were
    placed natively."""
    reading = native_reading(text)
    if reading.data is NOT_NATIVE:
        return 0
    expected = _positional(text, Path("t.yaml")).marks
    counts = []
    for parsed in (None, reading.parsed) if reading.parsed is not None else (None,):
        marks = NativeMarks(text, aliases=reading.aliases, parsed=parsed)
        placed = 0
        for pointer, mark in expected.items():
            try:
                native = marks.mark(pointer)
            except Unsure:
                continue
            assert native == mark, (text, pointer)
            placed += 1
            for missing in ((*pointer, "nope"), (*pointer, "99"), (*pointer, "01")):
                if missing not in expected:
                    with contextlib.suppress(Unsure):
                        assert marks.mark(missing) is None, (text, missing)
        counts.append(placed)
    assert len(set(counts)) == 1, text
    return counts[0]


def test_the_places_are_read_from_the_tree_the_reader_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a lint of a big description used to parse it twice (0.026 s of Stripe's)
    from rstar_spec.core import _native, _native_marks

    parses = []
    real = _native.parse_in_place

    def counted(text: bytes) -> Any:
        parses.append(len(text))
        return real(text)

    monkeypatch.setattr(_native, "parse_in_place", counted)
    monkeypatch.setattr(_native_marks, "parse_in_place", counted)
    path = tmp_path / "f.yaml"
    path.write_text("a:\n  b: 1\n  c:\n    - x\n    - 'y'\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc.location(("a", "c", "1")).line == 5
    assert doc.location(("a", "b")).col == 3
    assert len(parses) == 1
    # aliases resolved in the reader's tree: the places parse the text as written again
    doc = parse_yaml("a: &x {k: v}\nb: *x\n", Path("g.yaml"))
    assert doc.location(("b",)).line == 2
    assert len(parses) == 3
    # a big text's tree (six times its size) is not kept beside its data: the places parse it when first asked
    monkeypatch.setattr(_native, "_KEPT_TREE_MAX_BYTES", 16)
    doc = load_yaml(path)
    assert doc._parsed is None and len(parses) == 4
    assert doc.location(("a", "c", "1")).line == 5
    assert len(parses) == 5


def test_numbers_at_the_bounds_read_natively() -> None:
    text = "a: -" + "9" * 4299 + "\nb: " + "9" * 4300 + "\nc: 1.7976931348623157e308\n"
    assert native_data(text) == _positional(text, Path("t.yaml")).data


@pytest.mark.parametrize(
    "text",
    [
        # what every big public description holds: nulls, comments in code samples, backticks opening prose,
        # and `&` where a node could start inside a quoted code sample (OpenAI's Go samples)
        "a: null\nb: |\n  x = 1  # one\nc: >-\n  `Source` objects\nd: ['@x', '%y', ':z', '*w']\n",
        "- '`q`'\n- null\n- {k: 'v #w'}\n",
        'go: "x := &y{}\\n\\tz: &w"\nz: &k 1\nw: *k\n',
    ],
)
def test_what_big_public_descriptions_hold_reads_natively(text: str) -> None:
    assert native_data(text) == yaml.safe_load(text)
    _same_places_or_aside(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.booleans(), st.booleans(), st.sampled_from(["", "# head\n", "\n\n"]))
def test_dumped_documents_place_every_node_the_same(data: Any, flow: bool, narrow: bool, head: str) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=20 if narrow else 80)
    _same_places_or_aside(head + text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(keys, st.sampled_from(TRICKY), styles), min_size=1, max_size=6), st.booleans())
def test_hand_written_nodes_place_the_same(entries: list[tuple[str, str, str | None]], as_items: bool) -> None:
    lines = []
    for key, value, style in entries:
        if style in ("|", ">"):
            written = style + "\n" + "\n".join("    " + line for line in value.splitlines() or [""])
        elif style == '"':
            written = json.dumps(value)
        elif style == "'":
            written = "'" + value.replace("'", "''") + "'"
        else:
            written = value
        lines.append(f"- {written}" if as_items else f"{json.dumps(key)}: {written}")
    for text in ("\n".join(lines) + "\n", "root:\n" + "".join(f"  {line}\n" for line in "\n".join(lines).split("\n"))):
        _same_places_or_aside(text)


def test_every_node_of_the_repository_is_placed_natively_and_the_same() -> None:
    # the published renderings are written by our own writer: one of them stands for all
    files = [
        *ROOT.glob("spec/**/*.yaml"),
        *ROOT.glob("overlays/*.yaml"),
        ROOT / "generated/openapi/reception-star.openapi.yaml",
    ]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _same_places_or_aside(text) == len(_positional(text, path).marks), path


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb:\n  - x\n  - 'y'\n  - \"z\"\n  - {c: d}\n  - [1, 2]\n  - - p\n    - q\n  - k: v\n    l: w\n",
        "'q': 1\n\"d\": 2\n? e\n: 3\n",
        "- |\n  block\n- >\n  folded\n- \n- ~\n-   spaced\n",
        "a: &x {k: v}\nb: *x\nc:\n  - *x\n  - &y [1]\n  - *y\n",
        "é: [ü, 'ö', {ß: 1}]\nx: \"a\\u00e9\\tb\"\n",
        "a: 1\r\nb:\r\n  - x\r\n",
        "multi: a\n  b\n  c\nnext:\n  - line one\n    line two\n  - after\n",
        # a collection whose first item is an alias starts where it does, not at the anchor (found by a review)
        "[&a x, [*a]]\n",
        "- &a x\n- - *a\n",
    ],
)
def test_places_of_awkward_nodes(text: str) -> None:
    _same_places_or_aside(text)


@pytest.mark.parametrize(
    "text",
    [
        "d: >-\n  Sources & Customers, `x`, **bold**\n\n  * `item`: one\n  * two\ne: '`quoted`'\nf: x & y\n",
        "d: |\n  if a != b {\n    *p = 1\n  }\ne: [a, '*', \"`b`\"]\n",
        "d: plain text\n  that goes on, `x`\n  *and on*\n",
        # a comment in a code sample, and nulls written `null`: OpenAI's description (no walk of every node)
        "d: |\n  x = f(y)  # the default\ne: null\nf: [null, {g: null}]\n\"h #i\": 'j #k'\n",
    ],
)
def test_prose_with_indicator_characters_is_read_natively(text: str) -> None:
    # `*`, `&`, `!` and backticks inside scalars are text: no need for the positional loader (Stripe's descriptions)
    assert native_data(text) is not NOT_NATIVE
    _same_or_aside(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n&x b: 2\n",  # an anchor on a key at a line's start
        "a: &x 1\nb: [1,\n  *x]\n",  # an alias after a flow separator on the line before
        "a: &x 1\nb:\n  *x\n",  # an alias alone on the line after its key
        "a: |\n  text\n&x b: 2\n",  # after a block scalar, a key again
        "- *a - b\n",  # rapidyaml splits what libyaml refuses
        "a: `x`\n",  # a reserved indicator starting a plain scalar
        "a:\n  `x`\n",
        "a: [`x`]\n",
        "a: x\n? b\n: 1\n",
        "top: [\n  x\n  , !t y\n  ]\n",  # flow collections written one entry a line
        "top: [\n  c, d\n  , *a\n  ]\n",
        "k: {\n  x: a #b\n  }\n",  # a comment in a flow mapping over lines: rapidyaml keeps it in the scalar
        'k: ["d\\": null", y]\n',  # a JSON key and null written inside a string
        "- 'q' !t\n",  # a tag after a scalar
        "- *a !t\n",
    ],
)
def test_indicator_characters_where_a_node_starts_are_left_or_read_the_same(text: str) -> None:
    _same_or_aside(text)
    _same_places_or_aside(text)
