"""The floor under every tool: nothing here knows OpenAPI.

errors      the error tree (every bad input is an RstarError with a Location)
limits      every bound on input, in one place
pointer     JSON Pointers as tuples
yaml_io     YAML and JSON read with positions (native first, libyaml where it must), written atomically
outputs     generated folders and files: replaced only when they hold what we wrote
serve       uvicorn on loopback, with a header timeout and a connection cap
"""
