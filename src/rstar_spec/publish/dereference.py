"""The dereferenced rendering: every internal $ref replaced by what it names, and the check of what that could break."""

from __future__ import annotations

from typing import Any

from ..core.errors import PublishError
from ..core.pointer import Pointer, from_fragment, get, to_string
from ..oas.walk import iter_operations, iter_refs


def dereference(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with every internal $ref replaced by a copy of its target.

    Siblings of a $ref are kept over the target's keys. A $ref that would recurse
    into itself cannot be inlined: that is an error naming it. Components are dropped
    but securitySchemes (named by security requirements), and so are discriminators:
    a discriminator selects among named schemas, and there are none left (Redocly's
    no-illogical-composition-keywords says so). Each inlined branch still says its
    own value (a grant carries a `const` discriminating property), so oneOf alone tells them apart.
    """

    # A ref resolves to the same tree wherever it stands: resolved once, the tree is shared by every place
    # that names it (the writers print it in full at each; nothing mutates it but _drop_discriminators,
    # which is idempotent). Copying it per place cost 1 s at 2,000 operations.
    resolved: dict[str, Any] = {}

    def resolve(node: Any, pointer: Pointer, stack: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                if ref in stack:
                    raise PublishError(f"cannot dereference #{to_string(pointer)}: {ref} refers to itself")
                if ref not in resolved:
                    resolved[ref] = resolve(get(doc, from_fragment(ref[1:])), pointer, (*stack, ref))
                inlined = resolved[ref]
                siblings = {k: resolve(v, (*pointer, k), stack) for k, v in node.items() if k != "$ref"}
                return {**inlined, **siblings} if isinstance(inlined, dict) and siblings else inlined
            return {k: resolve(v, (*pointer, k), stack) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v, (*pointer, str(i)), stack) for i, v in enumerate(node)]
        return node

    out: dict[str, Any] = resolve(doc, (), ())
    schemes = out.get("components", {}).get("securitySchemes")
    out.pop("components", None)
    if schemes:
        out["components"] = {"securitySchemes": schemes}
    _drop_discriminators(out)
    return out


def _drop_discriminators(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("discriminator"), dict) and any(k in node for k in ("oneOf", "anyOf", "allOf")):
            del node["discriminator"]
        for value in node.values():
            _drop_discriminators(value)
    elif isinstance(node, list):
        for value in node:
            _drop_discriminators(value)


def check_dereferenced(dereferenced: dict[str, Any], published: dict[str, Any]) -> None:
    left = next(iter_refs(dereferenced), None)
    if left is not None:
        raise PublishError(f"dereferenced rendering still has a $ref at #{to_string(left[0])}")
    before = [(p, m, o.get("operationId")) for _, p, m, o in iter_operations(published)]
    after = [(p, m, o.get("operationId")) for _, p, m, o in iter_operations(dereferenced)]
    if before != after:
        raise PublishError("dereferenced rendering lost or changed an operation")
