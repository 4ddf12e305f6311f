"""The OpenAPI document: what every tool knows about OpenAPI lives here, once.

bundle         the split spec joined into one document, with a source map back to the files
walk           OpenAPI-aware walks (operations, parameters, responses, media types, schemas, refs)
structure      is it OpenAPI? the OAI schemas, every Schema Object, the semantic checks
schema_engine  the one JSON Schema engine (jsonschema-rs), errors as values
validate       structure + examples
"""
