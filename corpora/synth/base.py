"""Records shared by the scenario modules: an Incident (the facts) and a Scenario (how to tell it)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from corpora.synth.names import Person
from corpora.synth.places import Place

CATEGORY_OF_LEVEL = {"crime": "crime", "admin": "administrative", "civil": "civil", "civic": "civic"}


@dataclass(slots=True)
class Incident:
    """What happened, as the gold knows it."""

    scenario: str
    level: str                       # crime | admin | civil | civic
    offence: str | None              # gold canonical name (criminal charge or administrative cause)
    date: date
    place: Place
    victim: Person | None            # who suffered; None for civic matters
    suspect: Person | None           # who did it; None when nobody is accused
    named: bool = True               # does the complainant know the suspect's name?
    amount: int | None = None
    injury: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    victim_org: str = ""             # a firm as the case's victim (职务侵占)
    home: Place | None = None        # the complainant's home when it differs from the scene
    show_amount: bool = True

    @property
    def category(self) -> str:
        return CATEGORY_OF_LEVEL[self.level]


Builder = Callable[[random.Random, Incident], None]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One kind of incident with its own vocabulary and independently written templates.

    Narrative templates are person-neutral: ``{I}`` (first mention of the victim: 我 / 我母亲),
    ``{me}`` (later: 我 / 她), ``{my}`` (possessor: 我 / 她), so the same text serves first-person
    letters and relatives writing on someone's behalf. Terse templates (110 calls, 12345 work
    orders) start from ``{rep}`` (报警人 / 来电人 …) and use 其. ``acts`` are police-style clauses for
    the case summary, with ``{v}`` victim, ``{s}`` suspect, ``{loc}`` location, ``{amt}`` amount.
    """

    key: str
    offence: str                                  # canonical criminal charge (CAIL name, no 罪)
    admin_cause: str | None                       # 治安 cause when below threshold / penalised instead
    police: tuple[str, ...]                       # how a criminal record writes the offence
    police_admin: tuple[str, ...]                 # how an administrative record writes the cause
    build: Builder
    narr: Mapping[str, tuple[str, ...]]           # level -> narrative templates
    terse: Mapping[str, tuple[str, ...]]          # level -> terse templates
    acts: Mapping[str, tuple[str, ...]]           # level -> police summary clauses
    titles: tuple[str, ...]
    anon: tuple[str, ...] = ("一个陌生男子", "一个不认识的男的", "对方")
    weight: float = 1.0
    group: bool = False                           # several victims against one suspect
    subsum: bool = False                          # amounts of several victims accumulate
    private: bool = False                         # 告诉才处理
    victimless: bool = False                      # the complainant only reports (drugs, gambling)
    susp_title: str | None = None
    susp_known: float = 0.7
    where: str = "home"                           # where_text kind
    victim_age: tuple[int, int] = (20, 70)
    victim_male: bool | None = None

    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(self.narr)


def pick(rng: random.Random, seq: tuple[str, ...] | list[str]) -> str:
    return seq[rng.randrange(len(seq))]
