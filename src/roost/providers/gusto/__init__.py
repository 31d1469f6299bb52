"""Gusto (App Integrations API): OAuth 2 connections, company, people and payroll reads."""

from roost.providers.gusto.adapter import DEMO_BASE_URL, PRODUCTION_BASE_URL, GustoAdapter
from roost.providers.gusto.definition import DEFINITION
from roost.providers.gusto.oauth import GustoApplication, GustoTokenKeeper

__all__ = [
    "DEFINITION",
    "DEMO_BASE_URL",
    "PRODUCTION_BASE_URL",
    "GustoAdapter",
    "GustoApplication",
    "GustoTokenKeeper",
]
