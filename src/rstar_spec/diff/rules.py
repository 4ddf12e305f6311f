"""diff's rules, one table: each rule's id, whether the change it names breaks existing clients, and why.

``_Differ.add`` names a rule by id and the table decides the rest, as lint's registry does for lint.
Where one kind of change breaks in one direction and not in the other, the direction is part of the
id (``request-enum-removed`` is harmless, ``response-enum-removed`` breaks). A type change is judged
by whether it widens or narrows what travels, so it has two ids reported under one name. A warning
may break a client and may not (a changed pattern, a property a typed client read): the CHANGELOG and
the diff show it, the gate does not stop on it. `rstar-spec diff --rules` prints this table; the
README's table of diff rules is checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass

BREAKING = "breaking"
WARNING = "warning"
COMPATIBLE = "compatible"


@dataclass(frozen=True)
class DiffRule:
    id: str
    severity: str  # BREAKING, WARNING or COMPATIBLE
    reason: str
    reported_as: str = ""  # the rule name in output, when two ids share one

    @property
    def breaking(self) -> bool:
        return self.severity == BREAKING

    @property
    def name(self) -> str:
        return self.reported_as or self.id


_TABLE = (
    # operations
    DiffRule("operation-removed", BREAKING, "Clients that call it get 404."),
    DiffRule("operation-added", COMPATIBLE, "Nobody calls it yet."),
    DiffRule("webhook-removed", BREAKING, "Consumers that handle the event receive no more of them."),
    DiffRule("webhook-added", COMPATIBLE, "Consumers that do not handle it yet answer it as an unknown call."),
    # parameters
    DiffRule("parameter-added-required", BREAKING, "Calls written before it lack it and are refused."),
    DiffRule("parameter-added", COMPATIBLE, "Calls without an optional parameter stay valid."),
    DiffRule("parameter-became-required", BREAKING, "Calls that left it out are refused."),
    DiffRule(
        "parameter-removed",
        WARNING,
        "A server ignores what it no longer reads, or refuses it (400): calls that send it may fail.",
    ),
    DiffRule("parameter-default-changed", BREAKING, "Calls that leave it out get another behaviour than before."),
    DiffRule(
        "parameter-default-added",
        WARNING,
        "Documents what calls that leave it out get; breaks them only if the server did otherwise before.",
    ),
    # request bodies and media types
    DiffRule("request-body-added-required", BREAKING, "Calls written before it send no body and are refused."),
    DiffRule("request-body-added", COMPATIBLE, "Calls without an optional body stay valid."),
    DiffRule("request-body-became-required", BREAKING, "Calls that sent no body are refused."),
    DiffRule(
        "request-body-removed",
        WARNING,
        "The body clients send is no longer read; a server that refuses a body it does not expect fails them.",
    ),
    DiffRule("media-type-removed", BREAKING, "Clients that send or accept it lose it."),
    DiffRule("media-type-added", COMPATIBLE, "Clients keep the media types they used."),
    # responses
    DiffRule("success-status-removed", BREAKING, "Clients wait for a success answer that no longer comes."),
    DiffRule("response-status-removed", COMPATIBLE, "An error answer fewer: clients handle the rest as before."),
    DiffRule("response-status-added", COMPATIBLE, "Clients handle an undocumented status by its class."),
    DiffRule("response-header-removed", BREAKING, "Clients read a header the answer promised."),
    DiffRule("response-header-became-optional", BREAKING, "Clients read a header the answer promised."),
    # security
    DiffRule("security-added", BREAKING, "Calls without credentials are refused."),
    DiffRule("security-removed", COMPATIBLE, "Calls with credentials still work."),
    DiffRule("security-changed", BREAKING, "Credentials that worked may no longer be accepted."),
    # schemas: what a client sends may only get more permissive ...
    DiffRule("request-type-changed", BREAKING, "Values clients send may no longer be accepted."),
    DiffRule("request-type-widened", COMPATIBLE, "More values are accepted.", "request-type-changed"),
    DiffRule("request-enum-removed", COMPATIBLE, "Any value is accepted now."),
    DiffRule("request-enum-added", BREAKING, "Values that were valid are refused."),
    DiffRule("request-enum-value-added", COMPATIBLE, "One more value is accepted."),
    DiffRule("request-enum-value-removed", BREAKING, "A value clients send is refused."),
    DiffRule("request-bound-tightened", BREAKING, "Values that were valid are refused."),
    DiffRule("request-bound-changed", COMPATIBLE, "More values are accepted than before."),
    DiffRule(
        "request-pattern-changed",
        WARNING,
        "Another pattern may refuse values the old one took; which strings it takes is not decidable here.",
    ),
    DiffRule(
        "request-additional-properties-narrowed",
        BREAKING,
        "Bodies with properties the schema does not name, or map values of another kind, are refused.",
    ),
    DiffRule("request-additional-properties-widened", COMPATIBLE, "More properties are accepted."),
    DiffRule(
        "request-constraint-added",
        BREAKING,
        "A keyword more to satisfy (not, contains, dependentRequired, "
        "prefixItems, ...): values that were valid may be refused.",
    ),
    DiffRule("request-constraint-removed", COMPATIBLE, "A keyword fewer to satisfy: more values are accepted."),
    DiffRule("request-constraint-changed", BREAKING, "Values valid under the old keyword are not under the new one."),
    DiffRule("request-extensible-enum-value-added", COMPATIBLE, "One more value is known."),
    DiffRule("request-extensible-enum-value-removed", BREAKING, "A value clients send is no longer known."),
    DiffRule(
        "request-oneof-ambiguous",
        BREAKING,
        "Bodies that were valid match several branches of a oneOf, which takes exactly one: refused.",
    ),
    DiffRule("request-variant-added", COMPATIBLE, "One more shape is accepted."),
    DiffRule("request-variant-removed", BREAKING, "A shape clients send is refused."),
    DiffRule("request-property-added-required", BREAKING, "Bodies written before it lack it and are refused."),
    DiffRule("request-property-added", COMPATIBLE, "Bodies without an optional property stay valid."),
    DiffRule("request-property-became-required", BREAKING, "Bodies that left it out are refused."),
    DiffRule("request-read-only-property-became-required", COMPATIBLE, "A client never sends a readOnly property."),
    DiffRule("request-property-removed-closed", BREAKING, "Bodies that send it are refused as unknown."),
    DiffRule("request-property-removed", COMPATIBLE, "A property sent is no longer read."),
    # ... what it receives may only get more constrained
    DiffRule("response-type-changed", BREAKING, "Clients receive values of a type they do not expect."),
    DiffRule("response-type-narrowed", COMPATIBLE, "Fewer kinds of value come.", "response-type-changed"),
    DiffRule("response-enum-removed", BREAKING, "Clients meet values outside the list they handle."),
    DiffRule("response-enum-added", COMPATIBLE, "Clients receive fewer values than before."),
    DiffRule("response-enum-value-added", BREAKING, "Clients meet a value they do not handle."),
    DiffRule("response-enum-value-removed", COMPATIBLE, "Clients receive fewer values than before."),
    DiffRule("response-bound-relaxed", BREAKING, "Clients meet values they were told would not come."),
    DiffRule("response-bound-changed", COMPATIBLE, "Clients receive fewer values than before."),
    DiffRule(
        "response-pattern-changed",
        WARNING,
        "Values that do not match the old pattern may come; clients seldom check an answer's pattern.",
    ),
    DiffRule("response-constraint-added", COMPATIBLE, "Clients receive fewer kinds of value than before."),
    DiffRule("response-constraint-removed", BREAKING, "Clients meet values the removed keyword kept away."),
    DiffRule("response-constraint-changed", BREAKING, "Clients meet values the old keyword kept away."),
    DiffRule(
        "response-extensible-enum-value-added",
        COMPATIBLE,
        "The list is open (x-extensible-enum): its readers take values they do not know.",
    ),
    DiffRule("response-extensible-enum-value-removed", COMPATIBLE, "Clients receive fewer values than before."),
    DiffRule(
        "response-additional-properties-widened", BREAKING, "Clients meet map values of a kind they do not expect."
    ),
    DiffRule("response-additional-properties-added", COMPATIBLE, "Clients ignore properties they do not know."),
    DiffRule("response-additional-properties-narrowed", COMPATIBLE, "Clients receive fewer properties than before."),
    DiffRule("response-variant-added", BREAKING, "Clients meet a shape they do not handle."),
    DiffRule("response-variant-removed", COMPATIBLE, "Clients receive fewer shapes than before."),
    DiffRule("response-property-added", COMPATIBLE, "Clients ignore properties they do not know."),
    DiffRule("response-property-became-optional", BREAKING, "Clients read a property that may now be absent."),
    DiffRule("response-required-property-removed", BREAKING, "Clients read a property that no longer comes."),
    DiffRule(
        "response-property-removed",
        WARNING,
        "An optional property clients could not rely on, but read when it came: a typed client loses the "
        "attribute and the code that used it stops working.",
    ),
    DiffRule("response-write-only-property-removed", COMPATIBLE, "A server never answers a writeOnly property."),
)

RULES: dict[str, DiffRule] = {rule.id: rule for rule in _TABLE}
