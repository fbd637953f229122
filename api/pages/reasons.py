"""The engine's and the use cases' sentences, said in Khmer on a Khmer page.

The engine and the use cases word their sentences in English (the API's contract);
``api.pages.sentences`` holds each as a catalog template. A sentence is read back by
its template into its parts, the parts that name a town, an occupation or a skill
family are given their Khmer names (a part that is itself a sentence, such as the
rule inside an allocation's reason, is said again the same way), and the template's
Khmer is filled with them. A paragraph is said sentence by sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext

from api.pages.sentences import BOOK
from api.services.reference import Names

PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
# Parts that are sentences of the book themselves, said again before being put in.
NESTED = frozenset({"choice", "date", "venue", "why", "detail", "have", "needed", "state"})
# A list of sentences inside one, as the closure's refusal joins them.
LISTED = frozenset({"missing"})
SENTENCE_END = re.compile(r"(?<=\.) (?=\S)")


@dataclass(frozen=True)
class Template:
    """One catalog entry and the pattern that reads its English back into parts."""

    msgid: str
    pattern: re.Pattern[str]
    literal: int  # how many characters are not placeholders: the more, the surer a match


def _template(msgid: str) -> Template:
    regex, seen, end = ["^"], set(), 0
    for m in PLACEHOLDER.finditer(msgid):
        regex.append(re.escape(msgid[end : m.start()]))
        name = m.group(1)
        if name is None:
            regex.append("%")
        elif name in seen:
            regex.append(f"(?P={name})")
        else:
            seen.add(name)
            regex.append(f"(?P<{name}>.+?)")
        end = m.end()
    regex += [re.escape(msgid[end:]), "$"]
    literal = len(PLACEHOLDER.sub("", msgid))
    return Template(msgid, re.compile("".join(regex), re.DOTALL), literal)


@cache
def templates() -> tuple[Template, ...]:
    """The book's templates with placeholders, the most literal first."""
    made = (_template(msgid) for msgid in BOOK if PLACEHOLDER.search(msgid))
    return tuple(sorted(made, key=lambda t: -t.literal))


EXACT = frozenset(msgid.replace("%%", "%") for msgid in BOOK if not PLACEHOLDER.search(msgid))


def read(sentence: str) -> tuple[str, dict[str, str]] | None:
    """The catalog entry ``sentence`` was written from and its parts, or None."""
    if sentence in EXACT:
        return sentence, {}
    for template in templates():
        match = template.pattern.match(sentence)
        if match:
            return template.msgid, match.groupdict()
    return None


def known(sentence: str) -> bool:
    """Whether the book holds ``sentence`` (or each sentence of a paragraph)."""
    return _said(sentence, lambda msgid, parts: msgid) is not None


def say(sentence: str, language: str, names: Names) -> str:
    """The sentence in ``language``: the English as written, or its Khmer when known."""
    if language != "km":
        return sentence
    said = _said(sentence, lambda msgid, parts: str(gettext(msgid, **_named(parts, names))))
    return sentence if said is None else said


Render = Callable[[str, dict[str, str]], str]


def _said(sentence: str, render: Render) -> str | None:
    found = read(sentence)
    if found is None:
        pieces = SENTENCE_END.split(sentence)
        if len(pieces) == 1:
            return None
        said = [_said(piece, render) for piece in pieces]
        return None if None in said else " ".join(s for s in said if s is not None)
    msgid, parts = found
    for name, value in parts.items():
        if name in NESTED:
            parts[name] = _said(value, render) or value
        elif name in LISTED:
            parts[name] = "; ".join(_said(v, render) or v for v in value.split("; "))
    return render(msgid, parts)


def _named(parts: dict[str, str], names: Names) -> dict[str, str]:
    """The parts that name a code by its English name, named in Khmer."""
    towns = dict(names.towns.values())
    occupations = {en.casefold(): km for en, km in names.occupations.values()}
    families = {code: km for code, (_en, km) in names.skill_families.items() if km}
    out = dict(parts)
    if "town" in out:
        out["town"] = towns.get(out["town"]) or out["town"]
    if "occupation" in out:
        out["occupation"] = occupations.get(out["occupation"].casefold()) or out["occupation"]
    if "family" in out:
        out["family"] = families.get(out["family"], out["family"])
    return out
