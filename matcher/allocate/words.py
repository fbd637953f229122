"""The sentences a counsellor reads about an allocation: the one place they are worded.

:func:`matcher.allocate.explain` says in data why each survivor got what they got;
:class:`Wording` turns that into a short paragraph. Given only the tracks' codes it
names tracks, seats and scores; given the cohort's aptitudes, stated wishes and the
hard rules' reasons (what the api knows of the survivors), it also says which
aptitude the holders of a full track have, which rule keeps a survivor out, and what
became of wished tracks that were not part of the allocation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from matcher.allocate.types import Explanation, Missed

#: A full track's holders are listed one by one up to this many; more give a range.
LIST_HOLDERS = 4


def _seat_words(n: int) -> tuple[str, str]:
    noun = "seat" if n == 1 else "seats"
    given = "given" if n == 1 else ("both given" if n == 2 else f"all {n} given")
    return f"{n} {noun}", given


@dataclass(frozen=True)
class Wording:
    """What the sentences may name besides the arrays ``explain`` was given.

    Indices are those of the arrays: tracks are the columns, survivors the rows.

    Attributes
    ----------
    track_codes : Sequence[str]
        The code of each track.
    digits : int, default 2
        Decimals of the scores shown (the recommendations show them so).
    families : Sequence[str], optional
        Each track's skill family; with ``aptitudes``, a full track's sentence gives
        the holders' aptitude in it.
    aptitudes : Sequence[Mapping[str, int]], optional
        Each survivor's aptitudes (skill family -> 0..5; unassessed counts 0).
    wishes : Sequence[Sequence[str]], optional
        Each survivor's stated wishes, most wanted first; with ``catalog_seats``, a
        wished track that is not a column is named with what became of it.
    catalog_seats : Mapping[str, int], optional
        Seats available of every track of the catalog, by code.
    excluded : Mapping[tuple[int, int], str], optional
        ``(survivor, track)`` -> the hard rule's reason, for excluded wished tracks.
    """

    track_codes: Sequence[str]
    digits: int = 2
    families: Sequence[str] = ()
    aptitudes: Sequence[Mapping[str, int]] = ()
    wishes: Sequence[Sequence[str]] = ()
    catalog_seats: Mapping[str, int] = field(default_factory=dict)
    excluded: Mapping[tuple[int, int], str] = field(default_factory=dict)

    def explanation(self, e: Explanation) -> str:
        """A short paragraph: what the survivor got, then each better-ranked track."""
        if e.track >= 0:
            assert e.score is not None
            wish = f", wish {e.rank}" if e.rank is not None else ", not among the stated wishes"
            head = f"Given {self.track_codes[e.track]} (score {self._score(e.score)}{wish})."
        elif e.allowed_tracks == 0:
            head = "No seat: no track of this allocation is allowed for this survivor."
        else:
            head = "No seat: every track allowed for this survivor is full."
        ranked = [(m.rank, self.missed(e.survivor, m)) for m in e.missed]
        ranked += self._outside_wishes(e)
        ranked.sort(key=lambda pair: pair[0])
        return " ".join([head, *(sentence for _, sentence in ranked)])

    def missed(self, survivor: int, m: Missed) -> str:
        """One sentence on a track ranked above the one ``survivor`` got."""
        code = self.track_codes[m.track]
        if m.reason == "excluded":
            why = self.excluded.get((survivor, m.track))
            if why is None:
                return f"{code}: not allowed for this survivor by a hard rule."
            return f"{code}: not allowed for this survivor ({why.rstrip('.')})."
        if m.reason == "no_seats":
            return f"{code}: no seat available this intake."
        if m.reason == "lower_score":
            score = self._score(m.score)
            return f"{code}: seats remain, but the survivor scores lower there ({score})."
        count, given = _seat_words(m.seats)
        detail = self._holders(m)
        if all(s > m.score for s in m.holder_scores):
            whom = "a survivor" if m.seats == 1 else "survivors"
            return f"{code}: {count}, {given} to {whom} with a higher score for it ({detail})."
        return (
            f"{code}: {count}, {given} to other survivors ({detail}); seating the cohort as a "
            "whole that way seats more survivors or gives a higher total score."
        )

    def _score(self, value: float) -> str:
        return f"{value:.{self.digits}f}"

    def _holders(self, m: Missed) -> str:
        """The holders' scores (best first) and, when known, their aptitude in the track's
        family; a long list says less than its range."""
        scores = [self._score(s) for s in m.holder_scores]
        listed = len(scores) <= LIST_HOLDERS
        detail = (
            f"score {', '.join(scores)}" if listed else f"scores {scores[0]} down to {scores[-1]}"
        )
        if not (self.families and self.aptitudes):
            return detail
        family = self.families[m.track]
        levels = [int(self.aptitudes[h].get(family, 0)) for h in m.holders]
        if listed:
            return f"{detail}; aptitude {', '.join(map(str, levels))} in {family}"
        low, high = min(levels), max(levels)
        span = f"{low}" if low == high else f"{low} to {high}"
        return f"{detail}; aptitude {span} in {family}"

    def _outside_wishes(self, e: Explanation) -> list[tuple[int, str]]:
        """Wished tracks that are not part of this allocation, ranked above the one got."""
        if not self.wishes:
            return []
        inside = set(self.track_codes)
        out: list[tuple[int, str]] = []
        for position, wish in enumerate(self.wishes[e.survivor], start=1):
            if wish in inside or wish not in self.catalog_seats:
                continue
            if e.track >= 0 and e.rank is not None and position >= e.rank:
                continue  # ranked below the track given (an unranked one ranks below all)
            if self.catalog_seats[wish] <= 0:
                out.append((position, f"{wish}: no seat available this intake."))
            else:
                out.append((position, f"{wish}: not among the tracks of this allocation."))
        return out
