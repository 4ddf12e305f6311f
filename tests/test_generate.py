"""rstar-spec generate: the Python client from the spec, the python-client overlay and templates/."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from conftest import ROOT, RunCli, SpecCopy
from rstar_spec.overlay.pipeline import build_target
from rstar_spec.python_client._generator_run import template_globals
from rstar_spec.python_client.facts import Model, generator_facts
from rstar_spec.python_client.generate import GenerateError
from rstar_spec.python_client.runtime._errors import BY_STATUS
from rstar_spec.sdk import sdk_facts

GENERATED = ROOT / "generated" / "python"
DOC = build_target(ROOT / "spec" / "openapi.yaml", "python-client", ROOT / "overlays")
CONFIG = ROOT / "templates" / "config.yaml"
BIN = Path(sys.executable).parent


def test_generated_client_is_up_to_date_and_generation_is_deterministic(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, err = run_cli("generate", "--check")
    assert code == 0, out + err
    code, _, err = run_cli("generate", "-o", str(tmp_path / "again"))
    assert code == 0, err
    same = [p.relative_to(GENERATED) for p in GENERATED.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert sorted(same) == sorted(
        p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*") if p.is_file()
    )
    assert all((GENERATED / p).read_bytes() == (tmp_path / "again" / p).read_bytes() for p in same)
    assert (tmp_path / "again" / "reception_star" / "py.typed").is_file()


def test_check_lists_stale_files_and_fails(run_cli: RunCli, tmp_path: Path) -> None:
    stale = tmp_path / "python"
    shutil.copytree(GENERATED, stale, ignore=shutil.ignore_patterns("__pycache__"))
    (stale / "reception_star" / "errors.py").write_text("# edited by hand\n", encoding="utf-8")
    (stale / "reception_star" / "types.py").unlink()
    (stale / "reception_star" / "extra.py").write_text("", encoding="utf-8")
    code, out, err = run_cli("generate", "--check", "-o", str(stale))
    assert code == 1
    assert "3 stale files" in err and "run `nox -s generate`" in err
    assert out.split("\n")[:3] == [
        "  reception_star/errors.py (differs)",
        "  reception_star/extra.py (not generated any more)",
        "  reception_star/types.py (missing)",
    ]


def test_a_broken_template_is_one_line_and_leaves_the_output_untouched(run_cli: RunCli, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    path = templates / "client.py.jinja"
    path.write_text(path.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    output = tmp_path / "python"
    output.mkdir()
    (output / "previous.txt").write_text("the previous run", encoding="utf-8")
    code, out, err = run_cli("generate", "--templates", str(templates), "-o", str(output))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("rstar-spec: error: openapi-python-client failed")
    assert f"{templates}/client.py.jinja:" in err and "TemplateSyntaxError: Expected an expression" in err
    assert [p.name for p in output.iterdir()] == ["previous.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".python")]  # no staging folder left


def test_templates_that_generate_invalid_python_fail(run_cli: RunCli, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    path = templates / "client.py.jinja"
    path.write_text(path.read_text(encoding="utf-8") + "\ndef broken(:\n", encoding="utf-8")
    code, _, err = run_cli("generate", "--templates", str(templates), "-o", str(tmp_path / "out"))
    assert code == 2 and "ruff failed" in err and "client.py" in err
    assert not (tmp_path / "out").exists()


def test_a_missing_config_is_named(run_cli: RunCli, tmp_path: Path) -> None:
    code, _, err = run_cli("generate", "--templates", str(tmp_path), "--check")
    assert code == 2 and err.strip().endswith("config.yaml: the generator's config is missing")


def _doc() -> dict[str, Any]:
    return copy.deepcopy(DOC)


def test_facts_come_from_the_overlay_and_the_spec() -> None:
    facts = generator_facts(DOC, CONFIG)
    assert facts.server_url == "https://my.receptionstar.com/api/v3"
    ops = facts.operations
    pages = ops["list_clients"].pagination
    assert pages is not None and (pages.items, pages.offset, pages.limit, pages.total) == (
        "data",
        "offset",
        "limit",
        "total",
    )
    assert (pages.offset_param, pages.items_attr, pages.total_attr) == ("offset", "data", "total")
    assert pages.item == Model(
        "client_record", "ClientRecord"
    )  # the config's class_overrides, as the generator reads it
    assert ops["get_client"].etag_cache is True and ops["get_client"].idempotent is True
    assert ops["get_client"].hidden_headers == ("If-None-Match",) and ops["replace_client"].hidden_headers == ()
    assert ops["create_client"].idempotent is False
    assert (ops["get_heart"].authenticated, ops["create_token"].authenticated) == (False, False)
    assert ops["delete_client"].authenticated is True
    assert [m.name for m in ops["create_token"].models] == [
        "ApiKeyGrant",
        "PasswordGrant",
        "RefreshTokenGrant",
        "Token",
    ]
    assert [m.name for m in ops["get_heart"].models] == [] and ops["list_clients"].unset_defaults is False
    assert facts.token is not None and facts.token.path == "/auth" and facts.token.error_bodies[401].name == "Error"
    assert facts.secret_properties == {"ApiKeyGrant": ["api_key"], "PasswordGrant": ["password"],
                                       "RefreshTokenGrant": ["refresh_token"], "Token": ["refresh_token", "token"]}  # fmt: skip
    assert facts.error_tree.startswith("ReceptionStarError\n├── ConfigurationError")


def test_the_templates_see_the_facts_as_json_gives_them_back() -> None:
    facts = generator_facts(DOC, CONFIG)
    assert template_globals(facts) == {"rstar": {"facts": json.loads(json.dumps(facts.as_json()))}}
    env = jinja2.Environment()
    env.globals.update(template_globals(facts))
    text = "{{ rstar.facts.operations.get_client.sdk_name }} {{ rstar.facts.token.error_bodies['401'].name }}"
    assert env.from_string(text).render() == "retrieve Error"


def test_sdk_facts_keep_the_json_names_and_need_no_python_naming() -> None:
    facts = sdk_facts(DOC)
    pages = facts.operations["list_clients"].pagination
    assert pages is not None and (pages.items, pages.item_component) == ("data", "Client")
    assert (
        facts.operations["get_client"].sdk_name == "retrieve" and facts.operations["get_client"].resource == "clients"
    )
    assert facts.token is not None and facts.token.error_components[401] == "Error"
    assert facts.secret_properties["Token"] == ["refresh_token", "token"]
    # publish's SDK hints come from these alone: openapi-python-client (the Python naming) is never imported
    code = (
        "import sys; from pathlib import Path as P; from rstar_spec.overlay.pipeline import build_target; from rstar_spec.sdk import sdk_facts; "
        f"sdk_facts(build_target(P({str(ROOT / 'spec' / 'openapi.yaml')!r}), 'python-client', P({str(ROOT / 'overlays')!r}))); "
        "assert 'openapi_python_client' not in sys.modules, 'imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_resource_imports_are_worked_out_in_python() -> None:
    facts = generator_facts(DOC, CONFIG)
    clients, health = facts.resources["clients"].imports, facts.resources["health"].imports
    assert "import datetime" in clients  # date_of_birth, a keyword field of create and update
    assert "from typing import Any, overload" in clients and "from typing import Any" in health
    assert "from ...models.client_input import ClientInput" in clients
    assert "from . import list_clients as _list_clients" in clients
    assert not any("datetime" in line or "SyncPage" in line or "Unset" in line for line in health)
    assert "import builtins" not in clients and not facts.resources["clients"].shadowed_list
    doc = _doc()  # a list-typed parameter in a class that has a method named `list`
    doc["paths"]["/clients"]["get"]["parameters"].append(
        {"name": "tag", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}
    )
    shadowed = generator_facts(doc, CONFIG).resources["clients"]
    assert shadowed.shadowed_list and shadowed.imports[0] == "import builtins"


def test_the_status_to_exception_map_is_the_runtime_s_alone() -> None:
    facts = generator_facts(DOC, CONFIG)
    assert dict(facts.operations["get_client"].raises)[404] == "NotFoundError"
    assert dict(facts.operations["get_client"].raises)[503] == "ServiceUnavailableError"
    for template in (ROOT / "templates").rglob("*.jinja"):  # no status paired with its exception there
        text = template.read_text(encoding="utf-8")
        for status, cls in BY_STATUS.items():
            pair = rf"\b{status}\b\W{{1,6}}{cls.__name__}\b|\b{cls.__name__}\b\W{{1,6}}{status}\b"
            assert not re.search(pair, text), f"{template.name}: {status} {cls.__name__}"
    assert set(facts.error_names) >= {"BY_STATUS", "NotFoundError", "ReceptionStarError", "from_response"}


PAGE_HINT = {"items": "data", "offset": "offset", "limit": "limit", "total": "total"}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("servers"), "#/servers/0/url: the client's default base_url comes from it"),
        (
            lambda d: d["paths"]["/clients"]["post"].update({"x-rstar-etag-cache": True}),
            "#/paths/~1clients/post/x-rstar-etag-cache: only a GET can be answered from the cache",
        ),
        (
            lambda d: d["paths"]["/clients/{client_id}"]["get"].update({"parameters": [], "x-rstar-etag-cache": True}),
            "x-rstar-etag-cache: the operation has no If-None-Match header parameter",
        ),
        (
            lambda d: d["paths"]["/clients"]["get"].update({"x-rstar-pagination": {**PAGE_HINT, "offset": "start"}}),
            "#/paths/~1clients/get/x-rstar-pagination/offset: the operation has no query parameter 'start'",
        ),
        (
            lambda d: d["paths"]["/clients"]["get"].update({"x-rstar-pagination": {**PAGE_HINT, "items": "items"}}),
            "x-rstar-pagination/items: the 200 answer has no required property 'items'",
        ),
        (
            lambda d: d["paths"]["/clients"]["get"].update({"x-rstar-idempotent": "yes"}),
            "x-rstar-idempotent: must be true or false",
        ),
        (
            lambda d: d["components"]["securitySchemes"]["bearerAuth"]["x-rstar-token"]["grants"]["api_key"].update(
                grant_type="apikey"
            ),
            "x-rstar-token/grants/api_key: not a valid body of /paths/~1auth/post/requestBody",
        ),
        (
            lambda d: d["components"]["securitySchemes"]["bearerAuth"]["x-rstar-token"]["grants"]["password"].pop(
                "username"
            ),
            "x-rstar-token/grants/password: must use exactly {password}, {username}",
        ),
        (
            lambda d: d["components"]["securitySchemes"]["bearerAuth"]["x-rstar-token"].update(operationId="nope"),
            "x-rstar-token/operationId: no operation is 'nope'",
        ),
        (
            lambda d: d["paths"]["/clients/{client_id}"]["get"].update(operationId="List-Clients"),
            "operationIds 'list_clients' and 'List-Clients' would both be the module api/clients/list_clients.py",
        ),
        (
            lambda d: d["components"]["securitySchemes"]["bearerAuth"]["x-rstar-token"]["response"].update(
                token="access_token"
            ),
            "x-rstar-token/response/token: the 200 answer of create_token has no such property",
        ),
    ],
)
def test_hints_that_do_not_match_the_spec_are_refused(edit: Any, message: str) -> None:
    doc = _doc()
    edit(doc)
    with pytest.raises(GenerateError) as caught:
        generator_facts(doc, CONFIG)
    assert message in str(caught.value)


def test_a_bad_overlay_hint_is_one_line_through_the_cli(run_cli: RunCli, tmp_path: Path) -> None:
    overlays = tmp_path / "overlays"
    shutil.copytree(ROOT / "overlays", overlays)
    path = overlays / "python-client.yaml"
    hint = (
        "  - target: $.paths['/clients'].get\n    update:\n"
        "      x-rstar-pagination: {items: rows, offset: offset, limit: limit, total: total}\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + hint, encoding="utf-8")
    code, out, err = run_cli("--overlays", str(overlays), "generate", "--check")
    assert (code, out) == (2, "")
    assert err == (
        "rstar-spec: error: #/paths/~1clients/get/x-rstar-pagination/items: "
        "the 200 answer has no required property 'rows'\n"
    )


def test_generated_client_passes_mypy_strict_and_ruff(mypy_strict: list[str]) -> None:
    mypy = subprocess.run(
        [*mypy_strict, "reception_star"],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        ruff = subprocess.run([str(BIN / "ruff"), *command], cwd=GENERATED, capture_output=True, text=True, check=False)
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_a_generator_warning_is_an_error(run_cli: RunCli, spec_copy: SpecCopy, tmp_path: Path) -> None:
    spec_copy.edit(
        "paths/clients.yaml", "    content:\n      application/json:", "    content:\n      application/xml:"
    )
    code, out, err = run_cli("--spec", str(spec_copy.root), "generate", "-o", str(tmp_path / "out"))
    assert (code, out) == (2, "")
    assert err == (
        "rstar-spec: error: openapi-python-client failed: WARNING parsing POST /clients within clients. "
        "Endpoint will not be generated. Unsupported content type application/xml\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_spec_that_cannot_be_read_stops_the_generator_it_started(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[str]] = []
    popen = subprocess.Popen

    def recording(*args: Any, **kwargs: Any) -> subprocess.Popen[str]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", recording)
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\npaths: [unclosed\n", encoding="utf-8")
    code, out, err = run_cli("--spec", str(spec), "generate", "-o", str(tmp_path / "out"))
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1 and "openapi.yaml" in err
    assert len(started) == 1 and started[0].returncode is not None  # stopped and reaped, not left running
    assert not (tmp_path / "out").exists()
