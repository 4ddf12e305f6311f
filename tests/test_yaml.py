from pathlib import Path

import pytest

from rstar_spec.core.errors import SpecLoadError
from rstar_spec.core.yaml_io import dump_json, dump_yaml, load_yaml, parse_yaml, write_atomic


def test_positions_of_keys_and_items() -> None:
    doc = parse_yaml("a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\n", Path("f.yaml"))
    assert doc.marks[("a",)] == (1, 1)
    assert doc.marks[("a", "b")] == (2, 3)
    assert doc.marks[("a", "c", "1")] == (5, 7)
    assert doc.location(("a", "c", "1", "d", "nowhere")).line == 5


def test_timestamps_and_keys_stay_strings() -> None:
    doc = parse_yaml("200:\n  born: 1990-04-12\n  at: 2026-01-15T09:30:00Z\n  n: 3\n", Path("f.yaml"))
    assert doc.data == {"200": {"born": "1990-04-12", "at": "2026-01-15T09:30:00Z", "n": 3}}


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 3),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys", 3),
        ("a: [1, 2\n", "invalid YAML", 2),
        ("a: b: c\n", "invalid YAML: mapping values are not allowed", 1),
        ("? [a]\n: 1\n", "mapping key must be a string", 1),
        ("a: 1\n---\nb: 2\n", "but found another document", 2),
        # a tag asking for a type the value cannot be (a traceback before, found by a review)
        ("a: 1\nb: !!bool maybe\n", "not a value JSON can say", 2),
        ("a: [x,\n  y, !!bool '']\n", "not a value JSON can say", 2),
        ("a: !!bool\n", "not a value JSON can say", 1),
    ],
)
def test_bad_yaml_is_one_error_with_its_line(text: str, message: str, line: int) -> None:
    with pytest.raises(SpecLoadError) as info:
        parse_yaml(text, Path("bad.yaml"))
    assert message in info.value.message
    assert info.value.location is not None and info.value.location.line == line


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(SpecLoadError, match="recursive YAML alias"):
        parse_yaml("a: &x\n  b: *x\n", Path("f.yaml"))


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(SpecLoadError, match="not UTF-8") as info:
        load_yaml(path)
    assert info.value.location is not None and info.value.location.line == 2


def test_dump_is_plain_and_stable() -> None:
    shared = {"k": "v"}
    data = {"z": 1, "a": "two\nlines\n", "s1": shared, "s2": shared}
    text = dump_yaml(data)
    assert text.index("z:") < text.index("a:")  # source order kept, not sorted
    assert "&" not in text and "*" not in text  # no anchors for shared nodes
    assert "a: |\n  two\n  lines\n" in text
    assert dump_json({"é": 1}) == '{\n  "é": 1\n}\n'


def test_write_atomic_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old", encoding="utf-8")

    with pytest.raises(TypeError):
        write_atomic(target, 42)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_a_spec_whose_files_add_up_past_the_size_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rstar_spec.oas import bundle as bundle_module

    (tmp_path / "paths").mkdir()
    (tmp_path / "openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n"
        + "".join(f"  /p{i}:\n    $ref: paths/p{i}.yaml\n" for i in range(5)),
        encoding="utf-8",
    )
    for i in range(5):
        (tmp_path / "paths" / f"p{i}.yaml").write_text("get:\n  responses: {}\n" + "# pad\n" * 40, encoding="utf-8")
    monkeypatch.setattr(bundle_module, "MAX_INPUT_BYTES", 600)
    with pytest.raises(SpecLoadError, match=r"the files of this spec add up to more than"):
        bundle_module.bundle(tmp_path / "openapi.yaml")


# -- YAML 1.2 core schema (10.3.2): what OpenAPI 3.1 documents are written in ---------------------------------
CORE_SCALARS = [
    ("18:00", "18:00"),  # a sexagesimal integer only to YAML 1.1
    ("1:30:00", "1:30:00"),
    ("no", "no"),
    ("NO", "NO"),
    ("yes", "yes"),
    ("Yes", "Yes"),
    ("off", "off"),
    ("on", "on"),
    ("y", "y"),
    ("n", "n"),
    ("1_000", "1_000"),
    ("017", 17),  # decimal in the core schema; octal is 0o17
    ("0o17", 15),
    ("0x1F", 31),
    ("-017", -17),
    ("+1", 1),
    ("0b11", "0b11"),  # binary only to YAML 1.1
    ("-0x1F", "-0x1F"),  # the core schema's octal and hex take no sign
    ("1e3", 1000.0),  # a float to YAML 1.2, a string to YAML 1.1
    ("1E+3", 1000.0),
    ("1.", 1.0),
    (".5", 0.5),
    ("-.5", -0.5),
    ("True", True),
    ("FALSE", False),
    ("NULL", None),
    ("~", None),
    ("=", "="),
    ("inf", "inf"),  # the core schema's infinity is .inf
    ("nan", "nan"),
    ("Infinity", "Infinity"),
    ("-inf", "-inf"),
    ("infinity", "infinity"),
    ("2026-01-15", "2026-01-15"),  # no timestamps in the core schema
]


@pytest.mark.parametrize(("text", "value"), CORE_SCALARS)
def test_plain_scalars_resolve_as_the_yaml_1_2_core_schema_says(text: str, value: object) -> None:
    for document, expected in (
        (f"v: {text}\n", {"v": value}),
        (f"- {text}\n", [value]),
        (f"k: [{text}, {text}]\n", {"k": [value, value]}),
    ):
        data = parse_yaml(document, Path("f.yaml")).data
        assert data == expected, document
        assert [type(v) for v in _leaves(data)] == [type(v) for v in _leaves(expected)], document


@pytest.mark.parametrize("text", ["inf", "nan", ".NaN", "18:00", "yes", "1e3", "017"])
def test_keys_are_the_text_written(text: str) -> None:
    assert parse_yaml(f"{text}: 1\n", Path("f.yaml")).data == {text: 1}


@pytest.mark.parametrize("text", [".inf", "-.Inf", ".NaN", ".NAN", "1e999"])
def test_infinity_and_nan_are_refused_with_their_place(text: str) -> None:
    with pytest.raises(SpecLoadError, match="JSON can say") as info:
        parse_yaml(f"a: 1\nb: {text}\n", Path("f.yaml"))
    assert info.value.location is not None and info.value.location.line == 2


def test_json_files_read_as_json_does(tmp_path: Path) -> None:
    import json

    text = '{"a": 1e3, "b": -0, "c": "017", "d": 1E+2, "e": [0.5, -1.25e-3, 18, true, null], "f": "yes"}'
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    assert load_yaml(path).data == json.loads(text)
    assert [type(v) for v in _leaves(load_yaml(path).data)] == [type(v) for v in _leaves(json.loads(text))]


def _leaves(data: object) -> list[object]:
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in _leaves(value)]
    if isinstance(data, list):
        return [leaf for value in data for leaf in _leaves(value)]
    return [data]
