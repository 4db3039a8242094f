"""Typed bindings for the Grafana Terraform provider.

``generate.py`` writes ``imports/grafana/`` from a provider schema (``terraform providers schema -json``), the way
``cdktn get`` would if it could reach the registry; ``runtime.py`` is the small base those generated classes use.
"""
