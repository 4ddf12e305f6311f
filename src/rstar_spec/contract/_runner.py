"""The contract suite: schemathesis with every built-in check and ours, stateful
testing through the spec's links, against the embedded mock or any server.

Against the embedded mock the suite has full power: any id, any method. Against
--base-url it works on a real account, so the run is guarded (_guard.py): it
creates the items it writes on, in every collection it may create in (the
resources it can also delete), every request goes through the guard's proxy,
and everything it created is deleted before it exits, also when checks fail or
the run is interrupted (SIGINT, SIGTERM). A create the run could not undo is
left out of the run, and the coverage says why. --read-only sends only reads and
the token request. The cleanup gives up after CLEANUP_BUDGET seconds in all; the
ledger is kept and `rstar-spec contract --base-url URL --cleanup LEDGER` finishes it.

Output: what needs a person's attention (schemathesis's failures, the coverage's
headline and gaps, the gate's verdict); schemathesis's whole report and the whole
coverage table with -v.

Credentials come from the environment only: RSTAR_API_KEY (and, for the 403
checks, RSTAR_READONLY_API_KEY). Against the embedded mock they default to the
mock's own keys. Nothing here prints them; schemathesis masks them in its output,
and what it prints and writes passes through a mask of every secret the run has met
(its keys, the tokens issued during it), so a server that echoes one gets it masked
(_masking.py).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import json
import logging
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..core.errors import RstarError, UsageError
from ..core.pointer import to_string
from ..core.redaction import Masker
from ._account import CLEANUP_BUDGET, Account
from ._guard import Guard, Ledger, Routes, render, summary, write_labels
from ._masking import learning, mask_files, pump, report_paths, run_masker, watch
from ._proxy import running_proxy
from ._spec import SuiteSpec, TokenRecipe, suite_spec

if TYPE_CHECKING:
    from ._coverage import CoverageOptions

CONFIG = "schemathesis.toml"
ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
GUARD_ENV = "RSTAR_CONTRACT_GUARD"
FIXTURES = 2  # items the run creates first in each collection it may create in, for its writes to work on
# A guarded run probes for 405 only with methods that change nothing: an undocumented PATCH or
# DELETE that a server does implement would act on real data.
GUARDED_CONFIG = """
[phases.coverage]
unexpected-methods = ["get", "options", "trace"]
"""


@dataclass
class ContractOptions:
    base_url: str | None = None
    max_examples: int = 30
    max_time: int | None = None
    rate_limit: str | None = None
    junit: Path | None = None
    phases: tuple[str, ...] = ALL_PHASES
    seed: int | None = None
    max_failures: int | None = None
    read_only: bool = False
    mock_profile: str = "reference"
    ledger: Path | None = None
    cleanup: Path | None = None  # finish an earlier run's cleanup from its ledger, and run nothing
    cleanup_budget: float = CLEANUP_BUDGET
    extra: list[str] = field(default_factory=list)
    coverage: CoverageOptions | None = None  # the outputs of the run's coverage (_coverage.py)
    verbose: bool = False  # schemathesis's whole report and the whole coverage table
    left_out: dict[str, str] = field(default_factory=dict)  # operation label -> why the run does not test it


def _schemathesis() -> list[str]:
    beside = Path(sys.executable).parent / "schemathesis"
    found = str(beside) if beside.exists() else shutil.which("schemathesis")
    if found is None:
        raise UsageError("schemathesis is not installed (nox -s contract installs it)")
    return [found]


class _Terminated(KeyboardInterrupt):
    """SIGTERM, taken as Ctrl-C; unlike a terminal's Ctrl-C it reached this process alone."""


def _wait(process: subprocess.Popen[bytes]) -> int:
    """The child's exit code. Interrupted, the child gets the chance to stop on its own (a terminal's
    Ctrl-C reaches it too), then SIGINT, then is killed; the interrupt goes on to the caller. After
    SIGTERM, which the child did not get, SIGINT at once: a cancelled CI job is killed soon after."""
    try:
        return process.wait()
    except KeyboardInterrupt as interrupt:
        steps = ((None, 3.0), (signal.SIGINT, 15.0), (signal.SIGKILL, 5.0))
        for step, grace in steps[1:] if isinstance(interrupt, _Terminated) else steps:
            if step is not None and process.poll() is None:
                process.send_signal(step)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
                break
        raise


def auth_config(recipe: TokenRecipe | None) -> str:
    """schemathesis's dynamic auth for the document's token operation: the API key from the environment."""
    if recipe is None:
        return ""
    payload = ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in recipe.body("${RSTAR_API_KEY}").items())
    return (
        f"\n[auth.dynamic.openapi.{json.dumps(recipe.scheme)}]\n"
        "# A token from the token operation with the API key of the environment; fetched again when an answer\n"
        "# is 401 (an expired token).\n"
        f"path = {json.dumps(recipe.path)}\nmethod = {json.dumps(recipe.method)}\npayload = {{ {payload} }}\n"
        f"extract_selector = {json.dumps(to_string((recipe.token_field,)))}\nretry_on = [401]\n"
    )


def _left_out(doc: dict[str, Any], labels: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The document schemathesis tests, and its arguments: the operations of `labels` left out (by operationId;
    one without an operationId is removed from the copy it reads)."""
    if not labels:
        return doc, []
    spec = suite_spec(doc)
    args: list[str] = []
    removed = (
        copy.deepcopy(doc)
        if any(op.operation_id is None and op.label in labels for op in spec.view.operations)
        else doc
    )
    for op in spec.view.operations:
        if op.label not in labels:
            continue
        if op.operation_id is not None:
            args += ["--exclude-operation-id", op.operation_id]
        elif isinstance(item := (removed.get("paths") or {}).get(op.template), dict):
            item.pop(op.method, None)
    return removed, args


def run_schemathesis(
    doc: dict[str, Any], base_url: str, options: ContractOptions, env: dict[str, str], guarded: bool = False,
    masker: Masker | None = None,
) -> int:  # fmt: skip
    """One schemathesis run of the suite's configuration; its exit code. Its report is printed whole with
    options.verbose; else only its failures and its summary. What it prints and the reports it writes hold
    no secret masker knows (by default the run's API keys; see _masking.py)."""
    masker = masker if masker is not None else run_masker(env)
    tested, excluded = _left_out(doc, options.left_out)
    with tempfile.TemporaryDirectory(prefix="rstar-contract-") as tmp:
        spec = Path(tmp) / "openapi.json"
        spec.write_text(json.dumps(tested), encoding="utf-8")
        config_path = Path(tmp) / CONFIG
        config_text = resources.files(__package__).joinpath(CONFIG).read_text(encoding="utf-8")
        config_text += auth_config(suite_spec(doc).token) + (GUARDED_CONFIG if guarded else "")
        config_path.write_text(config_text, encoding="utf-8")
        seed = options.seed if options.seed is not None else random.randrange(2**31)
        cmd = [*_schemathesis(), "--config-file", str(config_path), "run", str(spec), "--url", base_url,
               "--checks", "all", "--max-examples", str(options.max_examples), "--phases", ",".join(options.phases),
               "--seed", str(seed)]  # fmt: skip
        if options.max_time:
            cmd += ["--max-time", str(options.max_time)]
        if options.rate_limit:
            cmd += ["--rate-limit", options.rate_limit]
        if options.junit:
            cmd += ["--report", "junit", "--report-junit-path", str(options.junit)]
        if options.max_failures:
            cmd += ["--max-failures", str(options.max_failures)]
        cmd += excluded + options.extra
        started = time.time()
        if options.verbose and sys.stdout.isatty() and "--no-color" not in options.extra:
            cmd.append("--force-color")  # its output passes through a pipe, to be masked, on its way to a terminal
        report = sys.stdout if options.verbose else io.StringIO()  # without -v, kept for its digest
        process = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None and process.stderr is not None
        pumps = [pump(process.stdout, report, masker), pump(process.stderr, sys.stderr, masker)]
        try:
            code = _wait(process)
        finally:
            for thread in pumps:
                thread.join(timeout=30)
            mask_files(report_paths(cmd, started, Path(tmp)), masker)
        if isinstance(report, io.StringIO):
            sys.stdout.write(masker.mask(digest(report.getvalue(), code)))  # again: with every secret learnt by now
            sys.stdout.flush()
        return code


_RULE = re.compile(r"^=+ (.+?) =+$")


def digest(report: str, code: int) -> str:
    """What of schemathesis's report needs a person: on success its closing lines (operations, cases, seed,
    verdict); else everything from its first section (failures, errors, summary) on, or all of it when it has
    none."""
    lines = report.splitlines()
    first = next((i for i, line in enumerate(lines) if _RULE.match(line.strip())), None)
    if code != 0 or first is None:
        return "\n".join(lines[first or 0 :]) + ("\n" if lines else "")
    shown = []
    for i, line in enumerate(lines[first:], first):
        if line.startswith("  Selected:") or line.startswith("Seed:"):
            shown.append(line.strip())
        elif line.startswith("Test cases:") and i + 1 < len(lines):
            shown.append(f"Test cases: {lines[i + 1].strip()}")
    shown.append(lines[-1].strip() if _RULE.match(lines[-1].strip()) else "")
    return "\n".join(line for line in shown if line) + "\n"


class _ProbesQuiet(logging.Filter):
    """uvicorn's warning for a request it cannot parse: schemathesis sends such probes on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Invalid HTTP request received")


@contextlib.contextmanager
def quiet_probes(verbose: bool) -> Iterator[None]:
    if verbose:
        yield
        return
    logger, quiet = logging.getLogger("uvicorn.error"), _ProbesQuiet()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a CI job cancelled) takes the same way out as Ctrl-C: through the cleanup."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _say(message: str) -> None:
    print(f"contract: {message}", file=sys.stderr, flush=True)


def _fixtures(
    spec: SuiteSpec, account: Account, run_id: str, ledger: Ledger, routes: Routes
) -> tuple[dict[str, list[str]], dict[str, str | None]]:
    """The run's own items, FIXTURES in each collection it may create in (a nested one under the parent's first
    fixture), and an absent id for every resource: (concrete collection -> ids, collection template -> id)."""
    keep: dict[str, list[str]] = {}
    absent: dict[str, str | None] = {}
    for resource in sorted(spec.resources, key=lambda r: r.collection.template.count("/")):  # parents first
        parent = spec.parent(resource)
        values: dict[str, str] = {}
        if parent is not None and parent.item is not None:
            owned = ledger.live_items(parent.collection)
            if owned:
                values = parent.item.match(owned[0]) or {}
            elif absent.get(parent.collection.template):
                values = {parent.id_param or "": absent[parent.collection.template] or ""}
            else:
                absent[resource.collection.template] = None
                continue
        absent[resource.collection.template] = account.absent_id(resource, values)
        if resource.collection.template in routes.creating:
            collection = render(resource.collection, values)
            keep[collection] = [
                account.create_fixture(resource, collection, run_id, ledger, n + 1) for n in range(FIXTURES)
            ]
    return keep, absent


def left_out_of_guarded(spec: SuiteSpec, routes: Routes) -> dict[str, str]:
    """Operation label -> why a guarded run does not test it: a create it could not undo, a write on no resource."""
    found: dict[str, str] = {}
    never = routes.never_created
    for resource in spec.resources:
        create = resource.op("create")
        if create is not None and resource.collection.template in never:
            found[create.label] = f"never created against a live server: {never[resource.collection.template]}"
    for unplaced in spec.view.resources.unplaced:
        if unplaced.operation.method.upper() not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            found[unplaced.operation.label] = f"a write on no resource, never sent to a live server: {unplaced.reason}"
    return found


def run_guarded(doc: dict[str, Any], options: ContractOptions, env: dict[str, str]) -> int:
    """The suite against a server we do not run: writes only on the run's own items, all deleted after."""
    assert options.base_url is not None
    base_url = options.base_url.rstrip("/")
    url = urlsplit(base_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise UsageError(f"--base-url {options.base_url!r} is not an http(s) URL")
    routes = Routes.from_doc(doc, url.path.rstrip("/"))
    spec = routes.spec
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)
    kept_ledger = options.ledger
    with contextlib.ExitStack() as stack:
        if options.ledger is None:
            ledger = Ledger(
                Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rstar-ledger-"))) / "ledger.jsonl"
            )
        else:
            # A ledger that holds a record already is an earlier run's: this run deletes only its own.
            if options.ledger.exists() and options.ledger.stat().st_size:
                raise UsageError(
                    f"--ledger {options.ledger}: holds an earlier run's record; keep it, pass another file"
                )
            ledger = Ledger(options.ledger)
            ledger.path.parent.mkdir(parents=True, exist_ok=True)
            ledger.path.touch()
        account = Account(base_url, env["RSTAR_API_KEY"], spec)
        stack.callback(account.close)
        from ._coverage import RunCoverage  # here: the schemathesis process imports this package, not it

        masker = run_masker(env)
        if url.password:
            masker.add(url.password)
        watch(account._http, masker)  # the account's token
        coverage = stack.enter_context(RunCoverage(doc, options.coverage, routes.base_path))
        coverage.mask = masker.mask
        coverage.watch(account._http)  # the guard's and the cleanup's requests, counted apart
        guard = Guard(routes, ledger, absent={}, read_only=options.read_only)
        code, interrupted, started = 1, False, False
        with _sigterm_interrupts():
            try:
                if options.read_only:
                    keep: dict[str, list[str]] = {}
                    left_out = dict.fromkeys(write_labels(spec), "--read-only sends no write")
                    guard.absent = {}
                else:
                    keep, guard.absent = _fixtures(spec, account, run_id, ledger, routes)
                    left_out = left_out_of_guarded(spec, routes)
                made = sum(len(ids) for ids in keep.values())
                mode = "read-only: reads and the token request only" if options.read_only else (
                    f"writes only on the items this run creates ({made} made in {len(keep)} collections for its "
                    f"writes), 404 paths on ids that answered 404"
                )  # fmt: skip
                _say(f"guarded run {run_id} against {base_url}; {mode}")
                run_env = {**env, GUARD_ENV: json.dumps({"ledger": str(ledger.path), "absent": guard.absent,
                                                         "keep": keep})}  # fmt: skip
                options = dataclasses.replace(options, left_out={**options.left_out, **left_out})
                coverage.leave_out(options.left_out)
                coverage.describe(target=base_url)
                with (
                    running_proxy(
                        guard, f"{url.scheme}://{url.netloc}", lambda app: learning(coverage.observe(app), masker)
                    ) as proxy,  # fmt: skip
                    coverage.suite(),
                    quiet_probes(options.verbose),
                ):
                    started = True
                    run_env.update(coverage.env)
                    options = _seeded(options)
                    coverage.describe(seed=options.seed)
                    code = run_schemathesis(doc, proxy + routes.base_path, options, run_env, True, masker)
            except KeyboardInterrupt:
                interrupted, code = True, 130
                _say("interrupted: deleting what this run created (Ctrl-C again leaves it and lists it)")
            finally:
                code, unfinished = _clean_up(account, ledger, guard, code, started, options.cleanup_budget)
                if unfinished:
                    kept = kept_ledger or _keep(ledger, run_id)
                    _say(f"finish the cleanup later: rstar-spec contract --base-url {base_url} --cleanup {kept}")
        return 130 if interrupted else coverage.finish(code, verbose=options.verbose)


def _seeded(options: ContractOptions) -> ContractOptions:
    """The run's seed: the one given, else one drawn here, so that the coverage can name it."""
    return options if options.seed is not None else dataclasses.replace(options, seed=random.randrange(2**31))


def _keep(ledger: Ledger, run_id: str) -> Path:
    """The temporary ledger of an unfinished cleanup, copied where the user can finish it: a new file in the
    working directory (a CI job's workspace), else in the system's temporary folder; nothing replaced."""
    text = ledger.path.read_bytes()
    name = f"rstar-contract-{run_id}.ledger.jsonl"
    try:
        with open(name, "xb") as out:
            out.write(text)
        return Path(name).resolve()
    except OSError:
        fd, path = tempfile.mkstemp(prefix=f"rstar-contract-{run_id}-", suffix=".ledger.jsonl")
        with os.fdopen(fd, "wb") as out:
            out.write(text)
        return Path(path)


def run_cleanup(doc: dict[str, Any], options: ContractOptions, env: dict[str, str]) -> int:
    """`--cleanup LEDGER`: delete what an earlier run's ledger says is left; 0 when all is gone, 1 when not."""
    assert options.cleanup is not None
    if not options.base_url:
        raise UsageError("--cleanup needs --base-url: the server the run worked on")
    base_url = options.base_url.rstrip("/")
    url = urlsplit(base_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise UsageError(f"--base-url {options.base_url!r} is not an http(s) URL")
    ledger = Ledger(options.cleanup)
    problem = ledger.problem()
    if problem:
        raise UsageError(f"--cleanup {options.cleanup}: {problem}")
    account = Account(base_url, env["RSTAR_API_KEY"], suite_spec(doc))
    try:
        left = account.delete_all(ledger, options.cleanup_budget)
    except KeyboardInterrupt:
        left = ["(interrupted)"]
    finally:
        account.close()
    created = ledger.created()
    if left:
        _say(f"could not delete {len(left)} of the {len(created)} items of {options.cleanup}: {', '.join(left)}")
        _say(f"finish the cleanup later: rstar-spec contract --base-url {base_url} --cleanup {options.cleanup}")
        return 1
    _say(f"cleanup of {options.cleanup} done: none of its {len(created)} items is left")
    return 0


def _clean_up(
    account: Account, ledger: Ledger, guard: Guard, code: int, started: bool, budget: float
) -> tuple[int, bool]:
    """The run's exit code after the cleanup, and whether the cleanup left something to finish later."""
    created = ledger.created()
    if not created and not started and not ledger.pending():  # stopped before anything was sent or made
        return code, False
    try:
        left = account.delete_all(ledger, budget)
    except (KeyboardInterrupt, RstarError) as exc:
        why = exc.message if isinstance(exc, RstarError) else "cleanup interrupted"
        latest = ledger.latest()  # what the ledger says the run still has: the report agrees with it
        left = [f"{i} ({why})" for c, i, _ in ledger.created() if latest.get((c, i)) == "created"]
    created = ledger.created()  # with the creations the cleanup found by their mark
    _say(summary(guard, created))
    for refused in guard.refused:
        _say(f"refused, not sent: {refused}")
    for uncertain in guard.uncertain:
        _say(f"may have created an item it cannot name: {uncertain}")
    collections = len({c for c, _, _ in created})
    if left:
        _say(f"could not delete {len(left)} of the {len(created)} items this run created: {', '.join(left)}")
    elif created:
        _say(f"deleted the {len(created)} items this run created (in {collections} collections)")
    problems = bool(left or guard.refused or guard.uncertain)
    return (code if code or not problems else 1), bool(left)


def run_contract(root_file: Path, overlays_dir: Path, options: ContractOptions) -> int:
    """Against options.base_url (guarded), or the embedded mock started on a free loopback port."""
    from ..overlay.pipeline import build_target

    env = dict(os.environ)
    env.pop(GUARD_ENV, None)
    if options.cleanup is not None or options.base_url:
        if not env.get("RSTAR_API_KEY"):
            raise UsageError(
                "RSTAR_API_KEY is not set: the suite authenticates with it (from the environment, never argv)"
            )
        from ..oas.bundle import bundle

        if options.cleanup is not None:
            return run_cleanup(bundle(root_file).data, options, env)
        return run_guarded(bundle(root_file).data, options, env)
    if options.read_only:
        raise UsageError("--read-only is for --base-url runs: the embedded mock is tested with full power")
    from ..mock import Credentials, MockSettings, running_mock
    from ._coverage import RunCoverage

    credentials = Credentials.from_env()
    env.setdefault("RSTAR_API_KEY", credentials.api_key)
    env.setdefault("RSTAR_READONLY_API_KEY", credentials.readonly_api_key)
    doc = build_target(root_file, "mock", overlays_dir)
    settings = MockSettings(credentials=credentials, validate_responses=True, profile=options.mock_profile)
    masker = run_masker(env)
    options = _seeded(options)
    with RunCoverage(doc, options.coverage) as coverage:
        coverage.mask = masker.mask
        coverage.describe(target=f"the embedded mock ({options.mock_profile} profile)", seed=options.seed)
        with (
            quiet_probes(options.verbose),
            running_mock(doc, settings, wrap=lambda app: learning(coverage.observe(app), masker)) as base_url,
            coverage.suite(),
        ):
            _say(f"embedded mock ({options.mock_profile} profile) on {base_url}")
            code = run_schemathesis(doc, base_url, options, {**env, **coverage.env}, masker=masker)
        return coverage.finish(code, verbose=options.verbose)
