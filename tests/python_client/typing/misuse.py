"""What mypy --strict must refuse (tests/python_client/test_typing.py reads its errors, line by line)."""

from __future__ import annotations

from reception_star import ReceptionStar

api = ReceptionStar()
api.clients.create(first_name=1, last_name="Lovelace")  # a number for a string
api.clients.create(last_name="Lovelace")  # a required field left out
api.clients.retrieve("21")  # an id is an int
api.clients.list(limit="10")  # so is a limit
api.clients.delete(1).id  # noqa: B018 (delete answers nothing: no .id)
