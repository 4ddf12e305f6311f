"""The one list of secret names, and the masking of secret values wherever they appear.

Every recorder redacts by this list: `mock --record` and `proxy --record` (traffic/har.py) import it, and
`generate` writes it into the generated client's `client.py` (`SECRET_NAMES`), which the client's
runtime reads (it imports nothing of rstar_spec). A name is compared normalized, lower case without `-`
and `_`, so `refreshToken`, `refresh_token` and `Refresh-Token` are one name; it names a secret when it
is in SECRET_NAMES or ends with one of SECRET_NAME_ENDINGS (`X-Auth-Token`, `clientSecret`, `x-api-key`).
The spec adds its own (properties that are writeOnly or `format: password`: oas/secret_fields.py).
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"

SECRET_NAMES = frozenset({
    "authorization", "proxyauthorization", "cookie", "setcookie",  # headers
    "auth", "key", "apikey", "sig", "signature", "token", "secret", "password", "passwd", "pwd", "passphrase",
    "privatekey", "sessionid", "jsessionid", "phpsessid", "otp", "jwt",
})  # fmt: skip
"""Names (normalized) of headers, query parameters and JSON or form fields whose values are secrets."""

SECRET_NAME_ENDINGS = ("token", "secret", "password", "passwd", "apikey", "privatekey", "accesskey", "secretkey",
                       "signature")  # fmt: skip
"""A name ending so names a secret too: `access_token`, `X-Auth-Token`, `clientSecret`, `x-api-key`. Not
`key` alone: `Idempotency-Key` and `cursor_key` are no secrets."""


def normalized(name: str) -> str:
    """How names are compared: `refreshToken`, `refresh_token` and `Refresh-Token` are `refreshtoken`."""
    return name.lower().replace("-", "").replace("_", "")


@dataclass(frozen=True)
class SecretNames:
    """Whether a name (of a header, a parameter, a field) holds a secret: the list, and the spec's own."""

    names: frozenset[str] = SECRET_NAMES
    endings: tuple[str, ...] = SECRET_NAME_ENDINGS
    # names are few and met often: each is judged once (up to a bound), as it is spelled
    _secret: set[str] = field(default_factory=set, compare=False, repr=False)
    _plain: set[str] = field(default_factory=set, compare=False, repr=False)

    def __call__(self, name: str) -> bool:
        if name in self._secret:
            return True
        if name in self._plain:
            return False
        key = normalized(name)
        found = key in self.names or key.endswith(self.endings)
        if len(self._secret) + len(self._plain) >= 4096:
            self._secret.clear()
            self._plain.clear()
        (self._secret if found else self._plain).add(name)
        return found

    def among(self, names: Iterable[str]) -> set[str]:
        """Those of names that hold secrets (the keys of an object: judged as sets, in C, once known)."""
        names = set(names)
        secret = names & self._secret  # local: another thread may clear the sets meanwhile
        return secret | {name for name in names - secret - self._plain if self(name)}

    def adding(self, names: Iterable[str]) -> SecretNames:
        """These names, with the spec's own secret properties (spelled as the spec spells them) added."""
        extra = {normalized(n) for n in names}
        return self if extra <= self.names else SecretNames(self.names | extra, self.endings)


is_secret_name = SecretNames()
"""The list alone, as a predicate."""

MIN_SECRET_CHARS = 4
"""A known value shorter than this is not masked where it appears: it would garble the text around it and
hide little (a key of 3 characters is no secret)."""


def spellings(value: str) -> set[str]:
    """The ways a value appears in text: as it is, percent-encoded (URLs, forms; upper- and lower-case
    hex), escaped in JSON (with and without ASCII escapes) and in XML or HTML."""
    forms = {value, quote(value, safe=""), quote(value), quote_plus(value), json.dumps(value)[1:-1],
             json.dumps(value, ensure_ascii=False)[1:-1], html.escape(value), html.escape(value, quote=False)}  # fmt: skip
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in list(forms) if "%" in f}
    return {f for f in forms if f}


class Masker:
    """Known secret values, masked by REDACTED wherever they appear in a text. Thread-safe: a run learns
    tokens in one thread while another prints."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()
        self.add(*values)

    def add(self, *values: str) -> None:
        new = {v for v in values if v and len(v) >= MIN_SECRET_CHARS} - self._values
        if not new:
            return
        with self._lock:
            self._values |= new
            forms = sorted({f for v in self._values for f in spellings(v)}, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, forms)))

    def __bool__(self) -> bool:
        return bool(self._values)

    def __repr__(self) -> str:
        return f"Masker({len(self._values)} values)"

    def mask(self, text: str) -> str:
        pattern = self._pattern
        return text if pattern is None else pattern.sub(REDACTED, text)

    def found_in(self, text: str) -> bool:
        pattern = self._pattern
        return pattern is not None and pattern.search(text) is not None

    def mask_bytes(self, data: bytes) -> bytes:
        """data with the values masked in its UTF-8 text; bytes that are not UTF-8 kept as they are."""
        return self.mask(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
