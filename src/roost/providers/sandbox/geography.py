"""Where sandbox companies operate: US metros, and the income taxes of their states and cities.

Rates are simplified flat withholding rates in basis points (100 = 1%), close to what a
mid-range earner has withheld; they only need to look plausible on a pay statement.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LOCAL_TAXES", "METROS", "STATE_DISABILITY_BP", "STATE_INCOME_TAX_BP", "LocalTax", "Metro"]


@dataclass(frozen=True, slots=True)
class Metro:
    """A metro area: its state, telephone area codes, and (city, ZIP code) places in it."""

    state: str
    area_codes: tuple[str, ...]
    places: tuple[tuple[str, str], ...]

    @property
    def city(self) -> str:
        return self.places[0][0]


METROS: tuple[Metro, ...] = (
    Metro("CA", ("415", "628"), (("San Francisco", "94107"), ("Oakland", "94612"), ("San Mateo", "94401"))),
    Metro("NY", ("212", "646", "718"), (("New York", "10001"), ("Brooklyn", "11201"), ("Queens", "11101"))),
    Metro("TX", ("512", "737"), (("Austin", "78701"), ("Round Rock", "78664"), ("Pflugerville", "78660"))),
    Metro("IL", ("312", "773"), (("Chicago", "60601"), ("Evanston", "60201"), ("Oak Park", "60302"))),
    Metro("WA", ("206", "425"), (("Seattle", "98101"), ("Bellevue", "98004"), ("Redmond", "98052"))),
    Metro("CO", ("303", "720"), (("Denver", "80202"), ("Aurora", "80012"), ("Lakewood", "80226"))),
    Metro("MA", ("617", "857"), (("Boston", "02110"), ("Cambridge", "02139"), ("Somerville", "02143"))),
    Metro("GA", ("404", "678"), (("Atlanta", "30303"), ("Decatur", "30030"), ("Marietta", "30060"))),
    Metro("PA", ("215", "267"), (("Philadelphia", "19103"), ("Cheltenham", "19012"), ("Media", "19063"))),
    Metro("FL", ("305", "786"), (("Miami", "33131"), ("Coral Gables", "33134"), ("Hialeah", "33010"))),
    Metro("NC", ("919", "984"), (("Raleigh", "27601"), ("Durham", "27701"), ("Cary", "27511"))),
    Metro("OR", ("503", "971"), (("Portland", "97204"), ("Beaverton", "97005"), ("Gresham", "97030"))),
    Metro("MI", ("313", "248"), (("Detroit", "48226"), ("Dearborn", "48126"), ("Southfield", "48075"))),
    Metro("AZ", ("602", "480"), (("Phoenix", "85004"), ("Tempe", "85281"), ("Mesa", "85201"))),
    Metro("OH", ("614", "380"), (("Columbus", "43215"), ("Dublin", "43017"), ("Westerville", "43081"))),
    Metro("CA", ("213", "310"), (("Los Angeles", "90012"), ("Pasadena", "91101"), ("Santa Monica", "90401"))),
)

STATE_INCOME_TAX_BP: dict[str, int] = {
    "AZ": 250,
    "CA": 600,
    "CO": 440,
    "FL": 0,
    "GA": 539,
    "IL": 495,
    "MA": 500,
    "MI": 425,
    "NC": 450,
    "NY": 585,
    "OH": 300,
    "OR": 800,
    "PA": 307,
    "TX": 0,
    "WA": 0,
}

# State disability insurance withheld from employees (California's SDI).
STATE_DISABILITY_BP: dict[str, tuple[str, int]] = {"CA": ("CA SDI", 110)}


@dataclass(frozen=True, slots=True)
class LocalTax:
    name: str
    rate_bp: int


# City income taxes, keyed by the work location's city (Philadelphia's wage tax is owed by
# everyone working there; the others are simplified to the same rule).
LOCAL_TAXES: dict[str, LocalTax] = {
    "New York": LocalTax("NYC Income Tax", 388),
    "Brooklyn": LocalTax("NYC Income Tax", 388),
    "Queens": LocalTax("NYC Income Tax", 388),
    "Philadelphia": LocalTax("Philadelphia Wage Tax", 375),
    "Detroit": LocalTax("Detroit City Income Tax", 240),
    "Columbus": LocalTax("Columbus City Income Tax", 250),
}
