"""Entry points of the repository: `nox` runs the main job, `nox -s NAME` one session.

Sessions install the project with every package pinned by
requirements/constraints.txt (`nox -s lock` regenerates it), in virtualenvs made
by uv when it is installed (`pip install "nox[uv]"`), by virtualenv otherwise.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "drift", "contract"]

PYTHON = "3.11"
CONSTRAINTS = "requirements/constraints.txt"
PYTHON_SOURCES = ["src", "tests", "bench", "noxfile.py"]
GENERATED_CLIENT = "generated/python"
NPM_TOOLS = "tools/npm"
NPM_BIN = f"{NPM_TOOLS}/node_modules/.bin"
PUBLISHED = "generated/openapi/reception-star.openapi.yaml"


def _install(session: nox.Session, *extras: str) -> None:
    target = f".[{','.join(extras)}]" if extras else "."
    session.install("-c", CONSTRAINTS, "-e", target)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """The spec's house rules and examples, the overlays (strict), ruff, mypy --strict on the tooling and the client."""
    _install(session, "lint")
    session.run("rstar-spec", "lint")
    session.run("rstar-spec", "validate")
    session.run("rstar-spec", "overlay", "lint")
    session.run("ruff", "check", *PYTHON_SOURCES)
    session.run("ruff", "format", "--check", *PYTHON_SOURCES)
    session.run("mypy", "--strict", "src/rstar_spec")  # the tooling and the client runtime it ships
    with session.chdir(GENERATED_CLIENT):  # with the generated package's own ruff and mypy settings
        session.run("ruff", "check", "--no-cache", ".")
        session.run("mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "reception_star")


@nox.session(python=PYTHON)
def drift(session: nox.Session) -> None:
    """Fail when generated/ is stale: run `nox -s generate` after a spec edit.

    Compares generated/ with what spec/, overlays/ and templates/ make (publish --check, generate --check), and
    the client runtime's sync flows with its async ones (unasync --check)."""
    _install(session)
    session.run("rstar-spec", "unasync", "--check")
    session.run("rstar-spec", "publish", "--check")
    session.run("rstar-spec", "generate", "--check")


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Rewrite everything that derives from the spec (client, published files); `-- --check` compares.

    After a spec edit and a new info.version: the client in generated/python/, the published files in
    generated/openapi/ (earlier releases kept as they are), the runtime's sync flows. Commit them with spec/."""
    _install(session)
    if "--check" not in session.posargs:
        session.run("rstar-spec", "unasync")  # the runtime's sync flows, from the async ones
    session.run("rstar-spec", "generate", *session.posargs)
    session.run("rstar-spec", "publish", *session.posargs)  # refuses to change a committed release: bump first


@nox.session(python=PYTHON)
def mock(session: nox.Session) -> None:
    """Serve the API from the spec on http://127.0.0.1:8080/api/v3 (`-- --port 9000 --rate-limit 5`)."""
    _install(session)
    session.run("rstar-spec", "mock", *session.posargs)  # answers validated unless --no-validate-responses


@nox.session(python=PYTHON)
def contract(session: nox.Session) -> None:
    """The contract suite against the embedded mock, or `-- --base-url URL` with RSTAR_API_KEY set."""
    _install(session)
    session.run("rstar-spec", "contract", *session.posargs)


@nox.session(python=PYTHON)
def publish(session: nox.Session) -> None:
    """Write generated/openapi/: the 3.1 document, its dereferenced variant, the 3.0.3 rendering."""
    _install(session)
    session.run("rstar-spec", "publish")


@nox.session(python=PYTHON)
def breaking(session: nox.Session) -> None:
    """Breaking changes since the last spec commit on main need a new major info.version (`-- --ref REF`)."""
    _install(session)
    session.run("rstar-spec", "breaking", *session.posargs)


def _npm_tools(session: nox.Session) -> None:
    session.run("npm", "ci", "--prefix", NPM_TOOLS, "--silent", external=True)


def _check_written(session: nox.Session, path: str, looks_right: Callable[[str], bool], what: str) -> None:
    """A tool's output exists and is what it should be; else the session fails naming it (tools exit 0 on
    errors they only print)."""
    try:
        with open(path, encoding="utf-8") as written:
            ok = looks_right(written.read())
    except (OSError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        session.error(f"{path}: {what} was not written (see the tool's output above)")
    session.log(f"wrote {path} ({what}, {os.path.getsize(path):,} bytes)")


RENDERINGS = (PUBLISHED, PUBLISHED.replace(".yaml", ".dereferenced.yaml"), PUBLISHED.replace(".yaml", ".3.0.yaml"))


@nox.session(python=PYTHON, name="other-languages")
def other_languages(session: nox.Session) -> None:
    """The published spec as other teams use it: TypeScript client, Redocly, Spectral, Postman (needs npm).

    A TypeScript client (openapi-typescript + openapi-fetch) that runs against the mock, zero Redocly
    `recommended` and Spectral `oas` warnings on every rendering, a Postman collection in dist/postman/."""
    _install(session, "test")
    session.run("rstar-spec", "publish", "--check")
    _npm_tools(session)
    typings = "dist/ts/reception-star.d.ts"
    if os.path.exists(typings):
        os.remove(typings)
    session.run(f"{NPM_BIN}/openapi-typescript", PUBLISHED, "-o", typings, external=True)
    _check_written(session, typings, lambda text: "export interface paths" in text, "TypeScript types")
    session.run(f"{NPM_BIN}/tsc", "-p", "tests/typescript/tsconfig.json", external=True)
    for rendering in RENDERINGS:
        # Redocly exits 0 on warnings: count them (tools/lint/redocly.yaml says what is off, and why)
        report = session.run(
            f"{NPM_BIN}/redocly", "lint", rendering, "--config", "tools/lint/redocly.yaml", "--format=json",
            external=True, silent=True,
        )  # fmt: skip
        text = str(report)  # stdout and stderr together: the report is the object that holds "totals"
        totals = json.JSONDecoder().raw_decode(text, text.index('{\n  "totals"'))[0]["totals"]
        if totals["errors"] or totals["warnings"]:
            session.error(f"Redocly recommended: {rendering}: {totals['errors']} errors, {totals['warnings']} warnings")
        session.log(f"Redocly recommended: {rendering}: 0 errors, 0 warnings")
        session.run(
            f"{NPM_BIN}/spectral", "lint", "-r", "tools/lint/spectral.yaml", "--fail-severity=hint", rendering,
            external=True,
        )  # fmt: skip
    # The TypeScript program against the mock (both profiles), and against broken variants that must fail it.
    session.run("pytest", "-m", "other_languages", "-n", "0", "tests/typescript", *session.posargs)
    postman = "dist/postman/reception-star.postman_collection.json"
    os.makedirs(os.path.dirname(postman), exist_ok=True)  # openapi2postmanv2 makes no folder, and exits 0 then
    if os.path.exists(postman):
        os.remove(postman)  # so that a file found after the run is this run's
    session.run(
        f"{NPM_BIN}/openapi2postmanv2", "-s", PUBLISHED, "-o", postman, "-p", "-O", "folderStrategy=Tags",
        external=True, silent=True,
    )  # fmt: skip
    # The converter exits 0 on errors it only prints: judge by what it wrote.
    _check_written(session, postman, lambda text: len(json.loads(text)["item"]) > 0, "a Postman collection")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Static HTML reference in dist/docs/ (Redocly), checked in headless Chromium (needs npm, chromium)."""
    import os
    import shutil

    _install(session, "test")
    _npm_tools(session)
    session.run(f"{NPM_BIN}/redocly", "build-docs", PUBLISHED, "-o", "dist/docs/index.html", external=True)
    if not shutil.which("chromium") and hasattr(os, "geteuid") and os.geteuid() == 0:
        session.run("apt-get", "install", "-y", "-qq", "chromium", external=True)
    session.run("pytest", "-m", "docs", "tests/docs", *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite; extra arguments go to pytest (`nox -s tests -- -k bundle`)."""
    _install(session, "test")
    # The generated client, editable: the tests import what generated/python/ holds now.
    session.install("-c", CONSTRAINTS, "-e", GENERATED_CLIENT)
    session.run("pytest", *session.posargs, env=_bytecode_cache(session))


def _bytecode_cache(session: nox.Session) -> dict[str, str | None]:
    """Bytecode written once, in the session's virtualenv, whatever PYTHONDONTWRITEBYTECODE says outside: the
    suite starts many Python processes (schemathesis runs, the CLI, the generated client's checks), and without
    .pyc files each one compiles every module it imports again (0.9 s of a schemathesis run's 1.6 s CPU)."""
    return {
        "PYTHONDONTWRITEBYTECODE": None,
        "PYTHONPYCACHEPREFIX": os.path.join(session.virtualenv.location, "pycache"),
    }


@nox.session(python=PYTHON)
def stress(session: nox.Session) -> None:
    """Floods against the mock on 127.0.0.1: thousands of slow connections, a flood of token requests."""
    _install(session, "test")
    session.run("pytest", "-m", "stress", "-n", "0", "tests/stress", *session.posargs)


@nox.session(python=PYTHON)
def dist(session: nox.Session) -> None:
    """Build the Python client's wheel and sdist, check them, run the quick start from the wheel (needs PyPI).

    Wheel and sdist of generated/python/ (version = the spec's info.version), twine check, the wheel alone in a
    fresh venv running the README's quick start against the mock. Not in .ci/run."""
    import glob
    import shutil
    import tomllib

    _install(session, "dist")
    session.run("rstar-spec", "generate", "--check")
    out = "dist/python"
    shutil.rmtree(out, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", out, GENERATED_CLIENT)
    built = sorted(glob.glob(f"{out}/*.whl") + glob.glob(f"{out}/*.tar.gz"))
    with open(f"{GENERATED_CLIENT}/pyproject.toml", "rb") as pyproject:
        version = tomllib.load(pyproject)["project"]["version"]
    if len(built) != 2 or not all(f"-{version}" in name for name in built):
        session.error(f"expected a wheel and an sdist of version {version}, found {built}")
    session.run("twine", "check", "--strict", *built)
    venv = f"{out}/venv"
    session.run("python", "-m", "venv", "--clear", venv)
    wheel = next(name for name in built if name.endswith(".whl"))
    session.run(f"{venv}/bin/python", "-m", "pip", "install", "--quiet", "-c", CONSTRAINTS, wheel, external=True)
    session.run("python", "tests/dist/run_quick_start.py", f"{venv}/bin/python")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Speed and memory against the targets, as tables (`-- --quick` for a smoke run)."""
    _install(session)
    session.install("-c", CONSTRAINTS, "-e", GENERATED_CLIENT)
    session.run("python", "bench/run.py", *session.posargs)


@nox.session(python=PYTHON, venv_backend="none")
def lock(session: nox.Session) -> None:
    """Re-pin every package of every extra into requirements/constraints.txt."""
    session.run(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        "--all-extras",
        "--python-version",
        PYTHON,
        "--custom-compile-command",
        "nox -s lock",
        "--upgrade",
        "-o",
        CONSTRAINTS,
        external=True,
    )


@nox.session(python=PYTHON)
def oracle(session: nox.Session) -> None:
    """The traffic checker against openapi-core 0.23 on the same exchanges (its own environment).

    openapi-core needs openapi-spec-validator < 0.9, the test extra pins 0.9.0; so not in `nox -s tests`."""
    session.install("-r", "requirements/oracle.txt")
    session.run("pytest", "-n", "0", "tests/test_traffic_oracle.py", *session.posargs)


@nox.session(python=PYTHON)
def soak(session: nox.Session) -> None:
    """Guarded contract runs, 20 seeds in a row, against correct servers; any failure fails it (minutes).

    The servers run on 127.0.0.1: the liberal mock, and one that gives deleted ids again. Not in CI
    (`-- --seeds 3` to try it)."""
    _install(session)
    session.run("python", "tests/soak/contract_soak.py", *session.posargs)
