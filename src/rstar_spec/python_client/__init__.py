"""The Python client: openapi-python-client through templates/, with a runtime of plain Python.

generate        the runner: facts -> openapi-python-client -> generated/python
facts           the SDK facts (sdk/) in the generator's Python names, and each resource module's imports
unasync         the runtime's sync flows, made from its async ones
runtime/        the client's runtime (ships inside the generated package as _runtime/)
"""
