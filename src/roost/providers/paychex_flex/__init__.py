"""Paychex Flex with the employer's credentials (``paychex_flex``): login, MFA, company choice."""

from roost.providers.paychex_flex.adapter import PRODUCTION_BASE_URL, PaychexFlexAdapter

__all__ = ["PRODUCTION_BASE_URL", "PaychexFlexAdapter"]
