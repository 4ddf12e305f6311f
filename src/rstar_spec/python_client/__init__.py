"""The Python client: openapi-python-client through templates/, with a runtime of plain Python.

generate        the runner: facts -> openapi-python-client -> generated/python
facts           what the generator's model drops, checked against the spec, as one typed structure
unasync         the runtime's sync flows, made from its async ones
runtime/        the client's runtime (ships inside the generated package as _runtime/)
"""
