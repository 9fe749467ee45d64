"""Blocking rules: which (complaint, case) pairs are compared at all.

A rule derives a list of keys from each complaint row (SQL over the alias ``l`` of the complaint
feature table) and from each case row (alias ``r``); a complaint and a case become a candidate pair
when they share a key of the same rule. ``sql.py`` explodes the keys into long tables, joins them on
(rule, key) and unions the pairs of all rules, remembering which rules produced each pair. A rule
may instead name a precomputed pair table (``pair_table``): the text rule reads ``text_pairs``,
each complaint's most similar cases by TF-IDF cosine (``textsim``), which the backend registers.
Keys need not be exact values: the phone_typo rule gives every mobile ten keys, each with one
digit masked, so that numbers one digit apart meet.

Key explosion is guarded by ``max_block_size``: a key shared by more complaints or more cases than
that (a police station's landline, 王 + fraud + one month in a huge table) is skipped and
counted in the stats; for identifier rules (``prune``), skipped keys are also removed from the
feature lists so that the comparisons do not reward them.

Feature columns available on both sides (lists are never NULL, only empty):
phones (s_phones, v_phones: by role, case side; complaint: complainant phone as v), masked
(s_masked, v_masked: 138*1234 keys), ids, plates, accounts, offences, families, areas, streets,
s_full, s_py, s_psn, s_sn, v_full, v_py, v_psn, v_sn (s_/v_: suspect / victim side names: full
names, their pinyin, surnames of partial names, surnames of all names), day (int days: event
date, else the complaint's received date), iday (event date), rday (received date, complaints
only), eday (incident date from the case summary), amount, location, loc_bigrams, region; after
pruning also phone_masks, s_phone_masks, v_phone_masks (fuzzy-phone keys, sql.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clue_miner.link.settings import LinkSettings

MONTH_DAYS = 30
WEEK_DAYS = 7


@dataclass(frozen=True)
class BlockingRule:
    """One blocking rule.

    name: short identifier (reported in stats and in the generated SQL).
    complaint_keys / case_keys: SQL expressions giving a VARCHAR list per row (aliases l / r).
    max_block_size: per-rule override of ``LinkSettings.max_block_size``.
    prune: feature columns from which skipped (too common) keys are removed on both sides.
    pair_table: instead of keys, a precomputed table of candidate pairs (cid, kid) that the backend
        registers under this name (the text similarity's top-k cases per complaint, ``textsim``);
        its pairs are taken as they are (each complaint brings a bounded number).
    """

    name: str
    complaint_keys: str = ""
    case_keys: str = ""
    max_block_size: int | None = None
    prune: tuple[str, ...] = ()
    description: str = ""
    pair_table: str | None = None


def lam(var: str, body: str) -> str:
    """A lambda in DuckDB's syntax (the arrow form is deprecated there; Spark would use ->)."""
    return f"lambda {var}: {body}"


def bucket_window(day: str, window: int, bucket: int) -> str:
    """Every ``bucket``-day bucket that intersects [day - window, day + window]."""
    lo = f"CAST(floor(({day} - {window}) / {bucket}) AS BIGINT)"
    hi = f"CAST(floor(({day} + {window}) / {bucket}) AS BIGINT)"
    return f"(CASE WHEN {day} IS NULL THEN []::BIGINT[] ELSE range({lo}, {hi} + 1) END)"


def bucket_own(day: str, bucket: int) -> str:
    """The one bucket of ``day`` (empty list when the day is unknown)."""
    return f"(CASE WHEN {day} IS NULL THEN []::BIGINT[] ELSE [CAST(floor({day} / {bucket}) AS BIGINT)] END)"


def buckets_of(days: Sequence[str], bucket: int) -> str:
    """The buckets of several day columns (a case's accepted date and its summary's incident date)."""
    known = f"list_filter([{', '.join(days)}], {lam('d', 'd IS NOT NULL')})"
    return f"list_distinct(list_transform({known}, {lam('d', f'CAST(floor(d / {bucket}) AS BIGINT)')}))"


def mobile_masks(col: str) -> str:
    """Typo-tolerant keys of the 11-digit mobiles in ``col``: each number with one of its last ten
    digits replaced by '*' (ten keys a number); two numbers share a key exactly when they differ
    in at most one digit (a transposition of two adjacent digits is two substitutions: not
    blocked here, but compared by the phone_fuzzy levels)."""
    sub = lam("i", "substr(x, 1, i - 1) || '*' || substr(x, i + 1)")
    is_mobile = lam("x", "length(x) = 11 AND x[1] = '1'")
    return f"flatten(list_transform(list_filter({col}, {is_mobile}), {lam('x', f'list_transform(range(2, 12), {sub})')}))"


def cross_keys(lists: Sequence[str], sep: str = "|") -> str:
    """SQL for the cartesian product of several lists as ``a|b|c`` strings."""
    names = [f"k{i}" for i in range(len(lists))]
    joined = f" || '{sep}' || ".join(f"CAST({n} AS VARCHAR)" for n in names)
    expr = f"list_transform({lists[-1]}, {lam(names[-1], joined)})"
    for i in range(len(lists) - 2, -1, -1):
        expr = f"flatten(list_transform({lists[i]}, {lam(names[i], expr)}))"
    return expr


TEXT_PAIRS = "text_pairs"  # table of (cid, kid, text_sim): each complaint's most similar cases


def default_blocking_rules(settings: LinkSettings) -> tuple[BlockingRule, ...]:
    """The default rules: identifiers, names, and fallbacks on offence family, place and amount;
    with ``settings.text_similarity``, also the text similarity's nearest cases.

    Complaint dates (incident, else received) are windowed; a case is bucketed by its accepted
    date and by its summary's incident date.
    """
    dw, aw, sw = settings.date_window_days, settings.area_window_days, settings.street_window_days
    days = ("r.iday", "r.eday")
    c_month, k_month = bucket_window("l.day", dw, MONTH_DAYS), buckets_of(days, MONTH_DAYS)
    c_day, k_day = bucket_window("l.day", aw, 1), buckets_of(days, 1)
    c_week, k_week = bucket_window("l.day", sw, WEEK_DAYS), buckets_of(days, WEEK_DAYS)
    no_offence = "len(l.families) = 0"
    # amounts that are not whole thousands (403, 9500, 12600 yuan) single out an incident; 5000 does not
    amount = "(CASE WHEN {a} >= 100 AND round({a}) % 1000 <> 0 THEN [CAST(round({a}) AS BIGINT)] ELSE []::BIGINT[] END)"
    text = (BlockingRule("text", pair_table=TEXT_PAIRS,
                         description=f"the complaint's {settings.text_top_k} most similar cases by text "
                                     f"(TF-IDF cosine >= {settings.text_floor})"),) if settings.text_similarity else ()
    return (
        BlockingRule("phone", "l.phones", "r.phones", prune=("phones", "s_phones", "v_phones"),
                     description="a phone of the complaint is a suspect or victim phone of the case"),
        BlockingRule("id_number", "l.ids", "r.ids", prune=("ids",),
                     description="an ID number of the complaint is a suspect ID of the case"),
        BlockingRule("plate", "l.plates", "r.plates", prune=("plates",),
                     description="a licence plate appears on both sides"),
        BlockingRule("account", "l.accounts", "r.accounts", prune=("accounts",),
                     description="a bank card or WeChat/QQ/Alipay account appears on both sides"),
        BlockingRule("masked_phone", "l.masked", "r.masked",
                     description="a masked complaint phone (138****1234) fits a case mobile"),
        BlockingRule("phone_typo", mobile_masks("l.phones"), mobile_masks("r.phones"),
                     description="a complaint mobile and a case mobile differ in one digit (keys: the "
                                 "number with one of its last ten digits masked)"),
        BlockingRule("full_name", "list_concat(l.s_full, l.v_full)", "list_concat(r.s_full, r.v_full)",
                     description="a full person name appears on both sides (any role)"),
        BlockingRule("partial_surname", cross_keys(["l.s_psn", "l.families", c_month]),
                     cross_keys(["r.s_sn", "r.families", k_month]),
                     description="complaint suspect 张某 vs a case suspect surnamed 张, same offence "
                                 f"family, dates within ~{dw} days"),
        BlockingRule("partial_surname_case", cross_keys(["l.s_sn", "l.families", c_month]),
                     cross_keys(["r.s_psn", "r.families", k_month]),
                     description="case suspect recorded as 张某 vs a complaint suspect surnamed 张"),
        BlockingRule("family_area_day", cross_keys(["l.families", "l.areas", c_day]),
                     cross_keys(["r.families", "r.areas", k_day]),
                     description=f"same offence family and district, dates within {aw} days "
                                 "(complaints without identifiers)"),
        BlockingRule("family_street_week", cross_keys(["l.families", "l.streets", c_week]),
                     cross_keys(["r.families", "r.streets", k_week]),
                     description=f"same offence family and town/road/community, dates within ~{sw} days"),
        BlockingRule("street_week", f"(CASE WHEN {no_offence} THEN {cross_keys(['l.streets', c_week])} "
                                    "ELSE []::VARCHAR[] END)",
                     cross_keys(["r.streets", k_week]),
                     description="complaints whose offence was not recognised: same town/road/community, "
                                 f"dates within ~{sw} days"),
        BlockingRule("amount_week", cross_keys([amount.format(a="l.amount"), c_week]),
                     cross_keys([amount.format(a="r.amount"), k_week]),
                     description="the same amount (>= 100 yuan, to the yuan, not whole thousands), "
                                 f"dates within ~{sw} days"),
        *text,
    )
