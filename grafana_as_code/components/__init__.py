"""Constructs: each turns one part of a loaded ``Catalog`` into provider resources.

Stacks compose these; these compute. None of them reads files, the clock or the network.
"""
