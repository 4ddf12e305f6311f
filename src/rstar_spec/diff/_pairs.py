"""Two schemas compared once per pair, however many places use them.

A pair is (old schema, new schema, context): the context is the direction the values travel (``request``,
``response``), and whether they travel as text (``request-text``: a parameter, a form field). Each pair is compared once, to
what changed in its own keywords (``Found``) and the pairs below it (properties, items, map values,
oneOf/anyOf branches). A use of a pair (an operation's body, a parameter, a response) reports what was
found in every pair it reaches, each once, under the shortest path that reaches it; pairs that reach no
change are never walked. Memory is the number of pairs, not the number of paths (Stripe's schemas reach
each other through millions of paths).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.pointer import Pointer
from ..oas.schemas import mapping_of
from ._schemas import Schemas, Types, View, flag

Key = tuple[Pointer, Pointer, str, bool]  # old schema, new schema, context, types already compared above
# A context is the direction a value travels, and "-text" when it travels as text (a parameter, a form
# field, XML): there a string takes every integer, number and boolean a client or server spelled.
REQUEST, RESPONSE, PARAMETER = "request", "response", "request-text"

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains")
# JSON Schema keywords whose value is a schema the values must (or, for `not`, must not) also match
_SUBSCHEMAS = ("contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema", "then",
               "else", "not")  # fmt: skip
_SUBSCHEMA_MAPS = ("patternProperties", "dependentSchemas")
_SAME_OR_CHANGED = ("if", "contentMediaType", "contentEncoding")  # neither wider nor narrower when they change
_ANY_TEXT = frozenset({"", ".*", "^.*", ".*$", "^.*$", "[\\s\\S]*", "^[\\s\\S]*$"})  # what every string matches
_TEXT = frozenset({"integer", "number", "boolean"})  # what a parameter's text may spell


@dataclass(frozen=True)
class Found:
    """A change in one pair's own keywords: under rule, described by message, at pointer of the new document
    (or of the old one, for what was removed)."""

    rule: str
    message: str
    new_side: bool
    pointer: Pointer


@dataclass
class _Pair:
    found: list[Found] = field(default_factory=list)
    children: list[tuple[str, Key]] = field(default_factory=list)  # (label step, pair below)


class PairGraph:
    def __init__(self, old: Schemas, new: Schemas) -> None:
        self.old, self.new = old, new
        self.pairs: dict[Key, _Pair] = {}
        self._pending: list[tuple[Key, View, View]] = []
        self._dirty: set[Key] | None = None
        self._reports: dict[Key, list[tuple[str, Found]]] = {}

    # -- building ---------------------------------------------------------------------------------------
    def root(self, old: Any, old_pointer: Pointer, new: Any, new_pointer: Pointer, context: str) -> Key | None:
        """The pair of the schemas written at old_pointer and new_pointer, compared with every pair below it."""
        o, n = self.old.view(old, old_pointer), self.new.view(new, new_pointer)
        if o is None or n is None:
            return None
        key = self._key(o, n, context, False)
        while self._pending:
            pending, ov, nv = self._pending.pop()
            self._compare(self.pairs[pending], ov, nv, pending[2], pending[3])
        self._dirty = None
        return key

    def _key(self, o: View, n: View, context: str, types_done: bool) -> Key:
        key = (o.pointer, n.pointer, context, types_done)
        if key not in self.pairs:
            self.pairs[key] = _Pair()
            self._pending.append((key, o, n))
        return key

    # -- reporting --------------------------------------------------------------------------------------
    def report(self, key: Key) -> list[tuple[str, Found]]:
        """(label step from the use, change) for every change the pair reaches, each once, breadth first."""
        if self._dirty is None:
            self._dirty, self._reports = self._reaching_a_change(), {}
        cached = self._reports.get(key)
        if cached is None:
            cached = []
            seen, queue = {key}, deque([(key, "")])
            while queue:
                at, label = queue.popleft()
                pair = self.pairs[at]
                cached += [(label, found) for found in pair.found]
                for step, child in pair.children:
                    if child in self._dirty and child not in seen:
                        seen.add(child)
                        queue.append((child, label + step))
            self._reports[key] = cached
        return cached

    def _reaching_a_change(self) -> set[Key]:
        parents: dict[Key, list[Key]] = {}
        for key, pair in self.pairs.items():
            for _, child in pair.children:
                parents.setdefault(child, []).append(key)
        dirty = {key for key, pair in self.pairs.items() if pair.found}
        stack = list(dirty)
        while stack:
            for parent in parents.get(stack.pop(), ()):
                if parent not in dirty:
                    dirty.add(parent)
                    stack.append(parent)
        return dirty

    # -- one pair -------------------------------------------------------------------------------------------
    def _compare(self, pair: _Pair, o: View, n: View, context: str, types_done: bool) -> None:
        direction = _direction(context)

        def add(rule: str, message: str, pointer: Pointer | None = None, new_side: bool = True) -> None:
            pair.found.append(Found(rule, message, new_side, pointer if pointer is not None else n.pointer))

        old_types, new_types = self.old.types(o), self.new.types(n)
        typed = old_types is not None and new_types is not None
        type_changed = False
        if typed and not types_done and old_types != new_types:
            assert old_types is not None and new_types is not None
            text = context.endswith("-text")
            wider, narrower = _covers(new_types, old_types, text), _covers(old_types, new_types, text)
            items = self._items_taking(n, old_types) if text and not wider else None
            if items is not None:  # a single value is an array of one, as text travels (?q=5, X-Ids: 5)
                add("request-type-widened" if direction == REQUEST else "response-type-changed",
                    f"type {_names(old_types)} -> array of {_names(self.new.types(items) or frozenset())}")  # fmt: skip
                pair.children.append(("[]", self._key(o, items, context, True)))
                return
            harmless = wider if direction == REQUEST else narrower
            rule = ("request-type-widened" if harmless else "request-type-changed") if direction == REQUEST else (
                "response-type-narrowed" if harmless else "response-type-changed")  # fmt: skip
            add(rule, f"type {_names(old_types)} -> {_names(new_types)}")
            type_changed = True
            if not (wider or narrower or _non_null(old_types) & _non_null(new_types)):
                return  # another kind of value altogether: its keywords do not compare
        if o.branches is not None or n.branches is not None:
            self._branches(pair, o, n, context, typed, type_changed, add)
            if o.branches is None or n.branches is None:
                return  # the plain side was compared with its branch
        self._enums(direction, o, n, add)
        self._extensible(direction, o, n, add)
        self._bounds(direction, o, n, add)
        self._properties(pair, direction, context, o, n, add)
        old_items, new_items = o.schema.get("items"), n.schema.get("items")
        if isinstance(old_items, dict) and isinstance(new_items, dict):
            self._child(pair, "[]", context, old_items, o.place("items"), new_items, n.place("items"))
        self._additional(pair, direction, context, o, n, add)
        self._constraints(pair, direction, context, o, n, add)

    def _items_taking(self, n: View, old_types: Types) -> View | None:
        """The items of n when n is an array whose items take every scalar value of old_types."""
        if "array" in old_types or "array" not in (self.new.types(n) or ()):
            return None
        items = (
            self.new.view(n.schema.get("items"), n.place("items")) if isinstance(n.schema.get("items"), dict) else None
        )
        item_types = self.new.types(items) if items is not None else None
        return items if item_types is not None and _covers(item_types, old_types, True) else None

    def _constraints(
        self, pair: _Pair, direction: str, context: str, o: View, n: View, add: Callable[..., None]
    ) -> None:
        """The other JSON Schema keywords that hold a value to more: one added narrows what is valid (breaks
        a request), one removed widens it (breaks a response); a subschema of both is compared as any
        other (a `not`'s the other way round: what it takes more of, the schema takes less of)."""

        def presence(key: str, before: Any, after: Any, pointer: Pointer) -> None:
            if before is None and after is not None:
                add(f"{direction}-constraint-added", f"{key} added", pointer)
            elif before is not None and after is None:
                add(f"{direction}-constraint-removed", f"{key} removed", pointer, False)

        os, ns = o.schema, n.schema
        for key in _SUBSCHEMAS:
            before, after = _constraint(os.get(key)), _constraint(ns.get(key))
            if isinstance(before, dict) and isinstance(after, dict):
                flip = _flipped(context) if key == "not" else context
                self._child(pair, f" {key}", flip, before, o.place(key), after, n.place(key))
            elif before is not None and after is not None:  # false (nothing more may come) against a schema
                if before != after:
                    narrower = after is False
                    add(f"{direction}-constraint-{'added' if narrower else 'removed'}",
                        f"{key} {_show(before)} -> {_show(after)}", n.place(key))  # fmt: skip
            else:
                presence(key, before, after, n.place(key) if after is not None else o.place(key))
        for key in _SUBSCHEMA_MAPS:
            before_map, after_map = mapping_of(os.get(key)), mapping_of(ns.get(key))
            for name in {*before_map, *after_map}:
                before, after = _constraint(before_map.get(name)), _constraint(after_map.get(name))
                if before is not None and after is not None:
                    self._child(pair, f" {key}[{name!r}]", context, before, (*o.place(key), name), after,
                                (*n.place(key), name))  # fmt: skip
                else:
                    presence(f"{key} {name!r}", before, after, n.place(key) if after is not None else o.place(key))
        before_list, after_list = os.get("prefixItems"), ns.get("prefixItems")
        before_items = before_list if isinstance(before_list, list) else []
        after_items = after_list if isinstance(after_list, list) else []
        for i in range(max(len(before_items), len(after_items))):
            before = _constraint(before_items[i]) if i < len(before_items) else None
            after = _constraint(after_items[i]) if i < len(after_items) else None
            if before is not None and after is not None:
                self._child(pair, f"[{i}]", context, before, (*o.place("prefixItems"), str(i)), after,
                            (*n.place("prefixItems"), str(i)))  # fmt: skip
            else:
                presence(f"prefixItems[{i}]", before, after, n.place("prefixItems") if after is not None else o.pointer)
        before_deps, after_deps = _dependencies(os.get("dependentRequired")), _dependencies(ns.get("dependentRequired"))
        for name, needed in sorted(after_deps - before_deps):
            add(f"{direction}-constraint-added", f"dependentRequired: {name!r} needs {needed!r}")
        for name, needed in sorted(before_deps - after_deps):
            add(f"{direction}-constraint-removed", f"dependentRequired: {name!r} no longer needs {needed!r}")
        for key in _SAME_OR_CHANGED:
            before, after = os.get(key), ns.get(key)
            if before is not None and after is not None and before != after:
                add(f"{direction}-constraint-changed", f"{key} changed")
            else:
                presence(key, before, after, n.pointer if after is not None else o.pointer)

    def _child(
        self, pair: _Pair, step: str, context: str, old: Any, old_pointer: Pointer, new: Any, new_pointer: Pointer
    ) -> None:
        ov, nv = self.old.view(old, old_pointer), self.new.view(new, new_pointer)
        if ov is not None and nv is not None:
            pair.children.append((step, self._key(ov, nv, context, False)))

    def _enums(self, direction: str, o: View, n: View, add: Callable[..., None]) -> None:
        old_values, new_values = _enum(o.schema), _enum(n.schema)
        if old_values is not None and new_values is None:  # any value now: a response's readers meet new ones
            add(f"{direction}-enum-removed", f"no longer limited to {old_values!r}")
        if old_values is None and new_values is not None:  # limited now: requests that were valid are refused
            add(f"{direction}-enum-added", f"now limited to {new_values!r}")
        if old_values is None or new_values is None:
            return
        for value in [v for v in new_values if v not in old_values]:
            add(f"{direction}-enum-value-added", f"enum value {value!r} added")
        for value in [v for v in old_values if v not in new_values]:
            add(f"{direction}-enum-value-removed", f"enum value {value!r} removed")

    def _extensible(self, direction: str, o: View, n: View, add: Callable[..., None]) -> None:
        """x-extensible-enum: the values known today of an open list (readers must take others)."""
        old_values, new_values = o.schema.get("x-extensible-enum"), n.schema.get("x-extensible-enum")
        if not isinstance(old_values, list) or not isinstance(new_values, list):
            return
        for value in [v for v in new_values if v not in old_values]:
            add(f"{direction}-extensible-enum-value-added", f"x-extensible-enum value {value!r} added")
        for value in [v for v in old_values if v not in new_values]:
            add(f"{direction}-extensible-enum-value-removed", f"x-extensible-enum value {value!r} removed")

    def _bounds(self, direction: str, o: View, n: View, add: Callable[..., None]) -> None:
        """A bound (minimum, maxLength, format, ...) that lets more values through: harmless in a request,
        breaking in a response (its readers meet values they were told would not come); and the other way
        round for one that lets fewer through. A pattern that changed may or may not let more through."""
        for key in (*_LOWER_BOUNDS, *_UPPER_BOUNDS, "format", "pattern", "multipleOf", "uniqueItems"):
            old, new = o.schema.get(key), n.schema.get(key)
            if key == "uniqueItems":
                old, new = (True if u is True else None for u in (old, new))  # false says nothing
            if key == "pattern":
                old, new = (None if p in _ANY_TEXT else p for p in (old, new))
            if old == new:
                continue
            message = f"{key} {old!r} -> {new!r}"
            if old is not None and new is None:
                wider: bool | None = True
            elif old is None:
                wider = False
            elif key == "pattern":
                add(f"{direction}-pattern-changed", message)  # which strings either accepts: not decidable here
                continue
            elif key == "multipleOf" and _numbers(old, new) and new != 0 and old != 0:
                wider = True if old % new == 0 else False if new % old == 0 else None
            elif key == "format" or not _numbers(old, new):
                wider = None  # another format: neither wider nor narrower, so both ways
            else:
                wider = new < old if key in _LOWER_BOUNDS else new > old
            if key == "pattern" and direction == RESPONSE and wider:
                add("response-pattern-changed", message)
                continue
            if wider is not False and direction == RESPONSE:
                add("response-bound-relaxed", message)
            if wider is not True and direction == REQUEST:
                add("request-bound-tightened", message)
            if (wider is True and direction == REQUEST) or (wider is False and direction == RESPONSE):
                add(f"{direction}-bound-changed", message)

    def _properties(
        self, pair: _Pair, direction: str, context: str, o: View, n: View, add: Callable[..., None]
    ) -> None:
        old_props, new_props = mapping_of(o.schema.get("properties")), mapping_of(n.schema.get("properties"))
        old_req, new_req = set(o.schema.get("required") or ()), set(n.schema.get("required") or ())
        # what a side never carries: readOnly in a request (never sent), writeOnly in a response (never answered)
        unseen = "readOnly" if direction == REQUEST else "writeOnly"
        for name, prop in new_props.items():
            pointer = n.place("properties", name)
            new_view = self.new.view(prop, pointer)
            hidden = flag(prop, new_view, unseen)
            if name not in old_props:
                if direction == REQUEST and name in new_req and not hidden:
                    add("request-property-added-required", f"new required property {name!r}", pointer)
                else:
                    add(f"{direction}-property-added", f"new property {name!r}", pointer)
                continue
            old_pointer = o.place("properties", name)
            hidden = hidden or flag(old_props[name], self.old.view(old_props[name], old_pointer), unseen)
            if direction == REQUEST and name in new_req and name not in old_req:
                rule = "request-read-only-property-became-required" if hidden else "request-property-became-required"
                add(rule, f"property {name!r} became required", pointer)
            if direction == RESPONSE and name in old_req and name not in new_req and not hidden:
                add("response-property-became-optional", f"property {name!r} may now be absent", pointer)
            if not hidden:
                self._child(pair, f".{name}", context, old_props[name], old_pointer, prop, pointer)
        for name, prop in old_props.items():
            if name in new_props:
                continue
            pointer = o.place("properties", name)
            if direction == RESPONSE and flag(prop, self.old.view(prop, pointer), "writeOnly"):
                add("response-write-only-property-removed", f"writeOnly property {name!r} removed", pointer, False)
            elif direction == RESPONSE:
                rule = "response-required-property-removed" if name in old_req else "response-property-removed"
                add(rule, f"{'required' if name in old_req else 'optional'} property {name!r} removed", pointer, False)
            elif n.schema.get("additionalProperties") is False:
                add("request-property-removed-closed", f"property {name!r} removed, and unknown properties are refused",
                    pointer, False)  # fmt: skip
            else:
                add("request-property-removed", f"property {name!r} removed", pointer, False)

    def _additional(
        self, pair: _Pair, direction: str, context: str, o: View, n: View, add: Callable[..., None]
    ) -> None:
        """additionalProperties: what a map's values, or the properties a schema does not name, may be."""
        old, new = o.schema.get("additionalProperties"), n.schema.get("additionalProperties")
        old_kind, new_kind = _openness(old), _openness(new)
        if old_kind == new_kind == "schema":
            self._child(pair, ".*", context, old, o.place("additionalProperties"), new, n.place("additionalProperties"))
            return
        if old_kind == new_kind:
            return
        message = f"additionalProperties {_show(old)} -> {_show(new)}"
        pointer = n.place("additionalProperties") if new is not None else n.pointer
        order = {"closed": 0, "schema": 1, "open": 2}
        wider = order[new_kind] > order[old_kind]
        if direction == REQUEST:
            add("request-additional-properties-widened" if wider else "request-additional-properties-narrowed",
                message, pointer)  # fmt: skip
        elif not wider:
            add("response-additional-properties-narrowed", message, pointer)
        elif old_kind == "closed":  # properties that were never there: readers ignore what they do not know
            add("response-additional-properties-added", message, pointer)
        else:
            add("response-additional-properties-widened", message, pointer)

    # -- oneOf / anyOf ------------------------------------------------------------------------------------
    def _branches(
        self,
        pair: _Pair,
        o: View,
        n: View,
        context: str,
        typed: bool,
        type_changed: bool,
        add: Callable[..., None],
    ) -> None:
        """Each old branch (or the old schema, when it has none) with the new branch that takes its values.
        A branch nobody takes is a shape added or lost; an old shape that two branches of a new oneOf take
        whole is refused (oneOf takes exactly one)."""
        direction = _direction(context)
        olds: list[tuple[Pointer, View | None]] = (
            self.old.branch_views(o) if o.branches is not None else [(o.pointer, o)]
        )
        news: list[tuple[Pointer, View | None]] = (
            self.new.branch_views(n) if n.branches is not None else [(n.pointer, n)]
        )
        old_word, new_word = _keyword(o), _keyword(n)
        taken: set[int] = set()
        for old_pointer, ov in olds:
            if ov is None:
                continue
            if direction == REQUEST and n.exclusive and n.branches is not None and "discriminator" not in n.schema:
                whole = [j for j, (_, nv) in enumerate(news) if nv is not None and self._takes_all(nv, ov)]
                if len(whole) >= 2 and not self._ambiguous_before(o, ov):
                    add("request-oneof-ambiguous",
                        f"{self._describe(ov, self.old)} matches {new_word} branches {', '.join(map(str, whole))} "
                        "at once: a body must match exactly one", n.pointer)  # fmt: skip
                    taken.update(whole)
                    continue
            j = self._match(ov, news, taken if n.branches is not None else set())
            if j is None:
                if not type_changed and self.old.types(ov) != frozenset({"null"}):
                    add(f"{direction}-variant-removed",
                        f"{old_word} lost a branch: {self._describe(ov, self.old)}", old_pointer, False)  # fmt: skip
                continue
            taken.add(j)
            new_view = news[j][1]
            assert new_view is not None
            step = f" {new_word}[{j}]" if n.branches is not None else ""
            pair.children.append((step, self._key(ov, new_view, context, typed)))
        for j, (new_pointer, nv) in enumerate(news):
            if j in taken or nv is None or type_changed or self.new.types(nv) == frozenset({"null"}):
                continue  # null, or a new type: the type change says it
            add(
                f"{direction}-variant-added", f"{new_word} gained a branch: {self._describe(nv, self.new)}", new_pointer
            )

    def _ambiguous_before(self, o: View, ov: View) -> bool:
        """Did the old oneOf already take ov's values twice (refusing them, before as now)?"""
        if o.branches is None or not o.exclusive:
            return False
        whole = [b for _, b in self.old.branch_views(o) if b is not None and self._takes_all(b, ov, self.old)]
        return len(whole) >= 2

    def _match(self, ov: View, news: list[tuple[Pointer, View | None]], taken: set[int]) -> int | None:
        """The new branch for an old one: the same component, else the one of the same types (the one that
        takes all its values when several are), else none."""
        free = [(j, nv) for j, (_, nv) in enumerate(news) if nv is not None and j not in taken]
        if ov.name is not None:
            for j, nv in free:
                if nv.name == ov.name:
                    return j
        old_types = _non_null_or_none(self.old.types(ov))
        same = [(j, nv) for j, nv in free if _non_null_or_none(self.new.types(nv)) == old_types]
        if len(same) > 1:
            whole = [j for j, nv in same if self._takes_all(nv, ov)]
            return whole[0] if whole else same[0][0]
        return same[0][0] if same else None

    def _takes_all(self, nv: View, ov: View, wide: Schemas | None = None) -> bool:
        """Does every value of the old schema ov match nv (of the new document, or of `wide`)? Only what the
        keywords show (a branch with branches or a `not` is not known to): a no may be a yes, a yes is a yes."""
        schemas = wide or self.new
        new_types, old_types = schemas.types(nv), self.old.types(ov)
        if new_types is not None and (old_types is None or not _covers(new_types, old_types, False)):
            return False
        ns, os = nv.schema, ov.schema
        if nv.branches is not None or "not" in ns:
            return False
        new_enum, old_enum = _enum(ns), _enum(os)
        if new_enum is not None and (old_enum is None or any(v not in new_enum for v in old_enum)):
            return False
        if not set(ns.get("required") or ()) <= set(os.get("required") or ()):
            return False
        for key in (*_LOWER_BOUNDS, *_UPPER_BOUNDS, "format", "pattern"):
            if key in ns and ns[key] != os.get(key):
                return False
        new_props, old_props = mapping_of(ns.get("properties")), mapping_of(os.get("properties"))
        if ns.get("additionalProperties") is False and (
            os.get("additionalProperties") is not False or not set(old_props) <= set(new_props)
        ):
            return False
        for name in set(new_props) & set(old_props):
            prop = schemas.view(new_props[name], nv.place("properties", name))
            old_prop = self.old.view(old_props[name], ov.place("properties", name))
            if prop is None or old_prop is None:
                continue
            values, old_values = _enum(prop.schema), _enum(old_prop.schema)
            if values is not None and (old_values is None or any(v not in values for v in old_values)):
                return False  # a discriminating value, a const: old bodies may carry another
            types, old_prop_types = schemas.types(prop), self.old.types(old_prop)
            if types is not None and (old_prop_types is None or not _covers(types, old_prop_types, False)):
                return False
        return True

    @staticmethod
    def _describe(view: View, schemas: Schemas) -> str:
        if view.name is not None:
            return view.name
        types = schemas.types(view)
        return _names(types) if types else "a schema"


def _covers(wide: Types, narrow: Types, text: bool) -> bool:
    """Every value of the types narrow is one of the types wide (an integer is a number; in a parameter,
    which travels as text, a string takes every integer, number and boolean)."""
    return all(
        t in wide or (t == "integer" and "number" in wide) or (text and t in _TEXT and "string" in wide) for t in narrow
    )


def _direction(context: str) -> str:
    return context.split("-", 1)[0]


def _flipped(context: str) -> str:
    """The context of a `not`'s schema: what it takes more of, the value may be less of."""
    direction, _, text = context.partition("-")
    return (RESPONSE if direction == REQUEST else REQUEST) + (f"-{text}" if text else "")


def _constraint(value: Any) -> Any:
    """A keyword's schema, None when it constrains nothing (absent, true, {})."""
    return None if value is None or value is True or value == {} else value


def _dependencies(value: Any) -> set[tuple[str, str]]:
    pairs = set()
    for name, needed in mapping_of(value).items():
        pairs |= {(name, str(other)) for other in (needed if isinstance(needed, list) else [])}
    return pairs


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _non_null(types: Types) -> Types:
    return types - {"null"}


def _non_null_or_none(types: Types | None) -> Types | None:
    return None if types is None else types - {"null"}


def _names(types: Types) -> str:
    return "/".join(sorted(types))


def _keyword(view: View) -> str:
    return "oneOf" if view.exclusive else "anyOf"


def _openness(value: Any) -> str:
    if value is None or value is True or value == {}:
        return "open"
    return "closed" if value is False else "schema"


def _show(value: Any) -> str:
    return "(none)" if value is None else "a schema" if isinstance(value, dict) else repr(value).lower()


def _enum(schema: dict[str, Any]) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return None
