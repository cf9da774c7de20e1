"""SCO reference data: who may trade here, in which role since when, currency, EAEU and TIR flags.

Source: Karavan's domain notes (docs/DOMAIN.md in the project's shared research, 2026) and the
seed network's country table (warehouses/fulfilment/data/network.json). Roles carry effective
dates because membership changes (India and Pakistan 2017, Iran 2023, Belarus 2024; observers
and dialogue partners merged into "partners" at the Tianjin summit, 1 September 2025).
"""

from dataclasses import dataclass
from datetime import date

MEMBER = "member"
PARTNER = "partner"

SCO_FOUNDED_ON = date(2001, 6, 15)
TIANJIN_SUMMIT_ON = date(2025, 9, 1)


@dataclass(frozen=True, slots=True)
class RoleSpell:
    """One role a country held from ``starts_on`` until ``ends_on`` (exclusive; None = open)."""

    role: str
    starts_on: date
    ends_on: date | None = None

    def is_in_force(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    currency: str
    roles: tuple[RoleSpell, ...]
    eaeu: bool
    tir: bool

    def role_on(self, on: date) -> str | None:
        for spell in self.roles:
            if spell.is_in_force(on):
                return spell.role
        return None


def _member(since: date) -> tuple[RoleSpell, ...]:
    return (RoleSpell(MEMBER, since),)


def _partner(since: date = TIANJIN_SUMMIT_ON) -> tuple[RoleSpell, ...]:
    return (RoleSpell(PARTNER, since),)


# TIR: all ten members, Mongolia and Afghanistan are TIR parties (DOMAIN.md); among the other
# partners, those the seed network lists as parties with an accession date are marked too.
COUNTRIES: tuple[Country, ...] = (
    Country("CN", "China", "CNY", _member(SCO_FOUNDED_ON), eaeu=False, tir=True),
    Country("RU", "Russia", "RUB", _member(SCO_FOUNDED_ON), eaeu=True, tir=True),
    Country("KZ", "Kazakhstan", "KZT", _member(SCO_FOUNDED_ON), eaeu=True, tir=True),
    Country("KG", "Kyrgyzstan", "KGS", _member(SCO_FOUNDED_ON), eaeu=True, tir=True),
    Country("TJ", "Tajikistan", "TJS", _member(SCO_FOUNDED_ON), eaeu=False, tir=True),
    Country("UZ", "Uzbekistan", "UZS", _member(SCO_FOUNDED_ON), eaeu=False, tir=True),
    Country(
        "IN",
        "India",
        "INR",
        (RoleSpell(PARTNER, date(2005, 7, 5), date(2017, 6, 9)), RoleSpell(MEMBER, date(2017, 6, 9))),
        eaeu=False,
        tir=True,
    ),
    Country(
        "PK",
        "Pakistan",
        "PKR",
        (RoleSpell(PARTNER, date(2005, 7, 5), date(2017, 6, 9)), RoleSpell(MEMBER, date(2017, 6, 9))),
        eaeu=False,
        tir=True,
    ),
    Country(
        "IR",
        "Iran",
        "IRR",
        (RoleSpell(PARTNER, date(2005, 7, 5), date(2023, 7, 4)), RoleSpell(MEMBER, date(2023, 7, 4))),
        eaeu=False,
        tir=True,
    ),
    Country(
        "BY",
        "Belarus",
        "BYN",
        (RoleSpell(PARTNER, date(2015, 7, 10), date(2024, 7, 4)), RoleSpell(MEMBER, date(2024, 7, 4))),
        eaeu=True,
        tir=True,
    ),
    Country("AF", "Afghanistan", "AFN", _partner(date(2012, 6, 7)), eaeu=False, tir=True),
    Country("MN", "Mongolia", "MNT", _partner(date(2004, 6, 17)), eaeu=False, tir=True),
    Country("AM", "Armenia", "AMD", _partner(date(2015, 7, 10)), eaeu=True, tir=True),
    Country("AZ", "Azerbaijan", "AZN", _partner(date(2015, 7, 10)), eaeu=False, tir=True),
    Country("BH", "Bahrain", "BHD", _partner(date(2023, 7, 4)), eaeu=False, tir=False),
    Country("KH", "Cambodia", "KHR", _partner(date(2015, 7, 10)), eaeu=False, tir=False),
    Country("EG", "Egypt", "EGP", _partner(date(2022, 9, 16)), eaeu=False, tir=True),
    Country("KW", "Kuwait", "KWD", _partner(date(2023, 7, 4)), eaeu=False, tir=True),
    Country("MV", "Maldives", "MVR", _partner(date(2023, 7, 4)), eaeu=False, tir=False),
    Country("MM", "Myanmar", "MMK", _partner(date(2023, 7, 4)), eaeu=False, tir=False),
    Country("NP", "Nepal", "NPR", _partner(date(2015, 7, 10)), eaeu=False, tir=False),
    Country("QA", "Qatar", "QAR", _partner(date(2022, 9, 16)), eaeu=False, tir=True),
    Country("SA", "Saudi Arabia", "SAR", _partner(date(2022, 9, 16)), eaeu=False, tir=False),
    Country("LK", "Sri Lanka", "LKR", _partner(date(2015, 7, 10)), eaeu=False, tir=False),
    Country("TR", "Türkiye", "TRY", _partner(date(2012, 6, 7)), eaeu=False, tir=True),
    Country("AE", "United Arab Emirates", "AED", _partner(date(2023, 7, 4)), eaeu=False, tir=True),
    Country("LA", "Laos", "LAK", _partner(TIANJIN_SUMMIT_ON), eaeu=False, tir=False),
)

COUNTRIES_BY_CODE: dict[str, Country] = {country.code: country for country in COUNTRIES}


def country_get(code: str) -> Country | None:
    return COUNTRIES_BY_CODE.get(code.upper()) if isinstance(code, str) else None


def countries_in_force(on: date) -> list[Country]:
    """Countries that are an SCO member or partner on the given day."""
    return [country for country in COUNTRIES if country.role_on(on) is not None]


def same_customs_union(first: str, second: str) -> bool:
    """True when goods cleared in one country circulate freely in the other (EAEU, or same country)."""
    if first == second:
        return True
    a, b = country_get(first), country_get(second)
    return bool(a and b and a.eaeu and b.eaeu)
