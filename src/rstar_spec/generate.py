"""The Python client: bundle -> python-client overlay -> openapi-python-client with templates/.

openapi-python-client parses the document into its own model, which keeps no
`x-` extensions and no `servers`; its templates see only that model. What our
templates need beyond it (the default base URL, and the overlay's hints: which
operations page, which are safe to retry, which GET answers from an ETag cache,
how tokens are obtained) is therefore read here from the overlaid document,
checked against the spec, and handed to the templates as one more template,
`rstar_facts.jinja`, beside a copy of templates/ in a staging folder. The
generator itself runs unmodified, as a subprocess, with `--fail-on-warning`.

Its post hooks (templates/config.yaml) run ruff, found first on PATH in this
environment's bin folder: the pinned ruff, so the output is the same bytes on every
machine. The package is generated into a staging folder and swapped in whole
(_tree.py), so a failed run leaves generated/python/ as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ._errors import RstarError, display_path, shorten
from ._pointer import Pointer, to_string
from ._tree import read_tree, replace_tree, stale_files
from ._walk import is_authenticated, iter_operations, resolve
from .pipeline import build_target
from .validate import ExampleValidator

TARGET = "python-client"
DEFAULT_TEMPLATES = Path("templates")
DEFAULT_OUTPUT = Path("generated/python")
CONFIG_NAME = "config.yaml"
FACTS_TEMPLATE = "rstar_facts.jinja"
IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete"})
PAGINATION_KEYS = ("items", "offset", "limit", "total")
CREDENTIAL_PLACEHOLDERS = {
    "api_key": {"api_key"},
    "password": {"username", "password"},
    "refresh": {"refresh_token"},
}
_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


class GenerateError(RstarError):
    """A spec the generator cannot turn into the client, or a generator that failed."""


def generator_facts(doc: dict[str, Any]) -> dict[str, Any]:
    """What the templates need that openapi-python-client's model drops, checked against the spec."""
    servers = doc.get("servers")
    url = servers[0].get("url") if isinstance(servers, list) and servers and isinstance(servers[0], dict) else None
    if not isinstance(url, str) or not url:
        raise GenerateError("#/servers/0/url: the client's default base_url comes from it, and there is none")
    operations: dict[str, Any] = {}
    for pointer, _path, method, op in iter_operations(doc):
        op_id = op.get("operationId")
        if not isinstance(op_id, str):
            continue  # lint's operation-id rule reports it; the generator names it from the path
        idempotent = op.get("x-rstar-idempotent", method in IDEMPOTENT_METHODS)
        if not isinstance(idempotent, bool):
            raise GenerateError(f"#{to_string(pointer)}/x-rstar-idempotent: must be true or false")
        operations[op_id] = {
            # openapi-python-client sees only an operation's own `security`, not the document's
            "authenticated": is_authenticated(doc, op),
            "idempotent": idempotent,
            "etag_cache": _etag_cache(doc, pointer, op),
            "pagination": _pagination(doc, pointer, op),
        }
    return {"server_url": url.rstrip("/"), "operations": operations, "token": _token(doc)}


def _parameter_names(doc: dict[str, Any], pointer: Pointer, op: dict[str, Any]) -> dict[tuple[str, str], Any]:
    path_item = resolve(doc, doc["paths"][pointer[1]], pointer[:2])[1]
    found: dict[tuple[str, str], Any] = {}
    for owner in (path_item, op):  # operation-level parameters override path-level ones
        for param in owner.get("parameters") or []:
            resolved = resolve(doc, param, ())[1]
            if isinstance(resolved, dict) and isinstance(resolved.get("name"), str):
                found[(str(resolved.get("in")), resolved["name"].lower())] = resolved
    return found


def _etag_cache(doc: dict[str, Any], pointer: Pointer, op: dict[str, Any]) -> bool:
    wanted = op.get("x-rstar-etag-cache", False)
    if wanted is not True:
        return False
    where = f"#{to_string(pointer)}/x-rstar-etag-cache"
    if pointer[-1] != "get":
        raise GenerateError(f"{where}: only a GET can be answered from the cache")
    if ("header", "if-none-match") not in _parameter_names(doc, pointer, op):
        raise GenerateError(f"{where}: the operation has no If-None-Match header parameter")
    if "304" not in (op.get("responses") or {}):
        raise GenerateError(f"{where}: the operation documents no 304 answer")
    return True


def _pagination(doc: dict[str, Any], pointer: Pointer, op: dict[str, Any]) -> dict[str, str] | None:
    hint = op.get("x-rstar-pagination")
    if hint is None:
        return None
    where = f"#{to_string(pointer)}/x-rstar-pagination"
    if not isinstance(hint, dict) or any(not isinstance(hint.get(k), str) for k in PAGINATION_KEYS):
        raise GenerateError(f"{where}: must name {', '.join(PAGINATION_KEYS)}")
    params = _parameter_names(doc, pointer, op)
    for key in ("offset", "limit"):
        if ("query", hint[key].lower()) not in params:
            raise GenerateError(f"{where}/{key}: the operation has no query parameter {hint[key]!r}")
    schema = _json_schema(doc, op, "200")
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    required = schema.get("required", []) if isinstance(schema, dict) else []
    for key in ("items", "total"):
        if hint[key] not in properties or hint[key] not in required:
            raise GenerateError(f"{where}/{key}: the 200 answer has no required property {hint[key]!r}")
    return {k: hint[k] for k in PAGINATION_KEYS}


def _json_schema(doc: dict[str, Any], op: dict[str, Any], status: str) -> Any:
    response = resolve(doc, (op.get("responses") or {}).get(status), ())[1]
    media = ((response or {}).get("content") or {}).get("application/json") or {}
    return resolve(doc, media.get("schema"), ())[1]


def _token(doc: dict[str, Any]) -> dict[str, Any] | None:
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    hinted = [(name, s["x-rstar-token"]) for name, s in schemes.items() if isinstance(s, dict) and "x-rstar-token" in s]
    if not hinted:
        return None
    name, hint = hinted[0]
    where = f"#/components/securitySchemes/{name}/x-rstar-token"
    if not isinstance(hint, dict):
        raise GenerateError(f"{where}: must be a mapping")
    found = [
        (p, path, m, op) for p, path, m, op in iter_operations(doc) if op.get("operationId") == hint.get("operationId")
    ]
    if not found:
        raise GenerateError(f"{where}/operationId: no operation is {hint.get('operationId')!r}")
    pointer, path, method, op = found[0]
    grants = hint.get("grants")
    if not isinstance(grants, dict) or set(grants) - set(CREDENTIAL_PLACEHOLDERS) or "refresh" not in grants:
        raise GenerateError(f"{where}/grants: must map some of api_key, password and refresh (required) to bodies")
    body_pointer = (*pointer, "requestBody", "content", "application/json", "schema")
    validator = ExampleValidator(doc)
    for kind, body in grants.items():
        if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
            raise GenerateError(f"{where}/grants/{kind}: must be a mapping of strings")
        placeholders = {m.group(1) for v in body.values() if (m := _PLACEHOLDER.match(v))}
        if placeholders != CREDENTIAL_PLACEHOLDERS[kind]:
            wanted = ", ".join("{" + p + "}" for p in sorted(CREDENTIAL_PLACEHOLDERS[kind]))
            raise GenerateError(f"{where}/grants/{kind}: must use exactly {wanted}")
        sample = {k: ("x" if _PLACEHOLDER.match(v) else v) for k, v in body.items()}
        error = next(validator.errors(body_pointer, sample), None)
        if error is not None:
            raise GenerateError(
                f"{where}/grants/{kind}: not a valid body of {to_string(body_pointer)}: {shorten(error.message, 120)}"
            )
    response_fields = hint.get("response")
    schema = _json_schema(doc, op, "200")
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    for key in ("token", "refresh_token", "expires_in"):
        field = (response_fields or {}).get(key) if isinstance(response_fields, dict) else None
        if field not in properties:
            raise GenerateError(f"{where}/response/{key}: the 200 answer of {hint['operationId']} has no such property")
    return {
        "path": path,
        "method": method,
        "grants": grants,
        "response": {k: response_fields[k] for k in ("token", "refresh_token", "expires_in")},
    }


def facts_template(facts: dict[str, Any]) -> str:
    """The facts as a Jinja template: `{% import "rstar_facts.jinja" as rstar %}` gives `rstar.facts`.

    The value is written as JSON, which is a Jinja literal too once true, false and
    null are spelled the way Jinja spells them.
    """
    literal = json.dumps(facts, indent=2, sort_keys=True, ensure_ascii=True)
    literal = re.sub(r'("(?:[^"\\]|\\.)*")|\btrue\b|\bfalse\b|\bnull\b', _jinja_constant, literal)
    return f"{{# Written by rstar-spec generate from the overlaid spec; not a source file. #}}\n{{% set facts = {literal} %}}\n"


def _jinja_constant(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)
    return {"true": "True", "false": "False", "null": "None"}[match.group(0)]


def _generator_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["RUFF_NO_CACHE"] = "true"  # else .ruff_cache/ lands in the package
    env["NO_COLOR"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env["_TYPER_STANDARD_TRACEBACK"] = "1"  # a plain traceback, which _generator_failure can read
    return env


_FRAME = re.compile(r'File "(?P<file>[^"]+\.jinja)", line (?P<line>\d+)')


def _generator_failure(output: str, staged: Path, templates_dir: Path) -> str:
    """The generator's own words, cut to what went wrong and where.

    A template error arrives as a Python traceback: its last line says what, its
    last frame in a .jinja file says where (in the staging copy, so the place is
    given back in templates/).
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        frames = [m for line in lines if (m := _FRAME.search(line))]
        where = ""
        if frames:
            file = Path(frames[-1]["file"])
            if file.is_relative_to(staged):
                file = templates_dir / file.relative_to(staged)
            where = f"{display_path(file)}:{frames[-1]['line']}: "
        return where + shorten(lines[-1].removeprefix("jinja2.exceptions."), 300)
    interesting = [
        line
        for line in lines
        if not line.startswith(("Generating ", "Warning(s) encountered", "Error(s) encountered", "If you believe"))
    ]
    return shorten(" ".join(interesting[:4]) or "no output", 400)


def generate(root_file: Path, overlays_dir: Path, templates_dir: Path = DEFAULT_TEMPLATES) -> dict[str, bytes]:
    """The files of the generated package, by relative path; nothing is written outside a temporary folder."""
    config = templates_dir / CONFIG_NAME
    if not config.is_file():
        raise GenerateError(f"{display_path(config)}: the generator's config is missing")
    doc = build_target(root_file, TARGET, overlays_dir)
    facts = generator_facts(doc)
    with tempfile.TemporaryDirectory(prefix="rstar-generate-") as tmp:
        work = Path(tmp)
        staged = work / "templates"
        shutil.copytree(templates_dir, staged, ignore=shutil.ignore_patterns("__pycache__"))
        (staged / FACTS_TEMPLATE).write_text(facts_template(facts), encoding="utf-8")
        document = work / "openapi.json"
        document.write_text(json.dumps(doc), encoding="utf-8")
        output = work / "out"
        command = [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(document),
            "--config",
            str(config.resolve()),
            "--custom-template-path",
            str(staged),
            "--meta",
            "uv",
            "--output-path",
            str(output),
            "--fail-on-warning",
        ]
        result = subprocess.run(command, capture_output=True, text=True, env=_generator_env(), check=False)
        if result.returncode != 0 or not output.is_dir():
            failure = _generator_failure(result.stdout + result.stderr, staged, templates_dir)
            raise GenerateError(f"openapi-python-client failed: {failure}")
        return read_tree(output)


def write(files: dict[str, bytes], output: Path) -> None:
    replace_tree(files, output)


def check(files: dict[str, bytes], output: Path) -> list[str]:
    return stale_files(files, output)
