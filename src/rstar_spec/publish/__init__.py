"""The published files other teams take: 3.1, dereferenced, 3.0.3, JSON Schema per model.

render       the publish target rendered, validated and written (README.md.tmpl: the folder's README)
dereference  the dereferenced rendering, and the check of what dereferencing could break
json_schema  each model as a JSON Schema 2020-12 document of its own
releases     release naming: pinnable file names, earlier releases kept
downconvert  3.1 -> 3.0.3, with what is lost
sdk_hints    the SDK facts (pagination, retries, idempotency) as x-rstar-* / x-speakeasy-*
"""
