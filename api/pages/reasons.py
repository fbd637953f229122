"""The engine's reasons and warnings, said in Khmer on a Khmer page.

The engine words its reasons in English (``matcher/explain.py``); the pages read the
commonest sentences back into their parts and say them again from the Khmer catalog,
with the town, occupation and skill family by their Khmer names. A sentence not known
here is shown as the engine wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext

from api.services.reference import Names


def _(text: str, **values: object) -> str:
    """The catalog's sentence in the page's language."""
    return str(gettext(text, **values))


ORDINALS = {"First": 1, "Second": 2, "Third": 3, "Fourth": 4, "Fifth": 5}
PATTERNS: list[tuple[re.Pattern[str], Callable[[dict[str, str]], str]]] = []


def _says(pattern: str) -> Callable[[Callable[[dict[str, str]], str]], None]:
    def add(render: Callable[[dict[str, str]], str]) -> None:
        PATTERNS.append((re.compile(pattern), render))

    return add


@_says(r"^(?P<nth>First|Second|Third|Fourth|Fifth) choice of the survivor$")
def _choice(m: dict[str, str]) -> str:
    return _("Wish %(n)s of the survivor", n=ORDINALS[m["nth"]])


@_says(r"^Aptitude for (?P<family>\w+): (?P<level>\d) of 5$")
def _aptitude(m: dict[str, str]) -> str:
    return _("Aptitude for %(family)s: %(level)s of 5", family=m["family"], level=m["level"])


@_says(r"^Aptitude for (?P<family>\w+) not assessed$")
def _no_aptitude(m: dict[str, str]) -> str:
    return _("Aptitude for %(family)s not assessed", family=m["family"])


@_says(r"^(?P<left>\d+) of (?P<seats>\d+) seats left, next intake (?P<date>[\d-]+)$")
def _seats(m: dict[str, str]) -> str:
    return _(
        "%(left)s of %(seats)s seats left, next intake %(date)s",
        left=m["left"],
        seats=m["seats"],
        date=m["date"],
    )


@_says(r"^Trains (?P<months>\d+) months in (?P<town>.+)$")
def _trains(m: dict[str, str]) -> str:
    return _("Trains %(months)s months in %(town)s", months=m["months"], town=m["town"])


@_says(r"^Vacancy at (?P<employer>.+): (?P<n>\d+) positions left$")
def _vacancy(m: dict[str, str]) -> str:
    return _("Vacancy at %(employer)s: %(n)s positions left", employer=m["employer"], n=m["n"])


@_says(r"^(?P<employer>.+) has committed to hire graduates of this track$")
def _committed(m: dict[str, str]) -> str:
    return _("%(employer)s has committed to hire graduates of this track", **m)


@_says(r"^(?P<n>\d+) openings for (?P<occupation>.+) in (?P<town>.+) this season$")
def _openings(m: dict[str, str]) -> str:
    return _("%(n)s openings for %(occupation)s in %(town)s this season", **m)


@_says(r"^In the survivor's home province$")
def _home(_m: dict[str, str]) -> str:
    return _("In the survivor's home province")


@_says(r"^(?P<town>.+) is a town the survivor is willing to move to$")
def _willing(m: dict[str, str]) -> str:
    return _("%(town)s is a town the survivor is willing to move to", **m)


@_says(r"^(?P<town>.+) is a town the survivor must avoid$")
def _avoid(m: dict[str, str]) -> str:
    return _("%(town)s is a town the survivor must avoid", **m)


@_says(r"^Work in (?P<town>.+): outside the home province and the towns the survivor named$")
def _outside(m: dict[str, str]) -> str:
    return _("Work in %(town)s: outside the home province and the towns named", **m)


@_says(r"^Work in (?P<town>.+): outside the home province$")
def _outside_home(m: dict[str, str]) -> str:
    return _("Work in %(town)s: outside the home province", **m)


@_says(
    r"^(?P<verb>Pays|Earns about) \$(?P<gross>[\d,]+) a month; food, a room and other needs in "
    r"(?P<town>.+) cost \$(?P<costs>[\d,]+)$"
)
def _pays(m: dict[str, str]) -> str:
    return _(
        "Earns about $%(gross)s a month; food, a room and other needs in %(town)s cost $%(costs)s",
        gross=m["gross"],
        town=m["town"],
        costs=m["costs"],
    )


@_says(
    r"^Pays \$(?P<gross>[\d,]+) a month; the employer provides (?P<given>.+?); .+ in "
    r"(?P<town>.+) cost \$(?P<costs>[\d,]+)$"
)
def _pays_with(m: dict[str, str]) -> str:
    return _(
        "Pays $%(gross)s a month; the employer provides %(given)s; the rest in %(town)s "
        "costs $%(costs)s",
        gross=m["gross"],
        given=_(m["given"]),
        town=m["town"],
        costs=m["costs"],
    )


@_says(r"^Below the living wage in (?P<town>.+)$")
def _below(m: dict[str, str]) -> str:
    return _("Below the living wage in %(town)s", **m)


@_says(r"^Under 18: a parent or guardian must consent to the contract$")
def _minor(_m: dict[str, str]) -> str:
    return _("Under 18: a parent or guardian must consent to the contract")


@_says(r"^Learned on the job: employers take beginners$")
def _on_the_job(_m: dict[str, str]) -> str:
    return _("Learned on the job: employers take beginners")


def N_(text: str) -> str:
    """Mark a string for the catalogs (``api.pages.frame`` imports this module)."""
    return text


# What an employer provides, as the engine lists it: said from the catalog above.
PROVIDED = (N_("food"), N_("a room"), N_("food and a room"))


def say(sentence: str, language: str, names: Names) -> str:
    """The sentence in ``language``: the engine's English, or its Khmer when known."""
    if language != "km":
        return sentence
    for pattern, render in PATTERNS:
        match = pattern.match(sentence)
        if match:
            return render(_named(match.groupdict(), names))
    return sentence


def _named(parts: dict[str, str], names: Names) -> dict[str, str]:
    towns = dict(names.towns.values())
    occupations = {en.casefold(): km for en, km in names.occupations.values()}
    out = dict(parts)
    if "town" in out:
        out["town"] = towns.get(out["town"], out["town"])
    if "occupation" in out:
        out["occupation"] = occupations.get(out["occupation"].casefold(), out["occupation"])
    if "family" in out and out["family"] in names.skill_families:
        out["family"] = names.skill_families[out["family"]][1] or out["family"]
    return out
