"""Fixtures of the generated client's tests; the fake API is in fakeapi.py."""

from python_client.fakeapi import api, make_client, sleeps

__all__ = ["api", "make_client", "sleeps"]
