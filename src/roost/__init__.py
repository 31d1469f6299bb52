"""Roost: a self-hostable, Finch-compatible employment-data gateway."""

__version__ = "0.1.0"
