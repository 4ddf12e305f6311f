"""Path templates (`/things/{thing_id}`), parsed once: their names, their shape, a compiled matcher.

Every tool that reads a path key asks this module: structure (names against path parameters), lint,
diff (operations compare by shape, `/things/{}`), and the router that maps a URL path to an operation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote

_FIELD = re.compile(r"\{([^{}]*)\}")


class TemplateError(ValueError):
    """A path key whose braces do not pair up: `/things/{id`, `/a/{b}}`."""


@dataclass(frozen=True)
class PathTemplate:
    """One path key. `names` in order of appearance; `shape` with every name blanked (`/things/{}`)."""

    template: str
    names: tuple[str, ...]
    shape: str
    literal_length: int  # characters outside templates: more is more specific (OpenAPI 3.1, 4.8.8)
    _pattern: str

    @functools.cached_property
    def _regex(self) -> re.Pattern[str]:
        """Compiled when a path is first matched (most readers want only the names: Stripe's lint asked 954)."""
        return re.compile(self._pattern)

    @classmethod
    def parse(cls, template: str) -> PathTemplate:
        return _parse(template)

    @classmethod
    def _parse(cls, template: str) -> PathTemplate:
        parts, names, literal, pos = ["^"], [], 0, 0
        for match in _FIELD.finditer(template):
            text = template[pos : match.start()]
            if "{" in text or "}" in text:
                raise TemplateError(f"unbalanced braces in path {template!r}")
            parts.append(re.escape(text))
            literal += len(text)
            names.append(match.group(1))
            # One segment, or part of one: a value never spans a "/" (RFC 6570 simple expansion encodes it)
            parts.append("([^/]+)")
            pos = match.end()
        rest = template[pos:]
        if "{" in rest or "}" in rest:
            raise TemplateError(f"unbalanced braces in path {template!r}")
        parts.append(re.escape(rest) + "$")
        literal += len(rest)
        shape = _FIELD.sub("{}", template)
        return cls(template, tuple(names), shape, literal, "".join(parts))

    @property
    def is_templated(self) -> bool:
        return bool(self.names)

    def match(self, raw_path: str) -> dict[str, str] | None:
        """The decoded values of the names when raw_path (as sent, percent-encoded) fits the template."""
        found = self._regex.match(raw_path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in zip(self.names, found.groups(), strict=True)}


@functools.lru_cache(maxsize=4096)  # a path key is read by every tool, many times (a TemplateError is not kept)
def _parse(template: str) -> PathTemplate:
    return PathTemplate._parse(template)


def template_names(template: str) -> tuple[str, ...]:
    """The names of a path key, in order; () when its braces do not pair (structure reports that)."""
    try:
        return PathTemplate.parse(template).names
    except TemplateError:
        return ()


def path_shape(template: str) -> str:
    """`/things/{thing_id}` -> `/things/{}`: two keys of one shape are the same path to a thing."""
    return _FIELD.sub("{}", template)
