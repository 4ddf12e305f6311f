"""The generator's process: the facts, then openapi-python-client, unmodified, in one interpreter.

`rstar-spec generate` runs `python -m rstar_spec.python_client._generator_run WORK CONFIG ARGS...`. The facts need
openapi-python-client's naming functions, and importing that package costs about a second: paid
once here, where the generator needs it anyway, rather than again in the parent. A spec the facts
refuse is one line on stderr after FACTS_REFUSED, exit 3; everything else is the generator's own
`python -m openapi_python_client` run, exit code and output included.
"""

from __future__ import annotations

import json
import re
import runpy
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .facts import Facts

FACTS_REFUSED = "rstar-facts-refused: "
FACTS_TEMPLATE = "rstar_facts.jinja"


def main(argv: list[str]) -> int:
    work, config, generator_args = Path(argv[0]), Path(argv[1]), argv[2:]
    from ..core.errors import GenerateError
    from .facts import generator_facts

    try:
        facts = generator_facts(json.loads((work / "openapi.json").read_text(encoding="utf-8")), config)
    except GenerateError as exc:
        sys.stderr.write(f"{FACTS_REFUSED}{exc.message}\n")
        return 3
    (work / "templates" / FACTS_TEMPLATE).write_text(facts_template(facts), encoding="utf-8")
    sys.argv = ["openapi-python-client", *generator_args]
    try:
        runpy.run_module("openapi_python_client", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def facts_template(facts: Facts) -> str:
    """The facts as a Jinja template: `{% import "rstar_facts.jinja" as rstar %}` gives `rstar.facts`.

    The value is written as JSON, which is a Jinja literal too once true, false and
    null are spelled the way Jinja spells them.
    """
    literal = json.dumps(facts.as_json(), indent=2, sort_keys=True, ensure_ascii=True)
    literal = re.sub(r'("(?:[^"\\]|\\.)*")|\btrue\b|\bfalse\b|\bnull\b', _jinja_constant, literal)
    return f"{{# Written by rstar-spec generate from the overlaid spec; not a source file. #}}\n{{% set facts = {literal} %}}\n"


def _jinja_constant(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)
    return {"true": "True", "false": "False", "null": "None"}[match.group(0)]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
