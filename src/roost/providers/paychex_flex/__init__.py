"""Paychex Flex with the employer's credentials (``paychex_flex``): login, MFA, company choice."""

from roost.providers.paychex_flex.adapter import PRODUCTION_BASE_URL, PaychexFlexAdapter
from roost.providers.paychex_flex.definition import DEFINITION

__all__ = ["DEFINITION", "PRODUCTION_BASE_URL", "PaychexFlexAdapter"]
