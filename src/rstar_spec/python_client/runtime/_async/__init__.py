"""The asyncio flows: the source that _sync/ is made from (scripts/unasync.py; `nox -s unasync`)."""
