"""Stacks: one per environment, composed from the constructs in ``grafana_as_code.components``."""
