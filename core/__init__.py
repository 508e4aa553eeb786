"""Shared helpers with no models and no knowledge of any app: Vietnamese folding, pagination, tree
paths, request helpers. Every layer may import from here; `core` imports from no app of the project."""
