"""BambooHR through its API (``bamboo_hr_api``): API-key connections, organization reads."""

from roost.providers.bamboohr.adapter import PRODUCTION_BASE_URL, BambooHrAdapter, parse_api_token
from roost.providers.bamboohr.definition import DEFINITION

__all__ = ["DEFINITION", "PRODUCTION_BASE_URL", "BambooHrAdapter", "parse_api_token"]
