"""Comparisons: ordered levels, each a SQL condition over a candidate pair (aliases l and r).

As in splink, a comparison has one null level (the field is missing on a side: weight 0, left out
of ``Match.comparisons``) and levels tried in order, the last one being "else". Unlike splink the
null level need not come first: the identity comparisons test their positive phone/ID/name levels
before it, since a shared phone is evidence even when neither side names anybody. A level carries m and u;
its match weight is log2(m / u).

Person evidence is grouped per role (``suspect``, ``victim``): a phone and a name both pointing at
the same person are one piece of evidence, not two. Adding them independently would let a repeat
complainant (same phone, same name) link to their own old case about another incident, and
would over-credit a serial fraudster's other victims' cases.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from clue_miner.errors import ConfigError
from clue_miner.link.blocking import lam

if TYPE_CHECKING:
    from clue_miner.link.settings import LinkSettings


@dataclass(frozen=True)
class ComparisonLevel:
    name: str
    sql_condition: str
    m: float | None = None
    u: float | None = None
    is_null: bool = False

    @property
    def bayes_factor(self) -> float:
        if self.is_null or self.m is None or self.u is None:
            return 1.0
        return self.m / self.u

    @property
    def weight(self) -> float:
        return math.log2(self.bayes_factor)


@dataclass(frozen=True)
class Comparison:
    """A field comparison. ``name`` is the key in ``Match.comparisons`` and the gamma column."""

    name: str
    levels: tuple[ComparisonLevel, ...]
    description: str = ""

    def __post_init__(self) -> None:
        nulls = [lv for lv in self.levels if lv.is_null]
        if len(nulls) != 1 or self.levels[-1].is_null or len(self.levels) < 3:
            raise ConfigError(f"comparison {self.name}: needs one null level, two other levels, "
                              "and a non-null last level")
        for level in self.scored_levels:
            if level.m is None or level.u is None or level.m <= 0 or level.u <= 0:
                raise ConfigError(f"comparison {self.name}: level {level.name} needs m > 0 and u > 0")

    @property
    def null_level(self) -> ComparisonLevel:
        return next(lv for lv in self.levels if lv.is_null)

    @property
    def scored_levels(self) -> tuple[ComparisonLevel, ...]:
        """Non-null levels in order; a pair's gamma is the index into this tuple (-1: null)."""
        return tuple(lv for lv in self.levels if not lv.is_null)

    def level_name(self, gamma: int) -> str | None:
        return None if gamma < 0 else self.scored_levels[gamma].name

    def with_u(self, u: Mapping[str, float]) -> Comparison:
        levels = tuple(replace(lv, u=u[lv.name]) if lv.name in u else lv for lv in self.levels)
        return replace(self, levels=levels)

    def with_m(self, m: Mapping[str, float]) -> Comparison:
        levels = tuple(replace(lv, m=m[lv.name]) if lv.name in m else lv for lv in self.levels)
        return replace(self, levels=levels)


def _levels(settings: LinkSettings, comparison: str, conditions: Sequence[tuple[str, str]],
            n_cases: int | None = None) -> tuple[ComparisonLevel, ...]:
    """Levels from (name, condition) pairs; the one named "null" is the null level."""
    out = []
    for name, cond in conditions:
        if name == "null":
            out.append(ComparisonLevel("null", cond, is_null=True))
        else:
            m, u = settings.mu(comparison, name, n_cases)
            out.append(ComparisonLevel(name, cond, m, u))
    return tuple(out)


def identity_comparison(settings: LinkSettings, name: str, p: str, with_ids: bool = False,
                        n_cases: int | None = None) -> Comparison:
    """One person role of the case (p = 's' suspects, 'v' victims) against the complaint.

    Any phone of the complaint (its roles are unknown) is compared with the case's phones of that
    role. Name levels run strongest first; ``name_fuzzy`` is Jaro-Winkler on toneless pinyin (on
    Han characters it never reaches 0.88 for names of two to four characters).
    """
    phone = f"list_has_any(l.phones, r.{p}_phones)"
    same_name = f"(list_has_any(l.{p}_full, r.{p}_full) OR list_has_any(l.{p}_py, r.{p}_py))"
    inner = f"list_max(list_transform(r.{p}_py, {lam('y', 'jaro_winkler_similarity(x, y)')}))"
    best_jw = f"coalesce(list_max(list_transform(l.{p}_py, {lam('x', inner)})), 0)"
    conditions = [("id", "list_has_any(l.ids, r.ids)")] if with_ids else []
    # Strongest first. Every positive level is false on empty lists, so the null level ("no
    # names on a side, and no phone evidence") can sit just before "different".
    conditions += [
        ("phone_and_name", f"{phone} AND {same_name}"),
        ("phone", phone),
        # phone_masks (derived in sql.py): each 11-digit mobile with one digit masked, or two
        # adjacent digits replaced by their sorted pair; shared mask <=> Damerau-Levenshtein 1.
        ("phone_fuzzy", f"list_has_any(l.phone_masks, r.{p}_phone_masks)"),
        # a masked complainant phone (138****1234) against the case's mobiles: ~0.4 random
        # numbers of a 10^5-row table share a masked key, so far weaker than a full number
        ("phone_masked", f"list_has_any(l.masked, r.{p}_masked)"),
        ("name_exact", f"list_has_any(l.{p}_full, r.{p}_full)"),
        ("name_pinyin", f"list_has_any(l.{p}_py, r.{p}_py)"),
        ("name_partial", f"list_has_any(l.{p}_psn, r.{p}_sn) OR list_has_any(l.{p}_sn, r.{p}_psn)"),
        ("name_fuzzy", f"{best_jw} >= {settings.name_fuzzy_threshold}"),
        ("null", f"len(l.{p}_sn) = 0 OR len(r.{p}_sn) = 0"),
    ]
    if p == "v":
        # a case with many victims (a fund-raising or fraud ring): another victim's complaint names
        # someone not on the list as often as not, so that is weak evidence against the pair
        conditions.append(("other_of_many", f"len(r.{p}_sn) >= 3"))
    conditions.append(("different", "TRUE"))
    role = "suspects" if p == "s" else "victims"
    return Comparison(name, _levels(settings, name, conditions, n_cases),
                      f"the case's {role}: phones{', ID numbers' if with_ids else ''} and names")


def list_comparison(settings: LinkSettings, name: str, col: str, n_cases: int | None = None) -> Comparison:
    """Exact agreement of an identifier list (plates, accounts)."""
    return Comparison(name, _levels(settings, name, [
        ("null", f"len(l.{col}) = 0 OR len(r.{col}) = 0"),
        ("exact", f"list_has_any(l.{col}, r.{col})"),
        ("different", "TRUE"),
    ], n_cases))


def offence_comparison(settings: LinkSettings) -> Comparison:
    return Comparison("offence", _levels(settings, "offence", [
        ("null", "len(l.offences) = 0 OR len(r.offences) = 0"),
        ("exact", "list_has_any(l.offences, r.offences)"),
        ("family", "list_has_any(l.families, r.families)"),
        ("different", "TRUE"),
    ]), "offences found in the complaint vs the case's recorded offence")


def date_comparison(settings: LinkSettings) -> Comparison:
    """The complaint's incident date vs the case's accepted date and the incident date of its
    summary (the nearer); without an incident date, the complaint's received date is weaker
    evidence: complaints about how the police handled a case come weeks to years later."""
    # NULL when the complaint has no incident date: those levels then fail
    diff = "least(abs(l.iday - r.iday), abs(l.iday - r.eday))"
    since = "l.rday - coalesce(r.eday, r.iday)"  # days from the incident to the complaint
    return Comparison("date", _levels(settings, "date", [
        ("null", "(l.iday IS NULL AND l.rday IS NULL) OR (r.iday IS NULL AND r.eday IS NULL)"),
        ("within_1_day", f"{diff} <= 1"),
        ("within_3_days", f"{diff} <= 3"),
        ("within_7_days", f"{diff} <= 7"),
        ("within_30_days", f"{diff} <= 30"),
        ("within_90_days", f"{diff} <= 90"),
        ("over_90_days", "l.iday IS NOT NULL"),
        ("received_within_30_days", f"{since} BETWEEN -3 AND 30"),
        ("received_later", f"{since} > 30"),
        ("received_before", "TRUE"),
    ]), "complaint incident date (else received date) vs case date and summary incident date")


def amount_comparison(settings: LinkSettings) -> Comparison:
    ratio = "least(l.amount, r.amount) / greatest(l.amount, r.amount)"
    null = ("l.amount IS NULL OR r.amount IS NULL OR isnan(l.amount) OR isnan(r.amount) "
            "OR l.amount <= 0 OR r.amount <= 0")
    return Comparison("amount", _levels(settings, "amount", [
        ("null", null),
        ("ratio_0.95", f"{ratio} >= 0.95"),
        ("ratio_0.8", f"{ratio} >= 0.8"),
        ("ratio_0.5", f"{ratio} >= 0.5"),
        # the complaint's loss is part of a larger case total (several victims in one case)
        ("share", "l.amount < r.amount"),
        ("different", "TRUE"),
    ]))


def location_comparison(settings: LinkSettings) -> Comparison:
    # Lists hold distinct bigrams, so |union| = |a| + |b| - |a ∩ b|; list_filter + list_contains
    # measured ~4x faster than list_intersect in DuckDB.
    inter = f"len(list_filter(l.loc_bigrams, {lam('x', 'list_contains(r.loc_bigrams, x)')}))"
    jac = f"{inter} / (len(l.loc_bigrams) + len(r.loc_bigrams) - {inter})"
    # one site (estate, building, market, village) on both sides, one name inside the other (和平山庄
    # vs a complaint's 平山庄 4栋): the case writes city, district and road before it, which keeps
    # the Jaccard of the whole texts low
    inside = lam("y", "contains(y, x) OR contains(x, y)")
    site = f"len(list_filter(l.sites, {lam('x', f'len(list_filter(r.sites, {inside})) > 0')})) > 0"
    return Comparison("location", _levels(settings, "location", [
        ("null", "len(l.loc_bigrams) = 0 OR len(r.loc_bigrams) = 0"),
        ("jaccard_0.5", f"{jac} >= 0.5"),
        ("site", site),
        ("jaccard_0.2", f"{jac} >= 0.2"),
        ("different", "TRUE"),
    ]), "Jaccard of the character bigrams of the place texts")


def region_comparison(settings: LinkSettings) -> Comparison:
    return Comparison("region", _levels(settings, "region", [
        ("null", "l.region IS NULL OR r.region IS NULL"),
        ("equal", "l.region = r.region OR contains(l.region, r.region) OR contains(r.region, l.region)"),
        ("different", "TRUE"),
    ]))


TEXT_LEVELS = (0.5, 0.3, 0.15)  # cosine thresholds of the text levels
TEXT_BEST_GAP = 0.1  # "best": the complaint's most similar case, by at least this much


def suspect_identified() -> str:
    """The case's suspect is identified by the complaint: a phone (exact, one-digit typo or
    masked), an ID number or a full name (characters or pinyin) of the suspect side agrees."""
    return ("(list_has_any(l.phones, r.s_phones) OR list_has_any(l.ids, r.ids) OR list_has_any(l.s_full, r.s_full) "
            "OR list_has_any(l.s_py, r.s_py) OR list_has_any(l.phone_masks, r.s_phone_masks) "
            "OR list_has_any(l.masked, r.s_masked))")


def text_comparison(settings: LinkSettings, n_cases: int | None = None) -> Comparison:
    """TF-IDF cosine of the complaint's text and the case's summary, place and people
    (``textsim``; ``p.text_sim``, computed for every candidate pair, NULL when a side has no
    text), and whether the case is the complaint's single most similar one (``p.text_gap``: its
    cosine minus the best cosine of the complaint with any other case). The same story told by
    the complainant and by the police's summary; the best levels separate the complaint's own case
    from other incidents told in the same template words.

    Null (no weight) when the suspect is identified (``suspect_identified``): a serial offender's
    cases tell one story, so given the suspect the text says little about which incident it is,
    and adding it to the suspect's weight would link a victim to another victim's case; victim,
    amount and date decide then."""
    hi, mid, lo = TEXT_LEVELS
    best = f"p.text_gap >= {TEXT_BEST_GAP}"
    return Comparison("text", _levels(settings, "text", [
        ("null", f"p.text_sim IS NULL OR {suspect_identified()}"),
        (f"best_{hi}", f"p.text_sim >= {hi} AND {best}"),
        (f"best_{mid}", f"p.text_sim >= {mid} AND {best}"),
        (f"cosine_{hi}", f"p.text_sim >= {hi}"),
        (f"cosine_{mid}", f"p.text_sim >= {mid}"),
        (f"cosine_{lo}", f"p.text_sim >= {lo}"),
        ("different", "TRUE"),
    ], n_cases), "TF-IDF cosine of the complaint text and the case summary, place and people")


def default_comparisons(settings: LinkSettings, n_cases: int | None = None) -> tuple[Comparison, ...]:
    """The default comparisons; ``n_cases`` scales the u of identifier levels (settings.py)."""
    text = (text_comparison(settings, n_cases),) if settings.text_similarity else ()
    return (
        identity_comparison(settings, "suspect", "s", with_ids=True, n_cases=n_cases),
        identity_comparison(settings, "victim", "v", n_cases=n_cases),
        list_comparison(settings, "plate", "plates", n_cases),
        list_comparison(settings, "account", "accounts", n_cases),
        offence_comparison(settings),
        date_comparison(settings),
        amount_comparison(settings),
        *text,
        location_comparison(settings),
        region_comparison(settings),
    )
