"""Overlays: the engine (Overlay 1.0/1.1, RFC 9535 JSONPath) and the targets built with it.

engine    load, check and apply Overlay documents
pipeline  target NAME = bundle + overlays/NAME.yaml, strict
"""
