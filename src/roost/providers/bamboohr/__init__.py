"""BambooHR through its API (``bamboo_hr_api``): API-key connections, organization reads."""

from roost.providers.bamboohr.adapter import PRODUCTION_BASE_URL, BambooHrAdapter, parse_api_token

__all__ = ["PRODUCTION_BASE_URL", "BambooHrAdapter", "parse_api_token"]
