"""Linker settings and the hand-set m/u probabilities of every comparison level.

m = P(level | the complaint and the case are about the same incident)
u = P(level | a random complaint–case pair)            (splink's definitions)

A level's match weight is log2(m / u) bits; a pair's weight is the prior's log2 odds plus the sum
over comparisons; the match probability is 2^w / (1 + 2^w). The m values of the non-null levels of
one comparison sum to 1 (how true matches spread over the levels); u values are rough
frequencies among random pairs, those of identifier levels for a table of 10^5 cases (scaled to
the actual size, see PER_RECORD_LEVELS). ``linker.estimate_u`` re-estimates u from random pairs
of the actual data (splink's estimate_u).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MU = tuple[float, float]

# Levels whose agreement between non-matching pairs comes from the same person or vehicle
# recurring in other records (a repeat complainant, a recidivist), not from chance. Their default u
# is given for a table of U_REFERENCE_CASES cases and scales as 1 / n_cases: one old case of the
# complainant is 1 in 10^4 random pairs of a 10^4-row table but 1 in 10^5 of a 10^5-row one. As
# the prior also goes as 1 / n_cases, identifier evidence then yields the same posterior whatever
# the table size. Name levels are not scaled: name collisions are chance.
U_REFERENCE_CASES = 100_000
PER_RECORD_LEVELS = frozenset({
    ("suspect", "id"), ("suspect", "phone_and_name"), ("suspect", "phone"), ("suspect", "phone_masked"),
    ("suspect", "phone_fuzzy"), ("victim", "phone_and_name"), ("victim", "phone"), ("victim", "phone_masked"),
    ("victim", "phone_fuzzy"), ("plate", "exact"), ("account", "exact"), ("text", "best_0.5"), ("text", "best_0.3"),
})

DEFAULT_M_U: dict[str, dict[str, MU]] = {
    # m values were first set by hand, then checked against the level frequencies of the gold
    # links of the project's synthetic corpus (corpora/generate.py, 2,000 complaints, read by the
    # real extraction pipeline; estimate_m_tables) and moved toward them where they differed a lot.
    # Person evidence: one comparison per role of the case. Levels are tried in this order; a
    # phone and a name of one person are one piece of evidence (see comparisons.py).
    "suspect": {
        # A suspect ID number quoted in the complaint: unique per person.
        "id": (0.03, 1e-8),
        # A phone of the complaint is a suspect phone of the case and a suspect name agrees. u: a
        # non-matching pair sharing the suspect's phone is the same offender in another incident,
        # who then almost always has the same name too (so u ~ the phone level's u).
        "phone_and_name": (0.05, 5e-7),
        # Phone only. u: a few phones per record among ~10^9 numbers, inflated 1000x for people
        # who recur (recidivists, repeat callers); numbers shared by many records are pruned.
        "phone": (0.1, 1e-6),
        # One-digit typo (Damerau-Levenshtein 1) between 11-digit mobiles. u: ~100 neighbours per
        # number; among the ~10^8 numbers in use in one city, a random pair of records is that
        # close ~1e-6 of the time at 10^5 cases (recurring people with a mistyped number add
        # less); the corpus (seed 55) measures 4e-7. m: the corpus has typos in 5% of the
        # complaints that quote a suspect phone; real data fewer. Blocked by the phone_typo rule.
        "phone_fuzzy": (0.02, 1e-6),
        # A masked phone (138****1234) of the complaint fits a suspect mobile: ~0.4 of the
        # mobiles of a 10^5-row table share a masked key (u 4e-6 per record at 10^5 cases).
        "phone_masked": (0.02, 4e-6),
        # Same full name: ~1 in 20,000 random name pairs share one (common names included).
        # Complainants seldom know the suspect's full name (corpus m 0.03; 0.2 kept for tables
        # whose complaints do name suspects).
        "name_exact": (0.2, 5e-5),
        # Same pinyin, different characters (章伟 vs 张伟, operators' typos): twice the chance
        # collisions of exact names (homophones), rarer among true matches.
        "name_pinyin": (0.03, 1e-4),
        # Same surname, one side partial (张某, 李老板 vs 张伟): how complainants usually name a
        # suspect (corpus m 0.8); random pairs share a surname ~5% of the time.
        "name_partial": (0.47, 0.05),
        # Jaro-Winkler >= 0.88 on pinyin (张晓明 vs 张晓敏): many same-surname names pass, weak.
        "name_fuzzy": (0.03, 5e-3),
        # Names on both sides, none compatible: an alias or a wrongly extracted suspect.
        "different": (0.05, 0.95),
    },
    "victim": {
        # The complainant's phone is the recorded victim's (or reporter's) phone and the name
        # agrees: the complainant is the victim. The strongest tie-breaker between several cases
        # of one suspect; still one person, so a repeat complainant's old cases need incident
        # evidence (date, offence, amount) on top.
        "phone_and_name": (0.25, 5e-7),
        # Same phone, name not compared (masked 罗** complainants, relatives on the victim's phone).
        "phone": (0.2, 1e-6),
        "phone_fuzzy": (0.03, 1e-6),
        # The complainant's masked phone (exports often mask them) fits a victim's mobile.
        "phone_masked": (0.1, 4e-6),
        "name_exact": (0.14, 5e-5),
        "name_pinyin": (0.03, 1e-4),
        # 李女士, 罗** vs 李娜: masked or polite forms of the complainant; little evidence.
        "name_partial": (0.08, 0.04),
        "name_fuzzy": (0.01, 5e-3),
        # The case lists three or more victims (surnames) and none is the complainant: another
        # victim of the same ring (non-matching pairs land here only when the case is such a ring).
        "other_of_many": (0.04, 0.03),
        # A relative or neighbour complains for the recorded victim: common among true matches
        # (gold pairs: e2e_dev beijing 0.37, generated 10^4 0.04, sichuan 0; name_exact there
        # 0.33 / 0.15 / 0.03).
        "different": (0.12, 0.95),
    },
    "plate": {
        # A licence plate quoted in the complaint and the case record (traffic, vehicle theft).
        "exact": (0.7, 1e-6),
        "different": (0.3, 1.0),
    },
    "account": {
        # A bank card or WeChat/QQ/Alipay account named in the complaint (the payee of a fraud)
        # and in the case summary: identifies the money trail of one scheme.
        "exact": (0.6, 1e-6),
        # Complaints list the victim's own card, the case the scheme's accounts.
        "different": (0.4, 1.0),
    },
    "offence": {
        # Same canonical charge: fraud and theft alone are ~40% of cases, so u is not tiny.
        "exact": (0.8, 0.1),
        # Same family (诈骗 vs 合同诈骗, 殴打他人 vs 故意伤害): complaints name the cause loosely.
        "family": (0.12, 0.05),
        "different": (0.08, 0.85),
    },
    "date": {
        # Incident date extracted from the complaint vs the nearer of the case's accepted date
        # and its summary's incident date. u: random dates over a few years; m: the police
        # accept a case within days (corpus: within 1 day 0.2, within 3 days 0.22).
        "within_1_day": (0.22, 0.003),
        "within_3_days": (0.16, 0.004),
        "within_7_days": (0.05, 0.008),
        "within_30_days": (0.06, 0.04),
        # Frauds and wage arrears run for months before they are reported.
        "within_90_days": (0.05, 0.08),
        # A misread incident date, or an old dispute retold: rare for true matches.
        "over_90_days": (0.04, 0.5),
        # No incident date, only the received date: soon after the incident (a fresh report) …
        "received_within_30_days": (0.1, 0.014),
        # … or long after it: the usual complaint about how a case was handled (corpus m 0.38,
        # about as frequent as among random pairs: no evidence either way) …
        "received_later": (0.28, 0.2),
        # … or before the case's incident date: the complaint is about something else.
        "received_before": (0.04, 0.153),
    },
    "amount": {
        # Round sums (5000, 10000 yuan) make chance agreement of ~4% among random pairs.
        "ratio_0.95": (0.55, 0.04),
        "ratio_0.8": (0.08, 0.06),
        "ratio_0.5": (0.1, 0.15),
        # The complaint's loss is part of the case's total (several victims, one case).
        "share": (0.22, 0.35),
        # The complaint claims more than twice the case's amount.
        "different": (0.05, 0.4),
    },
    "location": {
        # Character-bigram Jaccard of the place texts; >= 0.5 means the same street or building.
        "jaccard_0.5": (0.25, 0.01),
        # One estate / building / market / village on both sides (泰和苑 vs B市B4区望城中路泰和苑).
        # Gold pairs: generated 10^4 0.33, e2e_dev beijing 0.10, sichuan 0 (its cases mask the
        # site as 某小区); random pairs 0.001 on each, u kept at 7.5x that (estate names recur
        # across a city's districts): a little weaker than a Jaccard of 0.5.
        "site": (0.15, 0.0075),
        "jaccard_0.2": (0.3, 0.05),
        # Complaints describe places loosely (home address vs place of the incident).
        "different": (0.3, 0.935),
    },
    "region": {
        # ~7 districts of comparable size; a complaint is routed to the district of the incident.
        "equal": (0.9, 0.15),
        "different": (0.1, 0.85),
    },
    "text": {
        # TF-IDF cosine of the complaint text (entities other comparisons weigh blanked out) and
        # the case's summary, place and people (textsim.py); "best": the case is the complaint's
        # most similar one by a cosine margin of 0.1 (comparisons.text_comparison). Null when the
        # suspect is identified (a serial offender's cases share one story).
        # From data (corpora/generate.py seed 55: 3,000 complaints x 2,500 cases, the real
        # extraction pipeline; all 7.5M pairs scored). m: level frequencies of the 1,282 gold
        # pairs (best_0.5 0.29, best_0.3 0.14, cosine 0.13 / 0.15 / 0.13, different 0.15).
        # u: frequencies among non-matching pairs *that agree on the offence* (4.7e-5, 1.6e-5,
        # 2.7e-3, 7.7e-3, 2.1e-2, 0.97), not among all random pairs (5.5e-5, 3.7e-5, 3.0e-4,
        # 1.1e-3, 3.9e-3, 0.995): the same story means the same kind of offence, so the
        # unconditional u would count the offence comparison's evidence a second time (~3 bits).
        # The best levels are per record (at most one case per complaint; listed in
        # PER_RECORD_LEVELS): u scaled from 2,500 to 10^5 cases. The corpus at 10^4 cases
        # measures a lower u (3e-6 at 10^4 for best_0.5), so the 1/n scaling is conservative.
        # best_0.3's u is 12x the measured one (11 pairs of 7.5M: too few to trust; on a 12,000 x
        # 10,000 tuning archive the measured value let 30 no-case complaints link to a case told
        # in the same template words). Pair precision / recall with these values: seed 55
        # 0.997 / 0.920, the 12,000 x 10,000 archive (seed 56) 0.994 / 0.901 (text off:
        # 1.000 / 0.815 and 0.996 / 0.816).
        "best_0.5": (0.3, 1.2e-6),
        "best_0.3": (0.13, 5e-6),
        "cosine_0.5": (0.14, 2.8e-3),
        "cosine_0.3": (0.17, 8e-3),
        "cosine_0.15": (0.13, 2.2e-2),
        "different": (0.13, 0.97),
    },
}


@dataclass
class LinkSettings:
    """Everything the linker needs besides the data. Values are checked on creation and again
    when a run starts (``validate``), so assigning an attribute later is fine.

    threshold: minimum match probability of an accepted pair, 0.6: "more likely than not" with a
        little room for the conditional-independence optimism of Fellegi-Sunter. Chosen on data
        (best match per complaint, precision / recall):
        - project corpus (corpora/generate.py 2,000 complaints x 3,000 cases, real extraction
          pipeline): 0.999 / 0.803 at 0.5, 1.000 / 0.794 at 0.6, 1.000 / 0.760 at 0.8, 1.000 /
          0.697 at 0.95; ``tests/test_mine_e2e.py``'s clue precision needs 0.6 or lower;
        - link synthetic data (``benchmarks/link_bench.py``, 10^4, 5% repeat complainants with
          new incidents): 0.970 / 0.905 at 0.5, 0.977 / 0.901 at 0.6, 0.988 / 0.887 at 0.8.
        False links hide 有案不立 clues; missed links create false ones: costs are comparable.
    max_matches_per_complaint / margin_bits: per complaint keep at most this many cases, and only
        those whose weight is within ``margin_bits`` of the best (4 bits: at least 1/16 as likely
        as the best candidate). A fraudster's other victims' cases thus drop out.
    date_window_days: window of the surname + offence family blocking rule (partial names).
    area_window_days: window of the offence family + district blocking rule (1-day buckets).
    street_window_days: window of the offence family + town/road blocking rule (7-day buckets).
    max_block_size: a blocking key shared by more complaints or more cases than this is skipped
        (a station's landline, 王 + fraud in a huge table); keys of identifier rules that are
        skipped are also removed from the phone / ID / plate comparisons (they identify nobody).
    prior_match_probability: P(a random complaint–case pair match). None: ``expected_match_rate
        / max(n_cases, prior_reference_cases)`` (each complaint has at most one case; the floor
        keeps small test tables from being scored far more generously than real ones).
    min_corroboration: an accepted pair must also agree on at least this many independent kinds of
        fact (``linker.corroboration``): the parties (a shared phone, ID or full name counts twice),
        the date within 7 days, the amount (ratio 0.8, or the complaint's share of a larger total),
        the place (half the address bigrams) and the story (text cosine 0.5). The offence never
        counts: a theft at another shop that month reads just like this one. 0 switches it off.
        Measured (complaints whose best case is right): the two independently written dev
        archives 0.88 / 0.92 -> 0.98 / 0.93 (8 false links removed, no true one);
        the generated 10^4 archive 0.961 -> 0.951 (its complaints often share only the offence,
        a loose place and template wording with their case, which is what the false links on
        real text share too).
    m_u: overrides of ``DEFAULT_M_U`` as {comparison: {level: (m, u)}}.
    blocking_rules / comparisons: replace the defaults (specs from ``blocking`` / ``comparisons``).
    text_similarity: use the complaint text and the case summary (``textsim``): a blocking rule
        (each complaint's ``text_top_k`` most similar cases with cosine >= ``text_floor``) and the
        ``text`` comparison. Terms in more than ``text_max_df`` of all records are dropped (cost
        of the sparse product; such terms weigh little anyway). On the tuning archives k 10,
        floor 0.1 or a cap of 0.05 found no more links (within 0.3 point of recall); the cap of
        0.05 took 2.4x as long at 10^5 x 10^5 (nearest cases 31 s instead of 13 s). Terms in more
        than ``text_block_max_df`` records count in the cosines but do not look for neighbours:
        with a fractional cap alone the product grows with the square of the archive (10^6 x 10^6
        did not finish); equal to the fractional cap at 10^5 x 10^5, so nothing changes below.
    chunk_pairs: about this many candidate pairs per Splink blocking + predict round (the
        complaints split into ceil(pairs the keys promise / chunk_pairs) chunks by Splink's hash of
        their id; each round re-explodes the keys, so fewer rounds are faster while they fit).
    spark_session: a SparkSession on which Splink generates and scores the pairs
        (``spark_backend``; its ``spark.jars`` should hold ``spark_backend.similarity_jar()``);
        None: Splink on the run's own DuckDB connection.
    threads / memory_limit: DuckDB settings (None: DuckDB's defaults); beyond the limit DuckDB
        spills to a temporary directory. On Splink, 10^5 x 10^5 generated (``link_bench.py``'s
        data, 10.8M candidate pairs, 2 threads): 512MB with 2M-pair chunks 225 s (7 rounds); 1GB
        with 4M 145 s (4 rounds; the benchmark's peak 2.0 GB); 1GB with 8M 168 s; 512MB in one
        round runs out of memory in Splink's blocking. (Our own SQL engine before Splink: 117 s.)
    """

    threshold: float = 0.6
    max_matches_per_complaint: int = 3
    margin_bits: float = 4.0
    date_window_days: int = 30
    area_window_days: int = 2
    street_window_days: int = 7
    max_block_size: int = 200
    prior_match_probability: float | None = None
    expected_match_rate: float = 0.5
    prior_reference_cases: int = 10_000
    name_fuzzy_threshold: float = 0.88
    min_corroboration: int = 2
    m_u: Mapping[str, Mapping[str, MU]] | None = None
    blocking_rules: Sequence[Any] | None = None
    comparisons: Sequence[Any] | None = None
    chunk_pairs: int = 4_000_000
    threads: int | None = None
    memory_limit: str | None = "1GB"
    text_similarity: bool = True
    text_top_k: int = 5
    text_floor: float = 0.15
    text_max_df: float = 0.02
    text_block_max_df: int = 5_000
    spark_session: Any = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ConfigError for values no run can use."""
        from clue_miner.errors import ConfigError

        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must lie in (0, 1), got {self.threshold}")
        if self.max_matches_per_complaint < 1:
            raise ConfigError("max_matches_per_complaint must be >= 1")
        if self.max_block_size < 1 or self.chunk_pairs < 1:
            raise ConfigError("max_block_size and chunk_pairs must be >= 1")
        if min(self.date_window_days, self.area_window_days, self.street_window_days) < 0:
            raise ConfigError("date windows must be >= 0 days")
        if self.prior_match_probability is not None and not 0 < self.prior_match_probability < 1:
            raise ConfigError("prior_match_probability must lie in (0, 1)")
        if self.text_top_k < 1 or not 0 <= self.text_floor < 1 or not 0 < self.text_max_df <= 1:
            raise ConfigError("text_top_k must be >= 1, text_floor in [0, 1), text_max_df in (0, 1]")
        if self.text_block_max_df < 1:
            raise ConfigError("text_block_max_df must be >= 1")

    def mu(self, comparison: str, level: str, n_cases: int | None = None) -> MU:
        """(m, u) of one level: the override when given (used as is), else the default, with the
        u of ``PER_RECORD_LEVELS`` scaled to a table of ``n_cases`` rows when that is given."""
        override = (self.m_u or {}).get(comparison, {})
        if level in override:
            return override[level]
        m, u = DEFAULT_M_U[comparison][level]
        if n_cases is not None and (comparison, level) in PER_RECORD_LEVELS:
            u = min(1.0, u * U_REFERENCE_CASES / self.effective_cases(n_cases))
        return m, u

    def effective_cases(self, n_cases: int) -> int:
        """Table size used by the prior and the per-record u: never below the reference floor."""
        return max(n_cases, self.prior_reference_cases, 1)

    def prior(self, n_cases: int) -> float:
        if self.prior_match_probability is not None:
            return self.prior_match_probability
        return min(0.5, self.expected_match_rate / self.effective_cases(n_cases))

    def prior_weight(self, n_cases: int) -> float:
        p = self.prior(n_cases)
        return math.log2(p / (1.0 - p))

    @property
    def threshold_weight(self) -> float:
        return math.log2(self.threshold / (1.0 - self.threshold))
