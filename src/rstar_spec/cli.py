"""The `rstar-spec` command: a thin layer of argument parsing over the modules.

Exit codes, one meaning each for every command: 0 fine; 1 findings (lint errors,
invalid examples, breaking changes, stale files, traffic findings); 2 bad input that
stopped the command (a wrong flag, a broken file, a bad $ref), reported as one line
that names the place.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .core.errors import Location, PublishError, RstarError, UsageError, display_path
from .core.limits import HEADER_TIMEOUT, MAX_BODY_BYTES, MAX_CONNECTIONS
from .core.progress import showing_progress, step
from .core.yaml_io import dump_for, load_stream, load_yaml, write_atomic
from .oas.bundle import Bundle, bundle

DEFAULT_SPEC = Path("spec/openapi.yaml")
DEFAULT_OVERLAYS_DIR = Path("overlays")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not a usage block."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        raise SystemExit(2)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rstar-spec", description="Tooling for the Reception Star API v3 spec.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="also say what needs no attention")
    parser.add_argument(
        "--spec",
        metavar="FILE",
        type=Path,
        default=DEFAULT_SPEC,
        help="root file of the source spec (default: %(default)s)",
    )
    parser.add_argument(
        "--overlays",
        dest="overlays_dir",
        metavar="DIR",
        type=Path,
        default=DEFAULT_OVERLAYS_DIR,
        help="folder of the overlays (default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    cmd = commands.add_parser("bundle", help="join the spec into one self-contained document")
    cmd.add_argument("-o", "--output", type=Path, help="write here (.json for JSON, else YAML) instead of stdout")
    cmd.add_argument("--target", metavar="NAME", help="apply overlays/NAME.yaml strictly: python-client, publish, mock")
    cmd.set_defaults(run=_bundle)

    cmd = commands.add_parser("validate", help="validate the bundle's structure and every example")
    cmd.set_defaults(run=_validate)

    cmd = commands.add_parser("lint", help="check the house rules; findings as file:line:col rule-id message")
    cmd.add_argument("--rule", action="append", metavar="ID", help="run only this rule (repeatable)")
    cmd.add_argument("--list", action="store_true", help="list the rules with their reasons and exit")
    cmd.add_argument("--format", choices=("text", "github"), default="text", help="github: workflow annotations")
    cmd.set_defaults(run=_lint)

    cmd = commands.add_parser("publish", help="write the published renderings (3.1, dereferenced, 3.0.3)")
    cmd.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="say everything")
    cmd.add_argument(
        "-o", "--output", type=Path, default=Path("generated/openapi"), help="folder (default: %(default)s)"
    )
    cmd.add_argument("--check", action="store_true", help="write nothing; exit 1 listing the files that are stale")
    cmd.set_defaults(run=_publish)

    cmd = commands.add_parser("generate", help="generate the Python client (openapi-python-client with templates/)")
    cmd.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="say everything")
    cmd.add_argument(
        "-o", "--output", type=Path, default=Path("generated/python"), help="folder (default: %(default)s)"
    )
    cmd.add_argument(
        "--templates",
        type=Path,
        default=Path("templates"),
        metavar="DIR",
        help="templates and the generator's config.yaml (default: %(default)s)",
    )
    cmd.add_argument("--check", action="store_true", help="write nothing; exit 1 listing the files that are stale")
    cmd.set_defaults(run=_generate)

    cmd = commands.add_parser("unasync", help="make the client runtime's sync flows from its async ones")
    cmd.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="say everything")
    cmd.add_argument("--check", action="store_true", help="write nothing; exit 1 listing the files that are stale")
    cmd.set_defaults(run=_unasync, uses_spec=False)

    cmd = commands.add_parser("diff", help="classify every change between two specs as breaking or not")
    cmd.add_argument("old", type=Path, nargs="?", help="the old spec: a document or the root of a split spec")
    cmd.add_argument("new", type=Path, nargs="?", help="the new spec (default: --spec)")
    cmd.add_argument("--format", choices=("text", "markdown"), default="text")
    cmd.add_argument(
        "--changelog", type=Path, metavar="FILE", help="write the section of the new info.version into FILE"
    )
    cmd.add_argument("--list", action="store_true", help="list the rules with their verdicts and reasons and exit")
    cmd.set_defaults(run=_diff)

    cmd = commands.add_parser("breaking", help="gate: breaking changes since a git ref need a new major info.version")
    cmd.add_argument(
        "--ref", help="compare with the spec at this commit (default: the last commit on main that changed spec/)"
    )
    cmd.add_argument("--changelog", type=Path, default=Path("CHANGELOG.md"), help="updated when info.version changed")
    cmd.set_defaults(run=_breaking)

    cmd = commands.add_parser("mock", help="serve the API from the spec on loopback, with the contract's behaviour")
    cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    cmd.add_argument("--port", type=int, default=8080, help="port (default: %(default)s; 0 picks a free one)")
    cmd.add_argument(
        "--token-ttl", type=_positive, default=10800, metavar="SECONDS", help="token lifetime (default: %(default)s)"
    )
    cmd.add_argument(
        "--rate-limit", type=_positive, metavar="N", help="answer 429 past N requests per token per second"
    )
    cmd.add_argument("--fail-every", type=_positive, metavar="N", help="answer every Nth request 503")
    cmd.add_argument(
        "--validate-responses",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="check every answer against the spec, a 500 if one does not match (default: on; "
        "--no-validate-responses to serve unchecked)",
    )
    cmd.add_argument(
        "--seed", type=int, default=36, metavar="N", help="items in every collection at start (default: %(default)s)"
    )
    cmd.add_argument("--access-log", action="store_true", help="log every request")
    cmd.add_argument(
        "--max-body", type=_positive, default=MAX_BODY_BYTES, metavar="BYTES",
        help="a longer request body is answered 413, unread (default: %(default)s)",
    )  # fmt: skip
    cmd.add_argument(
        "--header-timeout", type=_positive, default=int(HEADER_TIMEOUT), metavar="SECONDS",
        help="close a connection whose request headers take longer (default: %(default)s)",
    )  # fmt: skip
    cmd.add_argument(
        "--max-connections", type=_positive, default=MAX_CONNECTIONS, metavar="N",
        help="connections served at once; past it, closed or 503 (default: %(default)s)",
    )  # fmt: skip
    cmd.add_argument(
        "--profile", choices=("reference", "liberal"), default="reference",
        help="reference: our decisions; liberal: only what the contract page promises, every freedom taken",
    )  # fmt: skip
    cmd.add_argument(
        "--record", type=Path, metavar="FILE", help="write every exchange to this HAR file, secrets redacted"
    )
    cmd.set_defaults(run=_mock)

    cmd = commands.add_parser(
        "contract", help="the contract suite (schemathesis) against the embedded mock or --base-url"
    )
    cmd.add_argument(
        "--base-url", help="the API to test, e.g. https://my.receptionstar.com/api/v3 (default: the embedded mock)"
    )
    cmd.add_argument(
        "--max-examples",
        type=_positive,
        default=30,
        metavar="N",
        help="cases per operation and phase (default: %(default)s)",
    )
    cmd.add_argument("--max-time", type=_positive, metavar="SECONDS", help="time budget of the whole run")
    cmd.add_argument("--rate-limit", metavar="N/UNIT", help="at most N requests per second, minute... (e.g. 10/s)")
    cmd.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report here")
    cmd.add_argument(
        "--phases",
        default=",".join(("examples", "coverage", "fuzzing", "stateful")),
        help="comma-separated: examples, coverage, fuzzing, stateful (default: all)",
    )
    cmd.add_argument("--seed", type=int, help="reproduce a run")
    cmd.add_argument(
        "--read-only",
        action="store_true",
        help="with --base-url: only reads and the token request (production smoke tests)",
    )
    cmd.add_argument(
        "--mock-profile", choices=("reference", "liberal"), default="reference",
        help="the embedded mock's profile (see `rstar-spec mock --profile`)",
    )  # fmt: skip
    cmd.add_argument(
        "--ledger", type=Path, metavar="FILE",
        help="with --base-url: keep the run's record of the items it created here (default: a temporary file)",
    )  # fmt: skip
    cmd.add_argument(
        "--cleanup", type=Path, metavar="LEDGER",
        help="with --base-url: run nothing, finish an earlier run's cleanup from its ledger (RSTAR_API_KEY from the environment)",
    )  # fmt: skip
    cmd.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
        help="schemathesis's whole report and the whole coverage table (default: what needs attention)",
    )  # fmt: skip
    _coverage_arguments(cmd)
    cmd.set_defaults(run=_contract)

    overlay = commands.add_parser("overlay", help="apply or check OpenAPI Overlay 1.0/1.1 documents")
    overlay_commands = overlay.add_subparsers(
        dest="overlay_command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    cmd = overlay_commands.add_parser("apply", help="apply overlays, in order, to a document")
    cmd.add_argument("document", type=Path, help="the OpenAPI document (YAML or JSON; - for stdin)")
    cmd.add_argument("overlays", type=Path, nargs="+", metavar="OVERLAY", help="overlay documents, applied in order")
    cmd.add_argument("-o", "--output", type=Path, help="write here (.json for JSON, else YAML) instead of stdout")
    cmd.add_argument("--strict", action="store_true", help="a target that selects nothing is an error")
    cmd.set_defaults(run=_overlay_apply, uses_spec=False)
    cmd = overlay_commands.add_parser("lint", help="check overlays: schema-valid, and every action selects something")
    cmd.add_argument("overlays", type=Path, nargs="*", metavar="OVERLAY", help="default: every overlay in --overlays")
    cmd.set_defaults(run=_overlay_lint)
    _add_traffic_commands(commands)
    return parser


PUBLISHED_SPEC = Path("generated/openapi/reception-star.openapi.yaml")


def _add_traffic_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`traffic check|rules` and `proxy`: recorded and passing traffic checked against the spec."""
    spec_help = "the spec to check against: a split spec's root or any OpenAPI file (default: --spec if given, else the published 3.1 file)"
    traffic = commands.add_parser("traffic", help="check recorded traffic (HAR 1.2) against the spec")
    traffic_commands = traffic.add_subparsers(dest="traffic_command", required=True, metavar="COMMAND",
                                              parser_class=_Parser)  # fmt: skip
    cmd = traffic_commands.add_parser("check", help="findings as FILE#N METHOD PATH STATUS rule-id: message")
    cmd.add_argument(
        "files", type=Path, nargs="+", metavar="FILE", help="HAR files (browsers, mitmproxy, schemathesis, ours)"
    )
    cmd.add_argument("--spec", dest="traffic_spec", type=Path, metavar="FILE", help=spec_help)
    cmd.add_argument(
        "--base-url", help="check only entries under this origin and path (default: the spec's server path on any host)"
    )
    cmd.add_argument("--format", choices=("text", "json", "github"), default="text",
                     help="a line per finding, as found; json: JSON Lines, the summary last (default: %(default)s)")  # fmt: skip
    cmd.add_argument("--rule", action="append", metavar="ID", help="run only this rule (repeatable)")
    cmd.add_argument("--window", type=_positive_seconds, default=5.0, metavar="SECONDS",
                     help="two exchanges closer than this leave no room for another writer (default: %(default)s)")  # fmt: skip
    cmd.set_defaults(run=_traffic_check, uses_spec=False)
    cmd = traffic_commands.add_parser("rules", help="list the traffic rules with their reasons")
    cmd.set_defaults(run=_traffic_rules, uses_spec=False)

    cmd = commands.add_parser("proxy", help="forward to a server on loopback, checking each exchange as it passes")
    cmd.add_argument("--upstream", required=True, metavar="URL", help="the server's origin, e.g. http://127.0.0.1:9000")
    cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    cmd.add_argument("--port", type=int, default=8081, help="port (default: %(default)s; 0 picks a free one)")
    cmd.add_argument(
        "--record", type=Path, metavar="FILE", help="write every exchange to this HAR file, secrets redacted"
    )
    cmd.add_argument("--spec", dest="traffic_spec", type=Path, metavar="FILE", help=spec_help)
    cmd.add_argument("--window", type=_positive_seconds, default=5.0, metavar="SECONDS",
                     help="as for `traffic check` (default: %(default)s)")  # fmt: skip
    cmd.set_defaults(run=_proxy, uses_spec=False)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of seconds")
    return value


def _traffic_spec(args: argparse.Namespace) -> dict[str, object]:
    path = args.traffic_spec or (args.spec if args.spec != DEFAULT_SPEC else PUBLISHED_SPEC)
    return bundle(path).data


def _traffic_check(args: argparse.Namespace) -> int:
    from .traffic import Checker, FindingWriter, Spec, check_files

    checker = Checker(Spec.of(_traffic_spec(args)), args.base_url, args.window, args.rule)
    writer = FindingWriter(args.format, sys.stdout)  # each finding written as found: nothing is kept
    counts = check_files(checker, args.files, writer.write)
    writer.finish(counts)
    print(counts.line(), file=sys.stderr)
    return 1 if counts.findings else 0


def _traffic_rules(args: argparse.Namespace) -> int:
    from .traffic import RULES

    width = max(map(len, RULES))
    for rule_id, rule in RULES.items():
        print(f"{rule_id:<{width}}  {rule.kind:<6}  {rule.reason}")
    return 0


def _proxy(args: argparse.Namespace) -> int:
    from .traffic import Checker, Spec
    from .traffic.proxy import serve_proxy

    checker = Checker(Spec.of(_traffic_spec(args)), window=args.window)
    serve_proxy(checker, args.upstream, args.host, args.port, args.record)
    return 0


def _coverage_arguments(cmd: argparse.ArgumentParser) -> None:
    """The contract run's coverage: a table always; these add files and a gate (contract/_coverage.py)."""
    cmd.add_argument("--coverage", type=Path, metavar="FILE.json", help="write the run's coverage here as JSON")
    cmd.add_argument("--coverage-html", type=Path, metavar="FILE", help="write the coverage matrix here as HTML")
    cmd.add_argument(
        "--require-coverage", action="store_true",
        help="fail (exit 1) when a documented response was never observed, less the exemptions",
    )  # fmt: skip
    cmd.add_argument(
        "--coverage-exemptions", type=Path, metavar="FILE",
        help="responses --require-coverage does not ask for, each with a reason (default: the shipped list)",
    )  # fmt: skip


def _load(args: argparse.Namespace) -> Bundle:
    step("bundling")
    # Reading and bundling make trees, no cycles, and the document lives as long as the command: the cycle
    # collector is kept out of its way, or every full collection walks its millions of objects again (a
    # quarter of lint's time at 20,000 operations)
    gc.disable()
    try:
        result = bundle(args.spec)
    finally:
        gc.freeze()
        gc.enable()
    return result


def _write(data: object, output: Path | None) -> None:
    text = dump_for(output, data)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


def _bundle(args: argparse.Namespace) -> int:
    if args.target:
        from .overlay.pipeline import build_target  # overlays pull in jsonpath and jsonschema: only when asked

        _write(build_target(args.spec, args.target, args.overlays_dir), args.output)
    else:
        _write(_load(args).data, args.output)
    return 0


def _publish(args: argparse.Namespace) -> int:
    from .core.outputs import check_output_folder
    from .publish import render as publish

    if not args.check:
        check_output_folder(args.output)  # before any work: refused outputs are refused at once
    publication = publish.publication_for(args.spec, args.overlays_dir, args.output)  # earlier releases kept
    _refuse_changed_releases(publication, args.output, args.spec)
    if not args.check:
        publish.write(publication, args.output)  # first: a refused folder is one line
    if args.verbose:  # the same every run, and said in the published README: not news
        for loss in publication.losses:
            print(f"publish: 3.0.3 rendering: {loss}", file=sys.stderr)
    if args.check:
        stale = publish.check(publication, args.output)
        for line in stale:
            print(f"{display_path(args.output / line)}")
        if stale:
            print(
                f"publish: {len(stale)} stale files in {display_path(args.output)}/: run `nox -s publish`",
                file=sys.stderr,
            )
        return 1 if stale else 0
    print(f"publish: wrote {len(publication.files)} files to {display_path(args.output)}/", file=sys.stderr)
    return 0


def _refuse_changed_releases(
    publication: Any, output: Path, spec: Path, committed: dict[str, bytes] | None = None
) -> None:
    """A committed release never changes: refuse before anything is written (publish) or compared (breaking)."""
    from .diff import released

    changed = released.changed_releases(publication, output, committed)
    if changed:
        from .publish.releases import release_version

        raise released.refusal(changed, output, release_version(changed[0]) or "", spec)


def _unasync(args: argparse.Namespace) -> int:
    from .python_client import unasync as runtime_sync

    where = display_path(runtime_sync.RUNTIME / "_sync")
    if args.check:
        stale = runtime_sync.stale()
        if stale:
            print(f"unasync: {where}/ is stale ({', '.join(stale)}): run `rstar-spec unasync`", file=sys.stderr)
            return 1
        print(f"unasync: {where}/ matches _async/", file=sys.stderr)
        return 0
    written = runtime_sync.write()
    if written or args.verbose:
        print(f"unasync: wrote {len(written)} files to {where}/", file=sys.stderr)
    return 0


def _generate(args: argparse.Namespace) -> int:
    from .python_client import generate

    started = time.perf_counter()
    if not args.check:
        written = generate.generate_into(args.spec, args.overlays_dir, args.templates, args.output)
        elapsed = time.perf_counter() - started
        print(f"generate: wrote {written} files to {display_path(args.output)}/ in {elapsed:.1f} s", file=sys.stderr)
        return 0
    files = generate.generate(args.spec, args.overlays_dir, args.templates)
    stale = generate.check(files, args.output)
    if stale:
        print(
            f"generate: {len(stale)} stale files in {display_path(args.output)}/: run `nox -s generate`",
            file=sys.stderr,
        )
        for line in stale[:20]:
            print(f"  {line}")
        if len(stale) > 20:
            print(f"  ... and {len(stale) - 20} more")
        return 1
    print(f"generate: {display_path(args.output)}/ is up to date ({len(files)} files)", file=sys.stderr)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .diff.changelog import format_markdown, format_text
    from .diff.changes import diff

    if args.list:
        from .diff.rules import RULES

        width = max(map(len, RULES))
        for rule_id, rule in RULES.items():
            print(f"{rule_id:<{width}}  {rule.severity:<10}  {rule.reason}")
        return 0
    if args.old is None:
        raise RstarError("diff needs the old spec: rstar-spec diff OLD [NEW]")
    old, new = bundle(args.old), bundle(args.new or args.spec)
    changes = diff(old, new)
    versions = (str(old.data.get("info", {}).get("version")), str(new.data.get("info", {}).get("version")))
    if args.format == "markdown":
        sys.stdout.write(format_markdown(changes, *versions))
    else:
        sys.stdout.write(format_text(changes))
    if args.changelog:
        from .diff.gate import write_changelog

        write_changelog(args.changelog, versions[0], versions[1], changes)
    breaking, warnings = sum(c.breaking for c in changes), sum(c.warning for c in changes)
    also = f", {warnings} warnings" if warnings else ""
    print(f"diff: {len(changes)} changes, {breaking} breaking{also} ({versions[0]} -> {versions[1]})", file=sys.stderr)
    return 1 if breaking else 0


def _breaking(args: argparse.Namespace) -> int:
    from .diff import gate, released
    from .diff.changelog import format_text
    from .publish import render as publish
    from .publish.releases import DEFAULT_OUTPUT, release_version

    result = gate.check(args.spec, args.ref)
    if result.ref is None:
        print("breaking: no earlier spec in git history: nothing to compare", file=sys.stderr)
        return 0
    sys.stdout.write(format_text(list(result.changes)))
    warnings = sum(c.warning for c in result.changes)
    print(f"breaking: {len(result.changes)} changes since {result.ref[:12]}, {result.breaking} breaking"
          f"{f', {warnings} warnings' if warnings else ''} ({result.old_version} -> {result.new_version})",
          file=sys.stderr)  # fmt: skip
    if result.old_version != result.new_version:
        gate.write_changelog(args.changelog, result.old_version, result.new_version, list(result.changes))
        print(f"breaking: {display_path(args.changelog)} has a section for {result.new_version}", file=sys.stderr)
    if not result.passes:  # a finding, not bad input: exit 1, as diff does for the same changes
        print(f"breaking: {gate.refusal(result)}", file=sys.stderr)
        return 1
    # The committed release of this very version would change (an edit without a new info.version): say so
    # now, not at publish time. Only that version's files can: earlier ones are carried over byte for byte.
    output = args.spec.resolve().parent.parent / DEFAULT_OUTPUT
    committed = released.committed_releases(output) or {}
    if any(release_version(name) == result.new_version for name in committed):
        try:
            publication = publish.publication_for(args.spec, args.overlays_dir, output)
            _refuse_changed_releases(publication, output, args.spec, committed)
        except PublishError as exc:  # what publish refuses to write is what the gate finds: exit 1, not bad input
            print(f"breaking: {exc}", file=sys.stderr)
            return 1
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _mock(args: argparse.Namespace) -> int:
    from .mock import MockSettings, serve
    from .overlay.pipeline import build_target

    settings = MockSettings(
        token_ttl=args.token_ttl, rate_limit=args.rate_limit, fail_every=args.fail_every,
        validate_responses=args.validate_responses, seed=args.seed, profile=args.profile, max_body=args.max_body,
    )  # fmt: skip
    if args.overlays_dir.is_dir() or args.overlays_dir != DEFAULT_OVERLAYS_DIR:
        doc = build_target(args.spec, "mock", args.overlays_dir)
    else:  # a spec of someone else's, outside a checkout of ours: served as it is written
        doc = bundle(args.spec).data
        print(f"mock: no {display_path(args.overlays_dir)}/ here: serving {display_path(args.spec)} without an overlay",
              file=sys.stderr)  # fmt: skip
    recorder = None
    if args.record is not None:
        from .oas.secret_fields import secret_property_names
        from .traffic import HarRecorder
        from .traffic.recording import RecordingMiddleware

        recorder = HarRecorder(args.record, __version__, secret_names=secret_property_names(doc))
    try:
        serve(doc, settings, args.host, args.port, args.access_log, header_timeout=args.header_timeout,
              max_connections=args.max_connections,
              wrap=(lambda app: RecordingMiddleware(app, recorder.record)) if recorder is not None else None)  # fmt: skip
    finally:
        if recorder is not None:
            recorder.close()
    return 0


def _contract(args: argparse.Namespace) -> int:
    import os

    from .contract import ALL_PHASES, ContractOptions, run_contract
    from .contract._coverage import coverage_options

    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = [p for p in phases if p not in ALL_PHASES]
    if unknown or not phases:
        raise RstarError(f"unknown phase {unknown[0] if unknown else '(none)'!r}: use {', '.join(ALL_PHASES)}")
    options = ContractOptions(
        base_url=args.base_url, max_examples=args.max_examples, max_time=args.max_time,
        rate_limit=args.rate_limit, junit=args.junit, phases=phases, seed=args.seed, read_only=args.read_only,
        mock_profile=args.mock_profile, ledger=args.ledger, cleanup=args.cleanup, verbose=args.verbose,
        coverage=coverage_options(
            args.coverage, args.coverage_html, args.require_coverage, args.coverage_exemptions, os.environ
        ),
    )  # fmt: skip
    return run_contract(args.spec, args.overlays_dir, options)


def _overlay_apply(args: argparse.Namespace) -> int:
    from .overlay.engine import apply_overlays, load_overlay

    overlays = [load_overlay(path) for path in args.overlays]  # all checked before anything is applied
    if str(args.document) == "-":
        document = load_stream(getattr(sys.stdin, "buffer", sys.stdin), Path("<stdin>")).data
    else:
        document = load_yaml(args.document).data
    _write(apply_overlays(document, overlays, strict=args.strict), args.output)
    return 0


def _overlay_lint(args: argparse.Namespace) -> int:
    from .overlay.pipeline import check_overlays, overlay_files

    paths = args.overlays or overlay_files(args.overlays_dir)
    if not paths:
        raise RstarError(f"no overlays to check in {display_path(args.overlays_dir)}/")
    bundle(args.spec)  # a broken spec is bad input (exit 2), not a finding of every overlay checked against it
    failed = 0
    for check in check_overlays(args.spec, paths):
        if check.error is None:
            print(f"{display_path(check.path)}: ok, {check.actions} actions, each selects something", file=sys.stderr)
        else:
            failed += 1
            print(f"{check.error.location}: error: {check.error.message}" if check.error.location else str(check.error))
    return 1 if failed else 0


def _report(problems: Sequence[tuple[Location, str]]) -> int:
    for location, message in problems:
        print(f"{location}: {message}")
    return 1 if problems else 0


def _validate(args: argparse.Namespace) -> int:
    from .oas.validate import validate  # imported here: `bundle` does not need the validators

    result = _load(args)
    problems = [(result.locate(p.pointer), p.message) for p in validate(result.data, refs_resolved=True)]
    status = _report(sorted(problems))
    if not status:
        print(
            f"{display_path(args.spec)}: valid OpenAPI {result.data.get('openapi')}, every example matches its schema",
            file=sys.stderr,
        )
    return status


def _lint(args: argparse.Namespace) -> int:
    from .lint import RULES, run_rules

    if args.list:
        width = max(map(len, RULES))
        for rule_id, lint_rule in sorted(RULES.items()):
            print(f"{rule_id:<{width}}  {lint_rule.severity:<5}  {lint_rule.reason}")
        return 0
    unknown = [r for r in args.rule or () if r not in RULES]
    if unknown:
        raise RstarError(f"unknown lint rule {unknown[0]!r} (rstar-spec lint --list names them)")
    result = _load(args)
    findings = run_rules(result, args.rule)
    if args.format == "github":
        lines = [
            f"::{f.severity} file={display_path(f.location.file)},line={f.location.line},col={f.location.col},"
            f"title={f.rule}::{f.message}"
            for f in findings
        ]
    else:
        lines = [str(finding) for finding in findings]
    if lines:  # one write (a big spec's lint prints thousands of lines)
        sys.stdout.write("\n".join(lines) + "\n")
    errors = sum(1 for f in findings if f.severity == "error")
    ran = len(args.rule) if args.rule else len(RULES)
    print(f"lint: {ran} rules, {errors} errors, {len(findings) - errors} warnings", file=sys.stderr)
    return 1 if errors else 0


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """A command over a big document makes millions of objects and few cycles: the cycle collector runs every
    100,000 allocations instead of 700 (it took 15 of 66 s linting 20,000 operations, 1 s after)."""
    saved = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


# Commands that can run past 2 s on a big spec: they show progress on a terminal's stderr (core/progress.py).
_LONG_ON_A_BIG_SPEC = {_bundle, _validate, _lint, _publish, _diff, _breaking, _overlay_apply, _generate}


# Commands that read a document and write what they found, nothing more: once one is done, the process leaves
# without freeing its heap object by object (the data of a big spec: 0.02 s of Stripe's lint), as mypy does.
_LEAVE_AT_ONCE = {_bundle, _validate, _lint}


def run() -> NoReturn:
    """The console script and `python -m rstar_spec`: main, then out."""
    args = _build_parser().parse_args()
    code = _execute(args)
    if args.run in _LEAVE_AT_ONCE and threading.active_count() == 1:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe or stream: the usual way out deals with it
            raise SystemExit(code) from None
        os._exit(code)
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    return _execute(_build_parser().parse_args(argv))


def _execute(args: argparse.Namespace) -> int:
    """Run the command args name: its exit code, an error in one line (2), never a traceback."""
    try:
        if args.spec == DEFAULT_SPEC and not args.spec.exists() and getattr(args, "uses_spec", True):
            raise UsageError(
                f"no spec at {display_path(args.spec)} (looked for {args.spec.resolve()}): run from the repository "
                "root, or pass --spec FILE (and --overlays DIR where the command reads overlays)"
            )
        if args.run in _LONG_ON_A_BIG_SPEC:
            with showing_progress(args.run.__name__.strip("_").replace("_", " ")), _few_collections():
                return int(args.run(args))
        return int(args.run(args))
    except RstarError as exc:
        sys.stderr.write(
            f"{exc.location}: error: {exc.message}\n" if exc.location else f"rstar-spec: error: {exc.message}\n"
        )
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `rstar-spec bundle | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    run()
