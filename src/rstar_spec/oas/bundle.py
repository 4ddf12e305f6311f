"""Bundling: the split source spec joined into one self-contained document.

Layout of a source spec (the directory of its root file is "spec/"):

- the root file (``openapi.yaml``) holds everything but the parts below;
- any other file may hold a node that a ``$ref`` inlines (path items, for one);
- ``components/<kind>.yaml`` is a map ``name -> component`` of one kind
  (``schemas``, ``responses``, ``parameters``, ``headers``, ``securitySchemes``...);
  every entry lands in ``#/components/<kind>/<name>``, and a ``$ref`` into the
  file becomes the internal ref to it: components stay components, nothing is
  dereferenced that a generator should see by name.

A discriminator `mapping` value may be a schema name or a reference (OpenAPI 3.1, 4.8.25):
a reference is rewritten like a `$ref`, and one to a schema outside components/ (a
mapping cannot inline) makes that schema a component, named after its pointer or file,
which every `$ref` to it then names too. A spec that is one file with internal refs
only is its own bundle, taken without a copy.

Only files inside spec/ may be referenced: a URL, a path that leaves spec/, a
missing file or a pointer that finds nothing is a RefError naming the referring
file and line. Key order is the source's, components keep the file's order, so
the same sources give the same bytes.

The bundle keeps a source map (bundle pointer prefix -> source file and pointer)
so that lint can report problems where the author will fix them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.errors import BundleError, Location, RefError, SpecLoadError
from ..core.limits import MAX_INPUT_BYTES
from ..core.pointer import KeyPointer, Pointer, from_fragment, get, to_ref, to_string
from ..core.yaml_io import YamlDoc, dump_for, load_yaml
from .walk import iter_refs

COMPONENT_KINDS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
)
COMPONENTS_DIR = "components"
_SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_NOWHERE = object()
_MAPPING_KEY = re.compile(r"""["']?[ \t]*:""")  # after the word: a key's colon


def _has_mapping_key(text: str) -> bool:
    """Whether a `mapping` key may stand in text (the word found in C, its place checked where it is)."""
    i = text.find("mapping")
    while i != -1:
        j = i - 1
        while j >= 0 and text[j] in " \t\"'":
            j -= 1
        if (j < 0 or text[j] in "\n{,-?") and _MAPPING_KEY.match(text, i + 7):
            return True
        i = text.find("mapping", i + 1)
    return False


_COMPONENT_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")  # a component name is ^[a-zA-Z0-9.\-_]+$


@dataclass
class SourceMap:
    """Where each part of the bundle came from."""

    docs: dict[Path, YamlDoc] = field(default_factory=dict, repr=False)
    entries: dict[Pointer, tuple[Path, Pointer]] = field(default_factory=dict, repr=False)
    _located: dict[tuple[bool, Pointer], Location] = field(default_factory=dict, repr=False)
    _depths: list[int] = field(default_factory=list, repr=False)  # the lengths of the entries, longest first

    def add(self, bundle_pointer: Pointer, source: Path, source_pointer: Pointer) -> None:
        self.entries[bundle_pointer] = (source, source_pointer)
        self._depths = []

    def locate(self, pointer: Pointer) -> Location:
        """The source location of the bundle node at pointer (or of its nearest ancestor); each asked once
        (a big spec's lint places thousands of findings, several at one operation)."""
        key = (isinstance(pointer, KeyPointer), pointer)
        found = self._located.get(key)
        if found is None:
            found = self._located[key] = self._locate(pointer)
        return found

    def _locate(self, pointer: Pointer) -> Location:
        longest = len(pointer) - 1 if isinstance(pointer, KeyPointer) and pointer else len(pointer)
        if not self._depths:  # only prefixes as long as an entry can be one (one file: the root alone)
            self._depths = sorted({len(p) for p in self.entries}, reverse=True)
        for end in self._depths:
            if end > longest:
                continue
            hit = self.entries.get(pointer[:end])
            if hit is not None:
                path, prefix = hit
                return self.docs[path].location((*prefix, *pointer[end:]))
        raise LookupError(to_string(pointer))  # every node of a bundle has a source


@dataclass
class Bundle:
    """A bundled document, the root file it came from and its source map."""

    data: dict[str, Any]
    root: Path
    source_map: SourceMap

    def locate(self, pointer: Pointer) -> Location:
        return self.source_map.locate(pointer)

    def dump(self, path: Path | None = None) -> str:
        return dump_for(path, self.data)


def bundle(root_file: Path) -> Bundle:
    """Bundle the spec whose root file is root_file. Raises RstarError subclasses."""
    bundler = _Bundler(root_file)
    result = bundler.run()
    if bundler.inlined_before_hoisting:  # a $ref inlined what a mapping, read later, made a component: again
        result = _Bundler(root_file, bundler.hoisted).run()
    return result


class _Bundler:
    def __init__(self, root_file: Path, hoisted: dict[tuple[Path, Pointer], str] | None = None) -> None:
        # The folder the root file is written in, not where a link to it leads: every file read must
        # resolve inside it, links included.
        self.spec_dir = root_file.absolute().parent.resolve()
        self.root_file = root_file.resolve()
        self.components_dir = self.spec_dir / COMPONENTS_DIR
        self.source_map = SourceMap()
        self._targets: dict[tuple[Path, str], Path] = {}  # (referring dir, file part) -> checked file
        self._bytes_read = 0
        # Schemas outside components/ that a discriminator mapping names: made components (a mapping value
        # cannot inline), by (file, pointer) -> name, and what each holds once built
        self.hoisted: dict[tuple[Path, Pointer], str] = dict(hoisted or {})
        self._hoisted_schemas: dict[str, Any] = {}
        self._inlined: set[tuple[Path, Pointer]] = set()
        self.inlined_before_hoisting = False
        self._schema_names: set[str] | None = None

    # -- files -------------------------------------------------------------------------
    def load(self, path: Path) -> YamlDoc:
        doc = self.source_map.docs.get(path)
        if doc is None:
            if not path.resolve().is_relative_to(self.spec_dir):
                raise BundleError(
                    f"leads outside {self.spec_dir.name}/ (a link?): only files inside it are read", Location(path)
                )
            doc = load_yaml(path)
            self._bytes_read += path.stat().st_size
            if self._bytes_read > MAX_INPUT_BYTES:
                raise SpecLoadError(
                    f"the files of this spec add up to more than the {MAX_INPUT_BYTES // 2**20} MiB a spec may be",
                    Location(path),
                )
            self.source_map.docs[path] = doc
        return doc

    def component_kind(self, path: Path) -> str | None:
        """The component kind a file holds, or None for any other file."""
        if path.parent != self.components_dir or path.suffix not in _SPEC_SUFFIXES:
            return None
        return path.stem

    def component_files(self) -> list[Path]:
        if not self.components_dir.is_dir():
            return []
        listed = sorted(p for p in self.components_dir.iterdir() if p.suffix in _SPEC_SUFFIXES)
        for link in listed:  # named by the entry in components/, before a link is followed
            if not link.resolve().is_relative_to(self.spec_dir):
                raise BundleError(
                    f"leads outside {self.spec_dir.name}/ (a link?): only files inside it are read", Location(link)
                )
        files = [p.resolve() for p in listed]
        for path in files:
            if path.stem not in COMPONENT_KINDS:
                raise BundleError(
                    f"unknown component kind {path.stem!r}: a file in {COMPONENTS_DIR}/ is named after "
                    f"the kind it holds, one of {', '.join(COMPONENT_KINDS)}",
                    Location(path),
                )
        return files

    # -- the walk ----------------------------------------------------------------------
    def run(self) -> Bundle:
        root = self.load(self.root_file)
        if not isinstance(root.data, dict):
            raise SpecLoadError("the root of an OpenAPI document must be a mapping", Location(self.root_file))
        self.source_map.add((), self.root_file, ())
        alone = self.one_file(root)
        if alone is not None:
            return Bundle(alone, self.root_file, self.source_map)
        out: dict[str, Any] = {}
        for key, value in root.data.items():
            if key == "components":
                out[key] = {}  # keeps the root's position for components; filled below
                continue
            out[key] = self.copy(value, self.root_file, (key,), (key,), ())
        components = self.build_components(root)
        if self._hoisted_schemas:
            components.setdefault("schemas", {}).update(self._hoisted_schemas)
            components = {kind: components[kind] for kind in sorted(components, key=_kind_order)}
        if components:
            out["components"] = components
        else:
            out.pop("components", None)
        self.check_internal_refs(out)
        for doc in self.source_map.docs.values():
            doc.data = None  # the bundle is a copy; the source map keeps only what places need (the text)
        return Bundle(out, self.root_file, self.source_map)

    def one_file(self, root: YamlDoc) -> dict[str, Any] | None:
        """The bundle of a spec that is one file with internal refs only, or None (then it is copied node by
        node). Such a file is its own bundle: its data is taken as it is (components in OpenAPI's order), with
        no copy, once its refs (which the native reader found in C) are known to be written as the copy would
        write them and to point somewhere."""
        data: dict[str, Any] = root.data
        if self.component_files() or self.hoisted or root.text is None or _has_mapping_key(root.text):
            return None  # a discriminator mapping's references are translated by the copy
        components = data.get("components")
        if components is not None and not (
            isinstance(components, dict)
            and all(isinstance(entries, dict) for kind, entries in components.items() if kind in COMPONENT_KINDS)
        ):
            return None  # the copy says what is wrong, at its place
        refs = root.refs if root.refs is not None else {ref for _, ref in iter_refs(data)}
        for ref in refs:
            try:
                if not ref.startswith("#") or to_ref(from_fragment(ref[1:])) != ref:
                    return None
                get(data, from_fragment(ref[1:]))
            except (KeyError, ValueError):
                return None  # the copy says where it points nowhere
        if components:
            data["components"] = {kind: components[kind] for kind in sorted(components, key=_kind_order)}
        else:
            data.pop("components", None)
        root.data = None  # the bundle holds it; the source map keeps only what places need (the text)
        return data

    def build_components(self, root: YamlDoc) -> dict[str, Any]:
        local = root.data.get("components") or {}
        if not isinstance(local, dict):
            raise BundleError("components must be a mapping", root.location(("components",)))
        merged: dict[str, dict[str, Any]] = {}
        for kind, entries in local.items():
            if kind in COMPONENT_KINDS and not isinstance(entries, dict):
                raise BundleError(f"components.{kind} must be a mapping", root.location(("components", kind)))
            merged[kind] = (
                {
                    name: self.copy(v, self.root_file, ("components", kind, name), ("components", kind, name), ())
                    for name, v in entries.items()
                }
                if isinstance(entries, dict)
                else entries
            )
        for path in self.component_files():
            kind = path.stem
            doc = self.load(path)
            if doc.data is None:
                continue
            if not isinstance(doc.data, dict):
                raise BundleError(f"a component file must be a mapping of name -> {kind[:-1]}", Location(path))
            target = merged.setdefault(kind, {})
            for name, value in doc.data.items():
                if name in target:
                    raise BundleError(
                        f"component {kind}/{name} is defined twice (also in {root.location(('components', kind, name))})",
                        doc.location((name,)),
                    )
                dst = ("components", kind, name)
                self.source_map.add(dst, path, (name,))
                target[name] = self.copy(value, path, (name,), dst, ())
        return {kind: merged[kind] for kind in sorted(merged, key=_kind_order)}

    def copy(
        self, node: Any, path: Path, src: Pointer, dst: Pointer, inlining: tuple[tuple[Path, Pointer], ...]
    ) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                return self.follow(node, ref, path, src, dst, inlining)
            out = {}
            for key, value in node.items():
                if key == "mapping" and src and src[-1] == "discriminator" and isinstance(value, dict):
                    out[key] = {k: self.mapping_ref(v, path, (*src, key, k)) for k, v in value.items()}
                else:
                    out[key] = self.copy(value, path, (*src, key), (*dst, key), inlining)
            return out
        if isinstance(node, list):
            return [self.copy(item, path, (*src, str(i)), (*dst, str(i)), inlining) for i, item in enumerate(node)]
        return node

    def mapping_ref(self, value: Any, path: Path, src: Pointer) -> Any:
        """A discriminator mapping value is a schema name or a reference (OpenAPI 3.1, 4.8.25): a reference is
        rewritten like a $ref, and one to a schema that is no component makes it one (a mapping cannot inline)."""
        if not isinstance(value, str) or ("#" not in value and not value.endswith(_SPEC_SUFFIXES)):
            return value
        target_path, pointer = self.resolve_ref(value, path, src)
        translated = self.internal_pointer(target_path, pointer)
        if translated is None:
            if self.component_kind(target_path) is not None:
                raise RefError(
                    f"discriminator mapping {value!r} names a whole component file: add the component, "
                    f"e.g. {value}#/Name",
                    self.load(path).location(src),
                )
            translated = ("components", "schemas", self.hoist(target_path, pointer))
        return to_ref(translated)

    def hoist(self, target: Path, pointer: Pointer) -> str:
        """The component name of the schema at (target, pointer), made a component on first use."""
        key = (target, pointer)
        name = self.hoisted.get(key)
        if name is None:
            name = self.hoisted[key] = self.new_schema_name(target, pointer)
            self.inlined_before_hoisting |= key in self._inlined
        if name not in self._hoisted_schemas:
            self._hoisted_schemas[name] = None  # taken before it is built: a $ref to itself inside is a $ref
            dst = ("components", "schemas", name)
            self.source_map.add(dst, target, pointer)
            self._hoisted_schemas[name] = self.copy(get(self.load(target).data, pointer), target, pointer, dst, ())
        return name

    def new_schema_name(self, target: Path, pointer: Pointer) -> str:
        """A component name for a schema of another file: the pointer's last token, or the file's name, made a
        name OpenAPI allows and unique among the spec's schemas (`_2`, `_3`... when taken)."""
        if self._schema_names is None:
            self._schema_names = set(self.hoisted.values())
            root = self.load(self.root_file).data.get("components")
            if isinstance(root, dict) and isinstance(root.get("schemas"), dict):
                self._schema_names |= set(root["schemas"])
            for path in self.component_files():
                data = self.load(path).data if path.stem == "schemas" else None
                self._schema_names |= set(data) if isinstance(data, dict) else set()
        base = _COMPONENT_NAME_UNSAFE.sub("_", pointer[-1] if pointer else target.stem) or "Schema"
        name, n = base, 1
        while name in self._schema_names:
            n += 1
            name = f"{base}_{n}"
        self._schema_names.add(name)
        return name

    def resolve_ref(self, ref: str, path: Path, src: Pointer) -> tuple[Path, Pointer]:
        """The file and pointer a ref names, checked to exist inside spec/."""

        # Looked up only for an error: a file's positions are computed on first use.
        def where() -> Location:
            return self.load(path).location(src)

        if "\x00" in ref:  # no file name or key holds one; the OS refuses it as a path ("embedded null byte")
            raise RefError(f"$ref {ref!r} holds a NUL byte", where())
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc:
            raise RefError(f"$ref {ref!r} is a URL: only files inside {self.spec_dir.name}/ may be referenced", where())
        file_part, _, fragment = ref.partition("#")
        target = path if file_part == "" else self._targets.get((path.parent, file_part))
        if target is None:
            target = (path.parent / file_part).resolve()
            if not target.is_relative_to(self.spec_dir):
                raise RefError(
                    f"$ref {ref!r} leaves {self.spec_dir.name}/: only files inside it may be referenced", where()
                )
            if not target.is_file():
                raise RefError(f"$ref {ref!r}: file not found", where())
            self._targets[(path.parent, file_part)] = target
        try:
            pointer = from_fragment(fragment)
        except ValueError as exc:
            raise RefError(f"$ref {ref!r}: {exc}", where()) from None
        if get(self.load(target).data, pointer, _NOWHERE) is _NOWHERE:
            raise RefError(f"$ref {ref!r} points nowhere: no {to_string(pointer)!r} in {target.name}", where())
        return target, pointer

    def internal_pointer(self, target: Path, pointer: Pointer) -> Pointer | None:
        """Where the referenced node sits in the bundle, if it sits there by itself."""
        kind = self.component_kind(target)
        if kind is not None:
            return ("components", kind, *pointer) if pointer else None
        if target == self.root_file:
            return pointer
        return None

    def follow(
        self,
        node: dict[str, Any],
        ref: str,
        path: Path,
        src: Pointer,
        dst: Pointer,
        inlining: tuple[tuple[Path, Pointer], ...],
    ) -> Any:
        ref_src = (*src, "$ref")
        target, pointer = self.resolve_ref(ref, path, ref_src)
        internal = self.internal_pointer(target, pointer)
        if internal is None and self.component_kind(target) is not None:
            raise RefError(
                f"$ref {ref!r} names a whole component file: add the component, e.g. {ref}#/Name",
                self.load(path).location(ref_src),
            )
        siblings = {k: self.copy(v, path, (*src, k), (*dst, k), inlining) for k, v in node.items() if k != "$ref"}
        key = (target, pointer)
        if internal is None and key in self.hoisted:  # a schema a discriminator mapping made a component
            internal = ("components", "schemas", self.hoist(target, pointer))
        if internal is not None:
            return {"$ref": to_ref(internal), **siblings}
        self._inlined.add(key)
        if key in inlining:
            raise RefError(
                f"$ref {ref!r} is circular; only refs to components may form a cycle",
                self.load(path).location(ref_src),
            )
        self.source_map.add(dst, target, pointer)
        for sibling in siblings:
            self.source_map.add((*dst, sibling), path, (*src, sibling))
        inlined = self.copy(get(self.load(target).data, pointer), target, pointer, dst, (*inlining, key))
        if siblings and isinstance(inlined, dict):
            inlined.update(siblings)  # Reference Object siblings (summary, description) win
        return inlined

    def check_internal_refs(self, out: dict[str, Any]) -> None:
        """Every internal ref of the bundle points at something in it (each written ref looked up once)."""
        found: set[str] = set()
        for pointer, ref in iter_refs(out):
            if not ref.startswith("#") or ref in found:
                continue
            try:
                get(out, from_fragment(ref[1:]))
            except (KeyError, ValueError):
                raise RefError(f"$ref {ref!r} points nowhere in the bundle", self.source_map.locate(pointer)) from None
            found.add(ref)


def _kind_order(kind: str) -> tuple[int, str]:
    return (COMPONENT_KINDS.index(kind) if kind in COMPONENT_KINDS else len(COMPONENT_KINDS), kind)
