"""Towns and occupations as the survey may name them: code, English or Khmer name."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


def _key(text: str) -> str:
    # NFC because Khmer can be typed in several code-point orders; casefold for Latin.
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class Names:
    """One kind of reference (towns or occupations): code -> its names."""

    kind: str  # "town" or "occupation", used in messages
    names: Mapping[str, Sequence[str]]  # code -> (English name, Khmer name, ...)
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _hints: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for code, names in self.names.items():
            for n in (code, *names):
                if n:
                    lookup.setdefault(_key(str(n)), code)
        object.__setattr__(self, "_lookup", lookup)
        # For suggestions only: the parts of a name ("Tailor, dressmaker" -> "tailor",
        # "dressmaker"), so that "Taylor" finds the tailor.
        hints = dict(lookup)
        for code, names in self.names.items():
            for n in names:
                for part in re.split(r"[,()/]| and | or ", str(n)):
                    if _key(part):
                        hints.setdefault(_key(part), code)
        object.__setattr__(self, "_hints", hints)

    @property
    def codes(self) -> frozenset[str]:
        """Every code."""
        return frozenset(self.names)

    def resolve(self, values: pd.Series) -> pd.Series:
        """Codes for the given codes or names; unknown values are kept as typed (trimmed).

        Works on the distinct values only, so a million rows naming fifteen towns
        cost fifteen look-ups.
        """
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        mapped = [self._lookup.get(_key(str(u)), str(u).strip()) for u in uniques]
        out = np.array([*mapped, ""], dtype=object)[codes]  # code -1 (NA) -> ""
        return pd.Series(out, index=values.index, dtype=object)

    def describe(self, code: str) -> str:
        """``CODE (English name)``."""
        names = self.names.get(code) or ()
        return f"{code} ({names[0]})" if names else code

    def suggest(self, typed: str) -> str | None:
        """The closest code or name to ``typed``, as ``CODE (English name)``, if any."""
        key = _key(typed)
        if not key:
            return None
        match = difflib.get_close_matches(key, list(self._hints), n=1, cutoff=0.6)
        return self.describe(self._hints[match[0]]) if match else None

    def unknown_message(self, typed: object) -> str:
        """ "unknown town 'x'; did you mean SRP (Siem Reap)?"."""
        text = "" if typed is None or (isinstance(typed, float) and np.isnan(typed)) else str(typed)
        if not text.strip():
            return f"{self.kind} is empty"
        hint = self.suggest(text)
        article = "an" if self.kind[0] in "aeiou" else "a"
        did = f"; did you mean {hint}?" if hint else f"; use {article} {self.kind} code or name"
        return f"unknown {self.kind} {text!r}{did}"


@dataclass(frozen=True)
class References:
    """The reference lists a survey is checked against (built by the api from its tables)."""

    towns: Names
    occupations: Names

    @classmethod
    def from_maps(
        cls,
        towns: Mapping[str, Sequence[str]],
        occupations: Mapping[str, Sequence[str]],
    ) -> References:
        """Build from ``code -> (English name, Khmer name)`` maps."""
        return cls(Names("town", dict(towns)), Names("occupation", dict(occupations)))
