"""`rstar-spec mock`: the API, served from the spec, with the behaviour of the contract page.

create_app(doc, MockSettings(...)) -> ASGI app
serve(...)                          -> uvicorn on loopback (mock/_server.py)
"""

from ._app import MockApp, MockSettings, create_app
from ._breakages import BREAKAGES
from ._server import running_mock, serve
from ._state import Credentials

__all__ = ["BREAKAGES", "Credentials", "MockApp", "MockSettings", "create_app", "running_mock", "serve"]
