"""The published files other teams take: 3.1, dereferenced, 3.0.3, JSON Schema per model.

render       the publish target rendered, validated and written
downconvert  3.1 -> 3.0.3, with what is lost
sdk_hints    the SDK facts (pagination, retries, idempotency) as x-rstar-* / x-speakeasy-*
"""
