"""Entry points of the repository: `nox` runs the main job, `nox -s NAME` one session.

Sessions install the project with every package pinned by
requirements/constraints.txt (`nox -s lock` regenerates it), in virtualenvs made
by uv when it is installed (`pip install "nox[uv]"`), by virtualenv otherwise.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint"]

PYTHON = "3.11"
CONSTRAINTS = "requirements/constraints.txt"
PYTHON_SOURCES = ["src", "tests", "bench", "noxfile.py"]


def _install(session: nox.Session, *extras: str) -> None:
    target = f".[{','.join(extras)}]" if extras else "."
    session.install("-c", CONSTRAINTS, "-e", target)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """The spec's house rules and examples, the overlays (strict), and ruff on the tooling."""
    _install(session, "lint")
    session.run("rstar-spec", "lint")
    session.run("rstar-spec", "validate")
    session.run("rstar-spec", "overlay", "lint")
    session.run("ruff", "check", *PYTHON_SOURCES)
    session.run("ruff", "format", "--check", *PYTHON_SOURCES)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite; extra arguments go to pytest (`nox -s tests -- -k bundle`)."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Speed and memory against the targets, as tables (`-- --quick` for a smoke run)."""
    _install(session)
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
