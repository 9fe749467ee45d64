"""Link complaints to police case records (the public entry points of ``clue_miner.link``).

A run: feature tables of both sides (``features``, ``case_features``) -> the text index and each
complaint's nearest cases (``textsim``; with ``LinkSettings.text_similarity``) -> our SQL builds
the per-record features and capped key lists (``sql``) -> Splink generates the candidate pairs and
scores them (``splink_model``; on the run's DuckDB connection, or on a Spark session with
``LinkSettings.spark_session``) -> per complaint the best matches within the margin, and the
corroboration rule (here: Splink has neither). u, m from labels and EM come from Splink's training.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clue_miner.link.blocking import TEXT_PAIRS, BlockingRule, default_blocking_rules
from clue_miner.link.case_features import case_tables
from clue_miner.link.comparisons import Comparison, default_comparisons
from clue_miner.link.features import SideTables, SummaryExtractor, complaint_tables
from clue_miner.link.settings import LinkSettings
from clue_miner.link.splink_model import SplinkModel, parameters_from_model
from clue_miner.link.sql import LinkSQL, build_link_sql
from clue_miner.link.textsim import TextIndex, TextScorer, fit_text_index
from clue_miner.types import Complaint, Extraction, Match

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkResult:
    """Accepted matches (per complaint best first, complaints in input order) and run statistics.

    ``stats``: complaints, cases, candidate_pairs, pairs_by_rule, blocking (per keyed rule: keys,
    key_pairs, skipped_keys, skipped_pairs), text_pairs (the text rule's pairs), matches,
    complaints_matched, prior, threshold, seconds (per stage: text = fitting the text index and
    finding each complaint's nearest cases; prepare = feature lists; blocking = keys, caps and
    Splink's candidate pairs; scoring = Splink's predict and the acceptance). ``pairs_by_rule``
    counts each pair once, under the rule Splink credits it to (its ``match_key``: the smallest
    rule number as text, so rule 10 comes before rule 2).
    """

    matches: list[Match]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def candidate_pairs_count(self) -> int:
        return int(self.stats.get("candidate_pairs", 0))


def specs(settings: LinkSettings,
          n_cases: int | None = None) -> tuple[tuple[BlockingRule, ...], tuple[Comparison, ...]]:
    """The blocking rules and comparisons in force (the settings' own, else the defaults, with
    identifier u scaled to ``n_cases``)."""
    rules = tuple(settings.blocking_rules) if settings.blocking_rules else default_blocking_rules(settings)
    comps = tuple(settings.comparisons) if settings.comparisons else default_comparisons(settings, n_cases)
    return rules, comps


def text_index(complaints: SideTables, cases: SideTables, settings: LinkSettings,
               background: Sequence[str | None] = ()) -> TextIndex | None:
    """The text similarity index of both sides (None when switched off or a side has no text);
    ``background``: complaint texts that count in the term statistics only (``fit_text_index``)."""
    if not settings.text_similarity:
        return None
    c_texts, k_texts = complaints.texts(), cases.texts()
    if c_texts is None or k_texts is None:
        return None
    try:
        return fit_text_index(c_texts, k_texts, max_df=settings.text_max_df, background=background,
                              block_max_df=settings.text_block_max_df)
    except ImportError as err:  # scikit-learn / scipy missing: link without text evidence
        logger.warning("text similarity off: %s", err)
        return None


def text_scorer(complaints: SideTables, cases: SideTables, settings: LinkSettings,
                background: Sequence[str | None] = ()) -> TextScorer | None:
    """The text index and each complaint's nearest cases (None without text evidence)."""
    index = text_index(complaints, cases, settings, background)
    if index is None:
        return None
    return TextScorer(index, index.neighbours(settings.text_top_k, settings.text_floor))


def _plan(settings: LinkSettings, n_cases: int) -> tuple[LinkSQL, SplinkModel]:
    """The SQL around Splink and the Splink model of a run over ``n_cases`` case records."""
    rules, comps = specs(settings, n_cases)
    plan = build_link_sql(rules, comps, max_matches=settings.max_matches_per_complaint,
                          margin_bits=settings.margin_bits, max_block_size=settings.max_block_size)
    return plan, SplinkModel(rules, comps, settings.prior(n_cases))


def _empty_stats(n_c: int, n_k: int) -> dict[str, Any]:
    return {"complaints": n_c, "cases": n_k, "candidate_pairs": 0, "pairs_by_rule": {}, "blocking": {},
            "matches": 0, "complaints_matched": 0, "seconds": {}}


def link_tables(complaints: SideTables, cases: SideTables, settings: LinkSettings | None = None,
                text_background: Sequence[str | None] = ()) -> LinkResult:
    """Link prepared feature tables (see ``features``); the lower-level entry point.
    ``text_background``: complaint texts that weigh the text evidence's terms but are not linked."""
    from clue_miner.link.duckdb_backend import DuckDBBackend

    settings = settings or LinkSettings()
    settings.validate()
    n_c, n_k = complaints.rows, cases.rows
    if n_c == 0 or n_k == 0:
        return LinkResult([], _empty_stats(n_c, n_k))
    plan, model = _plan(settings, n_k)
    rules = model.rules
    t0 = time.perf_counter()
    scorer = text_scorer(complaints, cases, settings, text_background)
    t1 = time.perf_counter()
    with DuckDBBackend(settings.threads, settings.memory_limit) as backend:
        backend.load(complaints, cases)
        n_text = backend.register_text(scorer, TEXT_PAIRS)
        if settings.spark_session is not None:
            from clue_miner.link.spark_backend import run_on_spark

            out = run_on_spark(backend, plan, model, settings.threshold_weight, settings.spark_session, scorer)
        else:
            out = backend.run(plan, model, settings.threshold_weight, settings.chunk_pairs)
    del scorer
    table, block_rows = out.matches, out.block_stats
    seconds = {"text": t1 - t0, **out.seconds}
    stats = _empty_stats(n_c, n_k)
    stats["candidate_pairs"] = sum(out.pair_counts.values())
    stats["pairs_by_rule"] = {rule.name: out.pair_counts.get(str(i), 0) for i, rule in enumerate(rules)}
    for rule_id, keys, key_pairs, skipped_keys, skipped_pairs in block_rows:
        name = rules[rule_id].name
        stats["blocking"][name] = {"keys": int(keys), "key_pairs": int(key_pairs or 0),
                                   "skipped_keys": int(skipped_keys), "skipped_pairs": int(skipped_pairs or 0)}
        if skipped_keys:  # expected for the coarse rules; for identifiers worth a look
            cap = rules[rule_id].max_block_size or settings.max_block_size
            level = logging.WARNING if rules[rule_id].prune else logging.INFO
            logger.log(level, "blocking rule %s: skipped %d keys shared by more than %d records (%d pairs)",
                       name, skipped_keys, cap, skipped_pairs)
    matches = _matches(table, complaints, cases, model, settings.min_corroboration)
    stats["matches"] = len(matches)
    stats["complaints_matched"] = len({m.complaint_id for m in matches})
    stats["prior"] = settings.prior(n_k)
    stats["threshold"] = settings.threshold
    stats["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    stats["scoring_chunks"] = out.chunks
    stats["text_pairs"] = n_text
    logger.info("linked %d complaints x %d cases: %d candidate pairs, %d matches for %d complaints",
                n_c, n_k, stats["candidate_pairs"], stats["matches"], stats["complaints_matched"])
    return LinkResult(matches, stats)


def _matches(table: Any, complaints: SideTables, cases: SideTables, model: SplinkModel,
             min_corroboration: int = 0) -> list[Match]:
    """Matches from the accepted rows of Splink's predictions; each carries the level and the
    bits of every non-null comparison as Splink computed them."""
    if table is None or table.num_rows == 0:
        return []
    c_ids = complaints.main.column("ext_id").to_pylist()
    k_ids = cases.main.column("ext_id").to_pylist()
    out = []
    for row in table.to_pylist():
        levels, weights = model.levels_of(row)
        if corroboration(levels) >= min_corroboration:
            out.append(Match(c_ids[row["cid"]], k_ids[row["kid"]], float(row["match_probability"]), levels,
                             weights=weights))
    return out


# Agreement levels that corroborate a pair (see LinkSettings.min_corroboration).
_PARTY_STRONG = frozenset({"id", "phone", "phone_and_name", "name_exact"})
_PARTY = frozenset({"phone_fuzzy", "phone_masked", "name_pinyin", "name_partial", "name_fuzzy"})
_CLOSE_DATE = frozenset({"within_1_day", "within_3_days", "within_7_days"})
_SAME_AMOUNT = frozenset({"ratio_0.95", "ratio_0.8", "share"})
_SAME_PLACE = frozenset({"jaccard_0.5", "site"})
_SAME_STORY = frozenset({"best_0.5", "cosine_0.5"})


def corroboration(levels: dict[str, str]) -> int:
    """How many independent kinds of fact a pair agrees on: the parties (a shared phone, ID or full
    name counts twice, each other agreeing role once, at most two), a date within 7 days, the
    amount, the place (half its address bigrams, or one named site) and the story (text cosine 0.5)."""
    party = 0
    for comp in ("suspect", "victim", "plate", "account"):
        level = levels.get(comp)
        if level in _PARTY_STRONG or (comp in ("plate", "account") and level == "exact"):
            party += 2
        elif level in _PARTY:
            party += 1
    return (min(party, 2) + (levels.get("date") in _CLOSE_DATE) + (levels.get("amount") in _SAME_AMOUNT)
            + (levels.get("location") in _SAME_PLACE) + (levels.get("text") in _SAME_STORY))


def link_frames(complaints: Sequence[Complaint], extractions: Sequence[Extraction], cases: Any,
                settings: LinkSettings | None = None,
                summary_extractor: SummaryExtractor | None = None) -> LinkResult:
    """Build both sides' features and link them; ``cases`` is io.read_cases' frame or CaseRecords."""
    t0 = time.perf_counter()
    c_tables = complaint_tables(complaints, extractions)
    t1 = time.perf_counter()
    k_tables = case_tables(cases, summary_extractor)
    t2 = time.perf_counter()
    result = link_tables(c_tables, k_tables, settings)
    result.stats["seconds"] = {"complaint_features": round(t1 - t0, 3), "case_features": round(t2 - t1, 3),
                               **result.stats["seconds"], "total": round(time.perf_counter() - t0, 3)}
    return result


def link(complaints: Sequence[Complaint], extractions: Sequence[Extraction], cases: Any,
         settings: LinkSettings | None = None, summary_extractor: SummaryExtractor | None = None) -> list[Match]:
    """Matches of complaints to case records, best first per complaint (see ``link_frames``)."""
    return link_frames(complaints, extractions, cases, settings, summary_extractor).matches


def _trained(complaints: SideTables, cases: SideTables, settings: LinkSettings, train: Any,
             which: str, sampled_pairs: int | None = None, keep: Sequence[str] = ()) -> tuple[Comparison, ...]:
    """Our comparisons with the m or u (``which``) that ``train(linker, backend)`` gave Splink's
    model of this data (a level Splink could not estimate keeps its value)."""
    from clue_miner.link.duckdb_backend import DuckDBBackend

    plan, model = _plan(settings, cases.rows)
    if complaints.rows == 0 or cases.rows == 0:
        return model.comparisons
    scorer = text_scorer(complaints, cases, settings)
    with DuckDBBackend(settings.threads, settings.memory_limit) as backend:
        backend.load(complaints, cases)
        backend.register_text(scorer, TEXT_PAIRS)
        backend.prepare(plan)
        backend.splink_inputs(plan, model)
        linker = backend.linker(model)
        train(linker, backend)
        trained = linker.misc.save_model_to_json()
    return parameters_from_model(model.comparisons, trained, which, sampled_pairs, keep=keep)


def estimate_u_tables(complaints: SideTables, cases: SideTables, settings: LinkSettings | None = None,
                      max_pairs: int = 1_000_000, seed: int = 42,
                      keep: Sequence[str] = ("text",)) -> tuple[Comparison, ...]:
    """Comparisons with u re-estimated by Splink from random (complaint, case) pairs of this data
    (``estimate_u_using_random_sampling``); pass them as ``LinkSettings(comparisons=...)``. Levels
    seen fewer than 10 times in the sample keep their hand-set u (``parameters_from_model``), and
    so does every level of the ``keep`` comparisons: the text comparison's u is by design the
    frequency among pairs that agree on the offence, not among random pairs (settings.py).

    Measured: on the two 60-complaint e2e_dev archives (4,920 and 5,340 pairs: the whole product)
    estimated u lower link accuracy (beijing 0.983 -> 0.933, sichuan 1.000 -> 0.967 with the guard;
    beijing 0.867 without it): a few hundred cases are too few to measure how often names, dates
    and amounts agree by chance; on the generated 10^4 x 10^4 archive (``benchmarks/link_bench.py``'s
    data, 10^6 random pairs, 20 s) precision 0.9957 -> 0.9969, recall 0.9834 -> 0.9766. So the
    hand-set u stay the default."""
    settings = settings or LinkSettings()

    def train(linker: Any, _backend: Any) -> None:
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)

    logger.info("estimate_u: up to %d random pairs", max_pairs)
    sampled = min(int(max_pairs), complaints.rows * cases.rows)
    return _trained(complaints, cases, settings, train, "u", sampled, keep)


def estimate_u(complaints: Sequence[Complaint], extractions: Sequence[Extraction], cases: Any,
               settings: LinkSettings | None = None, summary_extractor: SummaryExtractor | None = None,
               max_pairs: int = 1_000_000, seed: int = 42) -> tuple[Comparison, ...]:
    """``estimate_u_tables`` from complaints, their extractions and the case table."""
    return estimate_u_tables(complaint_tables(complaints, extractions), case_tables(cases, summary_extractor),
                             settings, max_pairs, seed)


def estimate_m_tables(complaints: SideTables, cases: SideTables, matches: Sequence[tuple[str, str]],
                      settings: LinkSettings | None = None) -> tuple[Comparison, ...]:
    """Comparisons with m re-estimated by Splink from known matches, (complaint id, case id) pairs
    that prosecutors confirmed (``estimate_m_from_pairwise_labels``). Unknown ids are skipped."""
    import pyarrow as pa

    settings = settings or LinkSettings()
    c_pos = {v: i for i, v in enumerate(complaints.main.column("ext_id").to_pylist())}
    k_pos = {v: i for i, v in enumerate(cases.main.column("ext_id").to_pylist())}
    known = [(c_pos[c], k_pos[k]) for c, k in matches if c in c_pos and k in k_pos]
    if not known:
        return specs(settings, cases.rows)[1]

    def train(linker: Any, backend: Any) -> None:
        labels = pa.table({"source_dataset_l": ["a_complaints"] * len(known), "_id_l": [c for c, _ in known],
                           "source_dataset_r": ["b_cases"] * len(known), "_id_r": [k for _, k in known]})
        backend.con.register("labels", labels)
        linker.training.estimate_m_from_pairwise_labels("labels")

    logger.info("estimate_m: %d labelled matches", len(known))
    return _trained(complaints, cases, settings, train, "m")


def estimate_m_em_tables(complaints: SideTables, cases: SideTables, settings: LinkSettings | None = None,
                         blocking: Sequence[str] = ("region", "day")) -> tuple[Comparison, ...]:
    """Comparisons with m estimated by Splink's expectation maximisation (u fixed), the optional
    unsupervised step: over the pairs that agree on the ``blocking`` columns or expressions (by
    default same district, same day: many true pairs, few enough others). The comparisons that
    use those columns cannot be learnt there and keep their m."""
    settings = settings or LinkSettings()

    def train(linker: Any, _backend: Any) -> None:
        from splink import block_on

        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*blocking),
                                                                           fix_u_probabilities=True)

    return _trained(complaints, cases, settings, train, "m")
