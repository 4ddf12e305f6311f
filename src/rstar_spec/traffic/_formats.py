"""Which values of a `format` the readers of that format disagree on, and why.

A server that checks formats reads them with some library, and the common ones do not agree at the edges:
an address with a quoted local part is an email to RFC 5321 and not to the HTML form check, a leap second
is a date-time to RFC 3339 and not to most date libraries. A verdict that turns on such a value is a
warning, with the reason; a value every common reading takes as our engine does (`ada.lovelace@example.com`,
`2026-01-15`, `2026-01-15T09:30:00Z`) is in no doubt, and a server that refuses it (or accepts it when every
reading refuses it) is at fault.

The common readings weighed: RFC 5321/5322 (mailbox) and RFC 3339 (date, date-time) themselves; the HTML
form check (WHATWG `type=email`); Python's email-validator (Pydantic) and datetime; Django's EmailValidator;
ajv-formats; Java's java.time and JavaScript's Date.

Disputed, by format:
- email, idn-email: a quoted local part (`"a b"@example.com`); an IP-literal domain (`a@[192.0.2.1]`); a
  domain of one label (`a@localhost`); a local part with characters beyond letters, digits, `.`, `_`, `+`,
  `-` (the rest of RFC 5322's atext: `!#$%&'*/=?^{|}~` and backquote); a top-level label that is not letters
  (`a@example.c0m`); non-ASCII (RFC 6531); past RFC 5321's lengths (64 before the @, 254 in all).
- date-time: a lowercase `t` or `z`; a space for `T`; a leap second (`:60`); more than 6 digits of a
  second; the offset `-00:00`; the year 0000.
- date: the year 0000.
- hostname, idn-hostname, uri, uri-reference, iri, iri-reference: anything but a plain form (ASCII letters,
  digits and `-` labels; an `http(s)` URL of them with a plain path), since URL libraries differ.
Any other format (uuid, ipv4, int32...) is read one way: our engine's.
"""

from __future__ import annotations

import re
from datetime import date

_ATEXT = r"[A-Za-z0-9_+-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
_RFC5322_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_PLAIN_HOSTNAME = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}")
_PLAIN_URI = re.compile(rf"https?://(?:{_LABEL}\.)*{_LABEL}(?::[0-9]{{1,5}})?(?:/[A-Za-z0-9._~/-]*)?")
_PLAIN_URI_REFERENCE = re.compile(r"/[A-Za-z0-9._~/-]*")

_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_DATE_TIME = re.compile(
    _DATE + r"(?P<t>[Tt ])(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_FULL_DATE = re.compile(_DATE)

LOOSE = frozenset({"hostname", "idn-hostname", "uri", "uri-reference", "iri", "iri-reference"})


def doubt(fmt: str, value: str) -> str | None:
    """Why the common readings of `fmt` disagree on value (a reason to print: it never quotes the value),
    or None when they agree, to accept it or to refuse it."""
    if fmt in ("email", "idn-email"):
        return _email(value)
    if fmt == "date-time":
        return _date_time(value)
    if fmt == "date":
        found = _FULL_DATE.fullmatch(value)
        return (
            "the year 0000 (RFC 3339 allows it; Python's datetime refuses it)"
            if found and found["year"] == "0000"
            else None
        )
    if fmt in LOOSE:
        plain = {"uri": _PLAIN_URI, "iri": _PLAIN_URI, "uri-reference": _PLAIN_URI_REFERENCE,
                 "iri-reference": _PLAIN_URI_REFERENCE}.get(fmt, _PLAIN_HOSTNAME)  # fmt: skip
        if plain.fullmatch(value) or (fmt.endswith("-reference") and _PLAIN_URI.fullmatch(value)):
            return None
        return f"a value beyond the plain form of `{fmt}` (URL and hostname libraries differ on the rest)"
    return None


def _email(value: str) -> str | None:
    if _PLAIN_EMAIL.fullmatch(value) and len(value) <= 254 and len(value.rsplit("@", 1)[0]) <= 64:
        return None
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in value if not local.startswith('"')):
        return None  # no reading takes it
    what = "`email` with"
    if local.startswith('"'):
        return f"{what} a quoted local part (RFC 5321 allows it; the HTML form check and most libraries refuse it)"
    if domain.startswith("["):
        return f"{what} an IP-literal domain (RFC 5321 allows it; the HTML form check and most libraries refuse it)"
    if not value.isascii():
        return f"{what} non-ASCII characters (RFC 6531 allows them; many readers refuse them)"
    if "." not in domain:
        return f"{what} a domain of one label (the HTML form check takes it; most libraries refuse it)"
    if not re.fullmatch(rf"{_ATEXT}+(?:\.{_ATEXT}+)*", local) and _RFC5322_LOCAL.fullmatch(local):
        return (f"{what} a local part with characters beyond letters, digits, `.`, `_`, `+`, `-` "
                "(RFC 5322 allows them; some readers refuse them)")  # fmt: skip
    if not re.fullmatch(r"[A-Za-z]{2,63}", domain.rsplit(".", 1)[-1]):
        return f"{what} a top-level label that is not letters (some readers refuse it)"
    if len(value) > 254 or len(local) > 64:
        return f"{what} more than RFC 5321's 64 characters before the @ or 254 in all (not every reader counts)"
    return f"{what} a form the common readings of `email` disagree on"


def _date_time(value: str) -> str | None:
    found = _DATE_TIME.fullmatch(value)
    if found is None or not _calendar_date(found["year"], found["month"], found["day"]):
        return None
    if int(found["hour"]) > 23 or int(found["minute"]) > 59 or int(found["second"]) > 60:
        return None
    what = "`date-time` with"
    if found["t"] == " ":
        return f"{what} a space for `T` (RFC 3339 5.6 lets applications agree on it; JSON Schema's reading refuses it)"
    if found["t"] == "t" or found["zone"] == "z":
        return f"{what} a lowercase `t` or `z` (RFC 3339 5.6 allows it; ISO 8601 readers and many libraries refuse it)"
    if found["second"] == "60":
        return f"{what} a leap second (RFC 3339 allows `:60`; most date-time libraries refuse it or move it)"
    if found["fraction"] and len(found["fraction"]) > 6:
        return f"{what} more than 6 digits of a second (readers that keep microseconds or less may refuse it)"
    if found["zone"] == "-00:00":
        return f"{what} the offset -00:00 (RFC 3339 4.3: an unknown local offset; some readers refuse it)"
    if found["year"] == "0000":
        return f"{what} the year 0000 (RFC 3339 allows it; Python's datetime refuses it)"
    return None


def _calendar_date(year: str, month: str, day: str) -> bool:
    try:
        date(max(int(year), 1), int(month), int(day))  # the year 0000: a leap year, as 2000 (proleptic)
    except ValueError:
        return int(year) == 0 and (month, day) == ("02", "29")
    return True
