"""The generator's process: the facts, then openapi-python-client, unmodified, in one interpreter.

`rstar-spec generate` runs `python -m rstar_spec.python_client._generator_run WORK CONFIG ARGS...`, the
overlaid document on its stdin. The facts
reach the templates as the Jinja global `rstar` (`rstar.facts`). They need
openapi-python-client's naming functions, and importing that package costs about a second: paid
once here, where the generator needs it anyway, rather than again in the parent. A spec the facts
refuse is one line on stderr after FACTS_REFUSED, exit 3; everything else is the generator's own
`python -m openapi_python_client` run, exit code and output included.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .facts import Facts

FACTS_REFUSED = "rstar-facts-refused: "
DOCUMENT = "openapi.json"  # in WORK: the overlaid document, as read from stdin
FACTS_GLOBAL = "rstar"


def main(argv: list[str]) -> int:
    work, config, generator_args = Path(argv[0]), Path(argv[1]), argv[2:]
    # Imported before the document is read: the parent bundles the spec meanwhile.
    import jinja2.defaults
    import openapi_python_client.cli  # noqa: F401

    from ..core.errors import GenerateError
    from .facts import generator_facts

    text = sys.stdin.read()
    if not text:  # the parent could not read the spec, and stopped
        return 4
    (work / DOCUMENT).write_text(text, encoding="utf-8")
    try:
        facts = generator_facts(json.loads(text), config)
    except GenerateError as exc:
        sys.stderr.write(f"{FACTS_REFUSED}{exc.message}\n")
        return 3
    # Every Jinja environment made in this process starts with these globals: the generator's too.
    jinja2.defaults.DEFAULT_NAMESPACE.update(template_globals(facts))
    sys.argv = ["openapi-python-client", *generator_args]
    try:
        runpy.run_module("openapi_python_client", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def template_globals(facts: Facts) -> dict[str, Any]:
    """What the templates get as globals: `rstar.facts`, as JSON gives it back (mappings, lists, strings).

    A global rather than a template the templates import: a template the generator renders with
    globals of its own (endpoint_module's `isbool`) builds every template it imports afresh, so
    the whole document's facts would be parsed once per operation.
    """
    return {FACTS_GLOBAL: {"facts": json.loads(json.dumps(facts.as_json()))}}


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
