"""What the mock does where the contract page leaves the server a choice.

`reference` is the server our decisions describe: specific 401 reasons, an ETag
on every answer that shows an item, one-use refresh tokens. `liberal` does only
what docs/reception-star-api.md promises and takes every freedom it leaves, so
that the contract suite and the generated client are proven against a server we
did not write to suit them. Each freedom is one field, exercised by a test
(tests/test_mock_profiles.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    etag_beyond_get: bool
    """An ETag on a PUT's (or PATCH's) 200 and on a 304 too (the page promises it on an item GET's 200 only)."""
    generic_token_code: bool
    """Token problems (missing, invalid, expired) answer the generic `unauthorized`, not the reason."""
    unlisted_auth_reasons: bool
    """A refused API key or password answers a reason the page does not list (codes are open)."""
    extra_properties: bool
    """Every JSON object answered (item, page, token, error, field error) gains properties the spec does not name."""
    reusable_refresh_tokens: bool
    """A refresh token works more than once (not promised either way)."""
    rate_limit_every_request: bool
    """--rate-limit counts every request, those that need no token included (a health check, the token
    operation), by token or else by peer."""
    absolute_location: bool
    """`Location` is an absolute URL rather than a path (both are URI references)."""
    weak_etags: bool
    """ETags are weak (`W/"..."`); If-None-Match compares them weakly (RFC 9110)."""
    field_errors: bool
    """A 400 lists what is wrong in `errors` (the page says it *may*)."""
    retry_after_on_503: bool
    """A 503 carries Retry-After (the page says it *may*)."""
    json_charset: bool
    """`Content-Type: application/json; charset=utf-8` rather than bare `application/json`."""


REFERENCE = Profile(
    name="reference", etag_beyond_get=True, generic_token_code=False, unlisted_auth_reasons=False,
    extra_properties=False, reusable_refresh_tokens=False, rate_limit_every_request=False, absolute_location=False,
    weak_etags=False, field_errors=True, retry_after_on_503=True, json_charset=False,
)  # fmt: skip

LIBERAL = Profile(
    name="liberal", etag_beyond_get=False, generic_token_code=True, unlisted_auth_reasons=True,
    extra_properties=True, reusable_refresh_tokens=True, rate_limit_every_request=True, absolute_location=True,
    weak_etags=True, field_errors=False, retry_after_on_503=False, json_charset=True,
)  # fmt: skip

PROFILES = {profile.name: profile for profile in (REFERENCE, LIBERAL)}

# What `extra_properties` adds: a scalar, an object and a list, so that clients prove they keep or
# ignore every kind of value they do not know.
EXTRA_PROPERTIES = {"x_region": "eu-west", "x_meta": {"source": "liberal mock", "revision": 3}, "x_flags": ["beta"]}
