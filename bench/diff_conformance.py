"""Conformance of `rstar-spec diff` with oasdiff's checker tests and with `redocly diff`: docs/diff-conformance.md.

    python bench/diff_conformance.py --oasdiff DIR [--output docs/diff-conformance.md] [--jobs 2]

DIR is oasdiff's repository (github.com/oasdiff/oasdiff): a work tree, or a bare git directory (the fetch
tool's mirror), whose HEAD is read with `git archive` into a temporary folder. Nothing of it is written into
this repository but the counts and the names of its tests and files.

Each test function of oasdiff's `checker/*_test.go` that diffs two files of its `data/` folder as they are
(no document edited in Go, one pair per test) is a case: its expectation is the change ids it asserts, each
at the level oasdiff's rules table (`checker/rules.go`) gives it (ERR = breaking; WARN and INFO are not), or
no change at all. Our verdict is whether `rstar-spec diff` finds a breaking change on the same pair (within
the operation the test names, when it names one), and so is `redocly diff`'s (a `major` change, Redocly CLI
2.77 from tools/npm). Pairs our rules cannot read are counted apart with the reason. Every disagreement is
listed with the reason we keep it (JUSTIFIED below); one without a reason fails the run.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDOCLY = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "redocly"
sys.path.insert(0, str(ROOT / "src"))

from rstar_spec import bundle  # noqa: E402
from rstar_spec.core.errors import RstarError  # noqa: E402
from rstar_spec.diff.changes import Change, diff  # noqa: E402

# -- what oasdiff's tests say ----------------------------------------------------------------------------------
_TEST = re.compile(r"^func (Test\w+)\(t \*testing\.T\) \{\n(.*?)^\}", re.M | re.S)
_ID_CONSTANT = re.compile(r'^\s*(\w+Id)\s*=\s*"([\w-]+)"', re.M)
_LEVEL = re.compile(r"newBackwardCompatibilityRule\(\s*(\w+Id),\s*(ERR|WARN|INFO|NONE)\b")
_FOLDERS = {"deprecation": "deprecation", "paramDeprecation": "param-deprecation",
            "requiredProperty": "required-properties", "stability": "stability"}  # fmt: skip
_ASSIGN = re.compile(
    r"(\w+)(?:,\s*\w+)?\s*:?=\s*(?:open\(\s*(?:(\w+)File\()?\"([^\"]+)\"|l\(t,\s*(\d+)|loadFrom\(t,\s*\"([^\"]+)\",\s*(\d+)\))"
)
_DIFF_CALL = re.compile(r"diff\.Get\w*\(\s*[^,()]+(?:\([^)]*\))?,\s*(\w+),\s*(\w+)\s*\)")
_D_CALL = re.compile(r"\bd\(t,\s*[^,]+(?:\([^)]*\))?,\s*(\d+),\s*(\d+)")
_EDITED = re.compile(
    r"\.Spec\b|deleteParam\(|deleteResponseHeader\(|setRequestBodyType\(|setResponseBodyType\(|responseHeaderSchema\("
)
_EMPTY = re.compile(r"require\.(?:Empty\(t,\s*[\w(), ]+\)\s*$|Len\(t,\s*\w+,\s*0\))", re.M)
_NEGATIVE = re.compile(r"requireNoChange|NotContains|require\.False|NotEqual")
_OPERATION = re.compile(r'Operation:\s*"(\w+)",\s*\n?\s*Path:\s*"([^"]+)"')
_SINGLE_CHECK = re.compile(r"singleCheckConfig\(checker\.(\w+)Check\b")


@dataclass
class Case:
    test: str
    file: str  # the _test.go file
    base: Path
    revision: Path
    ids: list[str] = field(default_factory=list)  # the change ids the test expects (oasdiff's names)
    empty: bool = False  # the test expects no change (at the level it asks for)
    operations: set[str] = field(default_factory=set)  # "METHOD /path" the expected changes name
    check: str = ""  # the single check the test runs, when it runs one

    @property
    def kind(self) -> str:
        return self.ids[0] if self.ids else f"no change ({self.check or 'all checks'})"

    @property
    def direction(self) -> str:
        """What the check looks at: what a client sends, what it receives, or anything."""
        named = (self.ids[0] if self.ids else self.check).lower().replace("-", "")
        if named.startswith(("request", "newrequired", "newoptional", "newrequest")):
            return "request"
        return "response" if named.startswith("response") else ""


@dataclass
class Skipped:
    test: str
    reason: str


def _rules(checker: Path) -> tuple[dict[str, str], dict[str, str]]:
    """oasdiff's id constants (name -> "kebab-id") and each id's level."""
    names: dict[str, str] = {}
    for path in checker.glob("*.go"):
        if not path.name.endswith("_test.go"):
            names.update(dict(_ID_CONSTANT.findall(path.read_text(encoding="utf-8"))))
    levels = dict(_LEVEL.findall((checker / "rules.go").read_text(encoding="utf-8")))
    return names, {names[name]: level for name, level in levels.items() if name in names}


def _file_of(match: re.Match[str], data: Path) -> Path:
    folder, name, numbered, prefix, number = match.group(2, 3, 4, 5, 6)
    if name is not None:
        if folder is not None:
            return data / _FOLDERS.get(folder, folder) / name
        return (data.parent / "checker" / name).resolve()  # written relative to checker/: ../data/...
    if numbered is not None:
        return data / f"openapi-test{numbered}.yaml"
    return (data.parent / "checker" / f"{prefix}spec{number}.yaml").resolve()


def parse_tests(repo: Path) -> tuple[list[Case], list[Skipped], dict[str, str]]:
    checker, data = repo / "checker", repo / "data"
    names, levels = _rules(checker)
    cases: list[Case] = []
    skipped: list[Skipped] = []
    for path in sorted(checker.glob("*_test.go")):
        for test, body in _TEST.findall(path.read_text(encoding="utf-8")):
            files = {m.group(1): _file_of(m, data) for m in _ASSIGN.finditer(body)}
            pairs = {(files.get(a), files.get(b)) for a, b in _DIFF_CALL.findall(body)}
            pairs |= {
                (data / f"openapi-test{a}.yaml", data / f"openapi-test{b}.yaml") for a, b in _D_CALL.findall(body)
            }
            if not pairs and not files:
                continue  # not a test of a pair of documents (rules, localizations, formatting)
            if "t.Run(" in body:
                skipped.append(Skipped(test, "diffs several pairs, or files named by Go variables (table-driven)"))
                continue
            if _EDITED.search(body):
                skipped.append(Skipped(test, "edits a document in Go before diffing"))
                continue
            if len(pairs) != 1 or None in next(iter(pairs)):
                skipped.append(Skipped(test, "diffs several pairs, or files named by Go variables (table-driven)"))
                continue
            if "WithSeverityLevels" in body or "StabilityLevel" in body or "Config{" in body:
                skipped.append(Skipped(test, "sets levels or options of its own"))
                continue
            base, revision = next(iter(pairs))
            assert base is not None and revision is not None
            case = Case(test, path.name, base, revision)
            for line in body.splitlines():
                for name in re.findall(r"checker\.(\w+Id)\b", line):
                    if name.endswith("CommentId") or name not in names or _NEGATIVE.search(line):
                        continue
                    if names[name] not in case.ids:
                        case.ids.append(names[name])
            case.empty = bool(_EMPTY.search(body)) and not case.ids
            case.operations = {f"{m} {p}" for m, p in _OPERATION.findall(body)}
            single = _SINGLE_CHECK.search(body)
            case.check = single.group(1) if single else ""
            if base == revision and case.ids:
                skipped.append(Skipped(test, "edits a document in Go before diffing"))  # through a helper
                continue
            if not case.ids and not case.empty:
                skipped.append(Skipped(test, "asserts only what is not found, or texts and sources"))
                continue
            if any(i not in levels for i in case.ids):
                skipped.append(Skipped(test, "expects an id outside the rules table (an info or versioning change)"))
                continue
            cases.append(case)
    return cases, skipped, levels


# -- our verdict and Redocly's ------------------------------------------------------------------------------------
@dataclass
class Verdict:
    breaking: bool | None  # None: the pair could not be read
    rules: list[str] = field(default_factory=list)  # what said so
    refused: str = ""


def ours(base: Path, revision: Path) -> tuple[list[Change] | None, str]:
    try:
        return diff(bundle(base), bundle(revision)), ""
    except RstarError as exc:
        return None, exc.message


def _our_verdict(found: list[Change] | None, refused: str, case: Case) -> Verdict:
    if found is None:
        return Verdict(None, refused=refused)
    relevant = [c for c in found if (not case.operations or c.where in case.operations) and _toward(c, case.direction)]
    breaking = [c for c in relevant if c.breaking]
    return Verdict(bool(breaking), sorted({c.rule for c in breaking} or {c.rule for c in relevant}))


def _toward(change: Change, direction: str) -> bool:
    """Is the change about what the check looks at (a request's values, a response's)?"""
    if not direction:
        return True
    if direction == "request":
        return change.rule.startswith(("request-", "parameter-")) or change.message.startswith(("request", "query",
                                                                                                 "path", "header", "cookie"))  # fmt: skip
    return change.rule.startswith("response-") or change.message.startswith("response")


def redocly(base: Path, revision: Path, command: Path = REDOCLY) -> dict[str, object] | str:
    proc = subprocess.run([str(command), "diff", str(base), str(revision), "--format", "json"],
                          capture_output=True, text=True, cwd=base.parent, check=False)  # fmt: skip
    try:
        return dict(json.loads(proc.stdout))
    except json.JSONDecodeError:
        lines = [line for line in proc.stderr.splitlines() if line.strip() and "║" not in line and "═" not in line]
        return (lines[-1] if lines else f"exit {proc.returncode}").strip()


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _redocly_verdict(report: dict[str, object] | str, case: Case) -> Verdict:
    if isinstance(report, str):
        return Verdict(None, refused=report)
    changes = [c for c in report.get("changes", []) if isinstance(c, dict)]  # type: ignore[union-attr]
    if case.operations:
        prefixes = tuple(
            f"#/paths/{_escape(op.split(' ', 1)[1])}/{op.split(' ', 1)[0].lower()}" for op in case.operations
        )
        changes = [c for c in changes if str(c.get("path", "")).startswith(prefixes)]
    if case.direction:
        part = "/requestBody" if case.direction == "request" else "/responses"
        changes = [c for c in changes if part in str(c.get("path", "")) or (case.direction == "request"
                   and "/parameters" in str(c.get("path", "")))]  # fmt: skip
    major = [c for c in changes if c.get("impact") == "major"]
    rules = sorted({str(v.get("ruleId")) for c in major for v in c.get("verdicts", []) if isinstance(v, dict)})
    return Verdict(bool(major), rules)


# -- why we keep each disagreement -------------------------------------------------------------------------------
# oasdiff's id -> why our verdict differs and stays. A disagreement whose id is not here fails the run.
JUSTIFIED: dict[str, str] = {
    "api-deprecated-sunset-missing": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "api-deprecated-sunset-parse": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "api-global-security-added": (
        "security was added (for the whole document) where there was none: every call without credentials is "
        "now refused (401). oasdiff rates it info; Redocly agrees with us."
    ),
    "api-path-removed-with-deprecation": (
        "oasdiff lets a deprecated operation (or parameter) go once it was announced; the clients that still "
        "call it get 404 (or a refusal) all the same. We call every removal breaking, and the gate asks for a "
        "new major version. Redocly agrees with us."
    ),
    "api-path-sunset-parse": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "api-removed-with-deprecation": (
        "oasdiff lets a deprecated operation (or parameter) go once it was announced; the clients that still "
        "call it get 404 (or a refusal) all the same. We call every removal breaking, and the gate asks for a "
        "new major version. Redocly agrees with us."
    ),
    "api-security-added": (
        "security was added where there was none: every call without credentials is now refused (401). "
        "oasdiff rates it info; Redocly agrees with us."
    ),
    "api-sunset-date-changed-too-small": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "no change (APIRemoved)": (
        "oasdiff lets a deprecated operation (or parameter) go once it was announced; the clients that still "
        "call it get 404 (or a refusal) all the same. We call every removal breaking, and the gate asks for a "
        "new major version. Redocly agrees with us."
    ),
    "no change (APISunsetChanged)": (
        "the pair also replaces the success status 200 with 201: a client waiting for 200 breaks. The test "
        "runs only the sunset check. Redocly agrees with us."
    ),
    "no change (RequestParameterMaxItemsUpdated)": (
        "oasdiff reads path-level parameters only with its --flatten-params option (the next test, with it, "
        "calls this change breaking); we always read them: maxItems 20 -> 10 refuses calls with 11 to 20 "
        "values. Redocly agrees with us."
    ),
    "no change (ResponsePropertyTypeChanged)": (
        "the property became nullable in a response: oasdiff reports that under "
        "response-property-became-nullable (ERR), a check this test does not run. The same verdict under "
        "another name. Redocly agrees with us."
    ),
    "request-body-all-of-added": (
        "the added allOf part (`Rabbit`: an optional string `name`) asks nothing the parts there (`Dog`, "
        "`Cat`) do not already ask, and the breed added to a oneOf has the shape of the two there: compared "
        "by what they accept, no value that was valid is refused. oasdiff and Redocly compare the lists of "
        "parts by name."
    ),
    "request-body-any-of-added": (
        "`Cat` replaced by `Rabbit`, a component of the same shape: branches are matched by what they accept, "
        "so the same bodies are accepted. Redocly agrees with us."
    ),
    "request-body-became-required": (
        "the pair is a webhook: the API sends that body to the consumer's server. A body that is now always "
        "sent breaks no consumer; we compare a webhook the other way round (its body as a response, its "
        "answers as requests), oasdiff as an operation the consumer calls. Redocly agrees with us."
    ),
    "request-body-content-schema-removed": (
        "the same pair also changes `contentMediaType` (application/json -> text/plain) and `contentEncoding` "
        "(base64 -> quoted-printable): values of the one are not values of the other, either way. oasdiff's "
        "own content-media-type check calls that ERR; this test runs only the content-schema check. Redocly "
        "agrees with us."
    ),
    "request-body-exclusive-max-set": (
        "a bound set where there was none, in a request (maximum, exclusiveMinimum, maxLength): values past "
        "it were valid and are refused. oasdiff only warns (such values were perhaps never sent); we cannot "
        "know what clients send, and call it breaking. Redocly agrees with us."
    ),
    "request-body-exclusive-min-set": (
        "a bound set where there was none, in a request (maximum, exclusiveMinimum, maxLength): values past "
        "it were valid and are refused. oasdiff only warns (such values were perhaps never sent); we cannot "
        "know what clients send, and call it breaking. Redocly agrees with us."
    ),
    "request-body-max-contains-increased": (
        "the pair changes minContains and maxContains at once (1..5 -> 2..6): one end narrows what is valid, "
        "the other widens it. oasdiff's test runs the check of one end; our verdict counts both, and the "
        "narrowing end breaks."
    ),
    "request-body-min-contains-decreased": (
        "the pair changes minContains and maxContains at once (1..5 -> 2..6): one end narrows what is valid, "
        "the other widens it. oasdiff's test runs the check of one end; our verdict counts both, and the "
        "narrowing end breaks."
    ),
    "request-body-prefix-items-added": (
        "prefixItems added to an array: its first items must now match (`type: integer`), so arrays that were "
        "valid are refused: breaking in a request, harmless in a response; removed, the reverse (JSON Schema "
        "2020-12, 10.3.1.1). oasdiff reads it the other way round; Redocly agrees with us in all four cases."
    ),
    "request-body-prefix-items-removed": (
        "prefixItems added to an array: its first items must now match (`type: integer`), so arrays that were "
        "valid are refused: breaking in a request, harmless in a response; removed, the reverse (JSON Schema "
        "2020-12, 10.3.1.1). oasdiff reads it the other way round; Redocly agrees with us in all four cases."
    ),
    "request-body-removed": (
        "we warn: the body is no longer read, and whether a server refuses a body it does not expect is its "
        "choice (most ignore it), as for a removed parameter, which oasdiff also only warns of. Redocly calls "
        "it breaking."
    ),
    "request-body-type-compatible": (
        "XML: an `object` became a `string` (or back). oasdiff rates every type change in XML compatible "
        "(loosely typed); an element with children is not a text value, so we do not. Scalars in XML, form "
        "fields, headers and parameters are text for us too (integer -> string widens there). Redocly agrees "
        "with us."
    ),
    "request-parameter-deprecated-sunset-missing": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "request-parameter-exclusive-max-set": (
        "a bound set where there was none, in a request (maximum, exclusiveMinimum, maxLength): values past "
        "it were valid and are refused. oasdiff only warns (such values were perhaps never sent); we cannot "
        "know what clients send, and call it breaking. Redocly agrees with us."
    ),
    "request-parameter-exclusive-min-set": (
        "a bound set where there was none, in a request (maximum, exclusiveMinimum, maxLength): values past "
        "it were valid and are refused. oasdiff only warns (such values were perhaps never sent); we cannot "
        "know what clients send, and call it breaking. Redocly agrees with us."
    ),
    "request-parameter-max-length-set": (
        "a bound set where there was none, in a request (maximum, exclusiveMinimum, maxLength): values past "
        "it were valid and are refused. oasdiff only warns (such values were perhaps never sent); we cannot "
        "know what clients send, and call it breaking. Redocly agrees with us."
    ),
    "request-parameter-removed-before-sunset": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "request-parameter-sunset-date-changed-too-small": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "request-parameter-sunset-deleted": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "request-parameter-sunset-parse": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "request-property-deprecated-sunset-invalid": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "request-property-deprecated-sunset-missing": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "request-property-max-contains-increased": (
        "the pair changes minContains and maxContains at once (1..5 -> 2..6): one end narrows what is valid, "
        "the other widens it. oasdiff's test runs the check of one end; our verdict counts both, and the "
        "narrowing end breaks."
    ),
    "request-property-max-length-set": (
        "a bound set where there was none, in a request (maximum, exclusiveMinimum, maxLength): values past "
        "it were valid and are refused. oasdiff only warns (such values were perhaps never sent); we cannot "
        "know what clients send, and call it breaking. Redocly agrees with us."
    ),
    "request-property-max-set": (
        "a bound set where there was none, in a request (maximum, exclusiveMinimum, maxLength): values past "
        "it were valid and are refused. oasdiff only warns (such values were perhaps never sent); we cannot "
        "know what clients send, and call it breaking. Redocly agrees with us."
    ),
    "request-property-min-contains-decreased": (
        "the pair changes minContains and maxContains at once (1..5 -> 2..6): one end narrows what is valid, "
        "the other widens it. oasdiff's test runs the check of one end; our verdict counts both, and the "
        "narrowing end breaks."
    ),
    "request-property-prefix-items-added": (
        "prefixItems added to an array: its first items must now match (`type: integer`), so arrays that were "
        "valid are refused: breaking in a request, harmless in a response; removed, the reverse (JSON Schema "
        "2020-12, 10.3.1.1). oasdiff reads it the other way round; Redocly agrees with us in all four cases."
    ),
    "request-property-prefix-items-removed": (
        "prefixItems added to an array: its first items must now match (`type: integer`), so arrays that were "
        "valid are refused: breaking in a request, harmless in a response; removed, the reverse (JSON Schema "
        "2020-12, 10.3.1.1). oasdiff reads it the other way round; Redocly agrees with us in all four cases."
    ),
    "request-property-removed": (
        "the property is removed inside a `not`: a body with `added_prop` and `modified_prop` was accepted "
        "and is now refused, a breaking change oasdiff also finds on this pair (its test "
        "TestNotSubSchemaTraversalAddedProperty); this test runs only the check of the removed property. "
        "Redocly agrees with us."
    ),
    "response-body-content-schema-added": (
        "the same pair also changes `contentMediaType` (application/json -> text/plain) and `contentEncoding` "
        "(base64 -> quoted-printable): values of the one are not values of the other, either way. oasdiff's "
        "own content-media-type check calls that ERR; this test runs only the content-schema check. Redocly "
        "agrees with us."
    ),
    "response-body-dependent-required-changed": (
        "`dependentRequired` asks for one more property in a response: responses now carry more, never less; "
        "no reader breaks. oasdiff rates any change of it breaking; we judge its direction (in a request it "
        "breaks)."
    ),
    "response-body-max-contains-decreased": (
        "the pair changes minContains and maxContains at once (1..5 -> 2..6): one end narrows what is valid, "
        "the other widens it. oasdiff's test runs the check of one end; our verdict counts both, and the "
        "narrowing end breaks."
    ),
    "response-body-min-contains-increased": (
        "the pair changes minContains and maxContains at once (1..5 -> 2..6): one end narrows what is valid, "
        "the other widens it. oasdiff's test runs the check of one end; our verdict counts both, and the "
        "narrowing end breaks."
    ),
    "response-body-prefix-items-added": (
        "prefixItems added to an array: its first items must now match (`type: integer`), so arrays that were "
        "valid are refused: breaking in a request, harmless in a response; removed, the reverse (JSON Schema "
        "2020-12, 10.3.1.1). oasdiff reads it the other way round; Redocly agrees with us in all four cases."
    ),
    "response-body-prefix-items-removed": (
        "prefixItems added to an array: its first items must now match (`type: integer`), so arrays that were "
        "valid are refused: breaking in a request, harmless in a response; removed, the reverse (JSON Schema "
        "2020-12, 10.3.1.1). oasdiff reads it the other way round; Redocly agrees with us in all four cases."
    ),
    "response-body-type-compatible": (
        "XML: an `object` became a `string` (or back). oasdiff rates every type change in XML compatible "
        "(loosely typed); an element with children is not a text value, so we do not. Scalars in XML, form "
        "fields, headers and parameters are text for us too (integer -> string widens there). Redocly agrees "
        "with us."
    ),
    "response-property-dependent-required-changed": (
        "`dependentRequired` asks for one more property in a response: responses now carry more, never less; "
        "no reader breaks. oasdiff rates any change of it breaking; we judge its direction (in a request it "
        "breaks)."
    ),
    "response-property-deprecated-sunset-invalid": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "response-property-deprecated-sunset-missing": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
    "response-property-enum-value-added": (
        "a value added to a response's enum: a client with an exhaustive switch or a generated enum type "
        "fails on it. oasdiff warns; Redocly agrees with us. Lists meant to grow are marked "
        "`x-extensible-enum`, and a value added there is compatible for us."
    ),
    "response-property-max-contains-decreased": (
        "the pair changes minContains and maxContains at once (1..5 -> 2..6): one end narrows what is valid, "
        "the other widens it. oasdiff's test runs the check of one end; our verdict counts both, and the "
        "narrowing end breaks."
    ),
    "response-property-min-contains-increased": (
        "the pair changes minContains and maxContains at once (1..5 -> 2..6): one end narrows what is valid, "
        "the other widens it. oasdiff's test runs the check of one end; our verdict counts both, and the "
        "narrowing end breaks."
    ),
    "response-property-prefix-items-added": (
        "prefixItems added to an array: its first items must now match (`type: integer`), so arrays that were "
        "valid are refused: breaking in a request, harmless in a response; removed, the reverse (JSON Schema "
        "2020-12, 10.3.1.1). oasdiff reads it the other way round; Redocly agrees with us in all four cases."
    ),
    "response-property-prefix-items-removed": (
        "prefixItems added to an array: its first items must now match (`type: integer`), so arrays that were "
        "valid are refused: breaking in a request, harmless in a response; removed, the reverse (JSON Schema "
        "2020-12, 10.3.1.1). oasdiff reads it the other way round; Redocly agrees with us in all four cases."
    ),
    "sunset-deleted": (
        "oasdiff's deprecation policy: an `x-sunset` date, its format, a minimum deprecation period. It is a "
        "rule of how a team announces a removal, not of what a client meets on the wire: a deprecation or its "
        "date breaks no call, and we judge the removal itself (operation-removed, parameter-removed) when it "
        "comes. Redocly agrees with us."
    ),
}


def _repo(path: Path, tmp: Path) -> tuple[Path, str]:
    """A work tree of oasdiff: the folder itself, or HEAD of a bare git directory written into tmp."""
    if (path / "checker").is_dir():
        commit = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True)
        return path, commit.stdout.strip() or "(work tree)"
    commit = subprocess.run(["git", f"--git-dir={path}", "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()  # fmt: skip
    archive = subprocess.run(["git", f"--git-dir={path}", "archive", "HEAD", "checker", "data"],
                             capture_output=True, check=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp, filter="data")
    return tmp, commit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--oasdiff", type=Path, required=True, help="oasdiff's repository: a work tree or a bare git dir"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "diff-conformance.md")
    parser.add_argument("--jobs", type=int, default=2, help="redocly diff processes at once (default: %(default)s)")
    parser.add_argument("--redocly", type=Path, default=REDOCLY, help="Redocly CLI 2.77 (default: %(default)s)")
    parser.add_argument("--cache", type=Path, metavar="FILE.json",
                        help="keep redocly's reports here between runs (they depend on the pairs only)")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo, commit = _repo(args.oasdiff, Path(tmp))
        cases, skipped, levels = parse_tests(repo)
        pairs = sorted({(c.base, c.revision) for c in cases})
        print(f"conformance: {len(cases)} cases on {len(pairs)} pairs, {len(skipped)} tests set apart", file=sys.stderr)
        our_runs = {pair: ours(*pair) for pair in pairs}
        cache = json.loads(args.cache.read_text()) if args.cache and args.cache.exists() else {}

        def redocly_of(pair: tuple[Path, Path]) -> dict[str, object] | str:
            key = "|".join(str(p.relative_to(repo)) for p in pair)
            if key not in cache:
                cache[key] = redocly(*pair, args.redocly)
            return cache[key]  # type: ignore[no-any-return]

        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            theirs = dict(zip(pairs, pool.map(redocly_of, pairs), strict=True))
        if args.cache:
            args.cache.write_text(json.dumps(cache))
        report = render(repo, commit, cases, skipped, levels, our_runs, theirs)
    args.output.write_text(report, encoding="utf-8")
    unjustified = [line for line in report.splitlines() if "UNJUSTIFIED" in line]
    print(f"conformance: wrote {args.output}; {len(unjustified)} disagreements without a reason", file=sys.stderr)
    return 1 if unjustified else 0


def render(
    repo: Path,
    commit: str,
    cases: list[Case],
    skipped: list[Skipped],
    levels: dict[str, str],
    our_runs: dict[tuple[Path, Path], tuple[list[Change] | None, str]],
    theirs: dict[tuple[Path, Path], dict[str, object] | str],
) -> str:
    def name(path: Path) -> str:
        return str(path.relative_to(repo / "data"))

    def expected(case: Case) -> bool:
        return any(levels[i] == "ERR" for i in case.ids)

    rows: dict[str, Counter[str]] = defaultdict(Counter)
    unreadable: list[tuple[Case, str]] = []
    disagreements: list[tuple[Case, Verdict, Verdict]] = []
    for case in cases:
        pair = (case.base, case.revision)
        mine, redocly_verdict = _our_verdict(*our_runs[pair], case), _redocly_verdict(theirs[pair], case)
        row = rows[case.kind]
        row["cases"] += 1
        if mine.breaking is None:
            row["unreadable"] += 1
            unreadable.append((case, mine.refused))
        else:
            row["agree" if mine.breaking == expected(case) else "disagree"] += 1
            if mine.breaking != expected(case):
                disagreements.append((case, mine, redocly_verdict))
        if redocly_verdict.breaking is None:
            row["redocly unreadable"] += 1
        else:
            row["redocly agrees" if redocly_verdict.breaking == expected(case) else "redocly disagrees"] += 1
            if mine.breaking is not None:
                row["ours = redocly"] += mine.breaking == redocly_verdict.breaking
    total: Counter[str] = Counter()
    for row in rows.values():
        total.update(row)
    readable = total["cases"] - total["unreadable"]
    lines = [
        "# diff conformance: oasdiff's expectations and `redocly diff`",
        "",
        f"Generated by `python bench/diff_conformance.py --oasdiff DIR` from oasdiff's repository at `{commit[:12]}`",
        "(its `checker/*_test.go` and `data/`, read in place, not copied here) and Redocly CLI 2.77's `redocly diff`.",
        "A case is one oasdiff test that diffs two files as they are; its expectation is the ids it asserts, at",
        "the level oasdiff's rules table gives them (ERR = breaking; WARN and INFO are not), or no change. Our",
        "verdict: does `rstar-spec diff` find a breaking change on the pair (within the operation the test",
        "names, when it names one); Redocly's: a `major` change there.",
        "",
        f"- **{total['cases']} cases** on {len({(c.base, c.revision) for c in cases})} pairs; "
        f"{len(skipped)} tests set apart (below).",
        f"- **ours agree with oasdiff on {total['agree']} of {readable}** readable cases "
        f"({100 * total['agree'] / max(readable, 1):.0f} %); {total['disagree']} disagreements, each kept for the "
        "reason given below.",
        f"- `redocly diff` agrees with oasdiff on {total['redocly agrees']} of "
        f"{total['cases'] - total['redocly unreadable']} it read; ours and Redocly's verdicts agree on "
        f"{total['ours = redocly']} cases.",
        f"- {total['unreadable']} cases are pairs our rules cannot read (counted apart, reasons below).",
        "",
        "## Agreement per check kind",
        "",
        "| oasdiff check (expected id) | level | cases | ours agree | ours disagree | ours cannot read "
        "| redocly agrees | redocly disagrees | redocly cannot read |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in sorted(rows):
        row = rows[kind]
        level = levels.get(kind, "none")
        lines.append(
            f"| `{kind}` | {level} | {row['cases']} | {row['agree']} | {row['disagree']} | {row['unreadable']} "
            f"| {row['redocly agrees']} | {row['redocly disagrees']} | {row['redocly unreadable']} |"
        )
    lines += ["", "## Disagreements we keep", "",
              "Each names the oasdiff test, its pair, what oasdiff expects, what we and Redocly say, and why we keep it.",
              ""]  # fmt: skip
    by_kind: dict[str, list[tuple[Case, Verdict, Verdict]]] = defaultdict(list)
    for item in disagreements:
        by_kind[item[0].kind].append(item)
    for kind in sorted(by_kind):
        reason = JUSTIFIED.get(kind)
        lines += [f"### `{kind}` ({levels.get(kind, 'none')})", "",
                  f"Why: {reason}" if reason else "Why: UNJUSTIFIED", ""]  # fmt: skip
        for case, mine, theirs_verdict in by_kind[kind]:
            said = "breaking" if mine.breaking else "not breaking"
            redocly_said = "cannot read" if theirs_verdict.breaking is None else (
                "breaking" if theirs_verdict.breaking else "not breaking")  # fmt: skip
            lines.append(
                f"- `{case.test}` ({case.file}): `{name(case.base)}` -> `{name(case.revision)}`; oasdiff: "
                f"{'breaking' if expected(case) else 'not breaking'} ({', '.join(case.ids) or 'no change'}); "
                f"ours: {said} ({', '.join(mine.rules) or 'no change'}); redocly: {redocly_said}"
            )
        lines.append("")
    reasons = Counter(_short(refused) for _, refused in unreadable)
    lines += ["## Pairs our rules cannot read", "",
              "diff compares what the structure check accepts (the OAI schema of the document's version, as",
              "`validate` holds it): many of oasdiff's fixtures are not valid OpenAPI (an operation without",
              "`responses`, a response without `description`, a path parameter without `schema`). Each is refused",
              "in one line naming the place; these cases are not counted as agreements or disagreements.", "",
              "| reason | cases |", "|---|---:|"]  # fmt: skip
    lines += [f"| {reason} | {count} |" for reason, count in reasons.most_common()]
    lines += ["", "## Tests set apart", "",
              "Tests whose pair is not two files as they are: the document is edited in Go before the diff, several",
              "pairs are diffed in one test, or the test sets levels or options of its own (a stability level, a",
              "severity), or asserts only what is not found.", "",
              "| reason | tests |", "|---|---:|"]  # fmt: skip
    lines += [f"| {reason} | {count} |" for reason, count in Counter(s.reason for s in skipped).most_common()]
    return "\n".join(lines) + "\n"


def _short(message: str) -> str:
    """A refusal's kind, without the names of the place: the reasons are counted."""
    message = re.sub(r"^the (old|new) spec ", "", message)
    place = re.search(r" at (/\S*?): ", message)
    if place:  # the kind of place: /paths/{}/post/requestBody
        kind = re.sub(r"^/paths/[^/]+", "/paths/{}", place.group(1))
        kind = re.sub(r"/(responses|schemas|parameters|properties|content|securitySchemes)/[^/]+", r"/\1/{}", kind)
        what = message[place.end() :]
        if what.startswith(("{", "[")):  # an instance quoted whole: what it is not is the reason
            what = "matches none of the shapes the OAI schema allows there"
        message = f"{message[: place.start()]} at {kind}: {what}"
    return message.replace("|", "\\|")[:200]


if __name__ == "__main__":
    raise SystemExit(main())
