"""Our blocking rules and comparisons as a Splink model (Splink 5; DuckDB or Spark backend).

Splink does the Fellegi–Sunter work: it generates the candidate pairs from the blocking rules
(each rule a ``block_on`` over a key list exploded by Splink, pairs found by several rules kept
once with the first rule's ``match_key``), evaluates every comparison's levels, and sums the
levels' match weights with the prior into ``match_weight`` / ``match_probability``; its
``gamma_*`` and ``mw_*`` columns are the explanation of each pair. Its u estimation (random
sampling), m from labelled pairs and EM train the same model.

The translation is mechanical: a level's SQL is ours with ``l.col`` / ``r.col`` written as
Splink's ``col_l`` / ``col_r``, and the pair's text scores (``p.text_sim``, ``p.text_gap``) as a
call of the ``clue_text_sim`` function over the two record ids (registered on the backend's
connection: a Python function over the text index, see ``splink_backend``) and the complaint's
best / second-best cosine columns. Splink numbers the non-null levels from the strongest
(``n - 1``) down to 0; ``Comparison`` counts from 0 at the strongest: ``our_gamma`` converts.

What stays outside Splink (with the reason):
- the blocking keys themselves (``blocking``/``sql``): our rules derive different key lists on
  the two sides (a complaint's date window against a case's date buckets), and a key shared by
  more than ``max_block_size`` records on a side is skipped (an identifier's key is also removed
  from the comparisons): Splink has no per-key cap, so the key lists handed to it hold only the
  keys that pass;
- the text neighbours (``textsim``): a sparse matrix product, not SQL; they enter as a key list
  (the complaint's nearest case ids, the case's own id);
- after ``predict``: at most ``max_matches_per_complaint`` cases per complaint within
  ``margin_bits`` of its best, and the corroboration rule (``linker``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clue_miner.link.blocking import BlockingRule
from clue_miner.link.comparisons import Comparison

TEXT_SIM_FUNCTION = "clue_text_sim"
UNIQUE_ID = "_id"
TEXT_COLUMNS = ("text_best", "text_second", "text_best_kid")  # per complaint (textsim.Neighbours)
_COLUMN = re.compile(r"\b([lr])\.([A-Za-z_][A-Za-z0-9_]*)")
_SIM = f"{TEXT_SIM_FUNCTION}({UNIQUE_ID}_l, {UNIQUE_ID}_r)"


def splink_sql(condition: str) -> str:
    """A level condition in Splink's column naming (``l.x`` -> ``x_l``, pair scores -> functions)."""
    gap = (f"({_SIM} - (CASE WHEN {UNIQUE_ID}_r = text_best_kid_l THEN text_second_l "
           "ELSE text_best_l END))")
    condition = condition.replace("p.text_sim", _SIM).replace("p.text_gap", gap)
    return _COLUMN.sub(lambda m: f"{m.group(2)}_{m.group(1)}", condition)


def spark_sql(condition: str) -> str:
    """A Splink-named condition (``splink_sql``) in Spark SQL: sqlglot's DuckDB -> Spark
    transpilation, with the list functions it maps to string ones put right (``len`` of a list is
    ``size``, ``list_has_any`` is ``arrays_overlap``) and Jaro-Winkler as the ``jaro_winkler``
    function of Splink's Spark jar."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(condition, read="duckdb")

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.ArrayOverlaps):
            return exp.Anonymous(this="arrays_overlap", expressions=[node.this, node.expression])
        if isinstance(node, exp.Length):  # our comparisons take len() of lists only
            return exp.Anonymous(this="size", expressions=[node.this])
        if isinstance(node, exp.JarowinklerSimilarity):
            return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
        return node

    while True:  # a replaced node's arguments are not visited again: repeat until nothing is left
        fixed = tree.transform(fix)
        if fixed == tree:
            return fixed.sql(dialect="spark")
        tree = fixed


def key_column(rule_id: int) -> str:
    """The key-list column of a blocking rule in the tables handed to Splink."""
    return f"bk_{rule_id}"


def splink_comparison(comparison: Comparison, dialect: str = "duckdb") -> dict[str, Any]:
    """A ``Comparison`` as a Splink comparison dict (levels in order, fixed m and u) whose SQL
    is in ``dialect`` (duckdb or spark)."""
    levels = []
    for level in comparison.levels:
        sql = splink_sql(level.sql_condition)
        if dialect == "spark":
            sql = spark_sql(sql)
        entry: dict[str, Any] = {"sql_condition": sql, "label_for_charts": level.name}
        if level.is_null:
            entry["is_null_level"] = True
        else:
            entry["m_probability"] = float(level.m)  # type: ignore[arg-type]
            entry["u_probability"] = float(level.u)  # type: ignore[arg-type]
        levels.append(entry)
    return {"output_column_name": comparison.name, "comparison_description": comparison.description or comparison.name,
            "comparison_levels": levels}


def our_gamma(comparison: Comparison, splink_gamma: int) -> int:
    """Splink's comparison vector value -> the index into ``scored_levels`` (-1 stays null)."""
    return -1 if splink_gamma < 0 else len(comparison.scored_levels) - 1 - int(splink_gamma)


@dataclass(frozen=True)
class SplinkModel:
    """The Splink settings of one run and how to read its output back."""

    rules: tuple[BlockingRule, ...]
    comparisons: tuple[Comparison, ...]
    prior: float

    def settings(self, dialect: str = "duckdb") -> Any:
        """A ``splink.SettingsCreator``: link_only, one exploded ``block_on`` per rule."""
        from splink import SettingsCreator, block_on

        rules = [block_on(key_column(i), arrays_to_explode=[key_column(i)]) for i in range(len(self.rules))]
        return SettingsCreator(
            link_type="link_only",
            unique_id_column_name=UNIQUE_ID,
            probability_two_random_records_match=self.prior,
            comparisons=[splink_comparison(c, dialect) for c in self.comparisons],
            blocking_rules_to_generate_predictions=rules,
            retain_matching_columns=True,  # the gamma_* columns come only with it (rows above the threshold)
            retain_intermediate_calculation_columns=True,
            additional_columns_to_retain=[],
        )

    def pair_table_rules(self) -> list[int]:
        """Indices of the rules whose keys come from a pair table (the text neighbours)."""
        return [i for i, r in enumerate(self.rules) if r.pair_table]

    def rule_name(self, match_key: str | int) -> str:
        return self.rules[int(match_key)].name

    def levels_of(self, row: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, float]]:
        """(level names, bits) of the non-null comparisons of one prediction row (``gamma_*``
        and ``mw_*`` columns as Splink wrote them)."""
        levels, weights = {}, {}
        for comp in self.comparisons:
            gamma = row[f"gamma_{comp.name}"]
            if gamma is None or gamma < 0:
                continue
            levels[comp.name] = comp.level_name(our_gamma(comp, gamma))
            weights[comp.name] = float(row[f"mw_{comp.name}"])
        return levels, weights


def parameters_from_model(comparisons: Sequence[Comparison], model: Mapping[str, Any], which: str,
                          sampled_pairs: int | None = None, min_count: int = 10,
                          keep: Collection[str] = ()) -> tuple[Comparison, ...]:
    """Our comparisons with the m or u (``which``) of a trained Splink model (its JSON dict,
    ``linker.misc.save_model_to_json()``); a level Splink could not estimate keeps its value.
    With ``sampled_pairs`` (u from that many random pairs) a level seen fewer than ``min_count``
    times keeps its hand-set u too: absence, or one chance pair, in a sample is weak evidence, and a
    u of 1/sample would give an identifier the weight of a coin toss (Splink reports no counts:
    u x sample is an upper bound of the level's count, so the guard never keeps a frequent level).
    The comparisons named in ``keep`` stay as they are."""
    trained: dict[str, dict[str, float]] = {}
    for comp in model.get("comparisons", []):
        values = {}
        for level in comp.get("comparison_levels", []):
            value = level.get(f"{which}_probability")
            if level.get("is_null_level") or not isinstance(value, (int, float)) or value <= 0:
                continue
            if sampled_pairs is not None and value * sampled_pairs < min_count:
                continue
            values[level["label_for_charts"]] = float(value)
        trained[comp["output_column_name"]] = values
    out = []
    for comp in comparisons:
        if comp.name in keep:
            out.append(comp)
            continue
        values = trained.get(comp.name, {})
        out.append(comp.with_u(values) if which == "u" else comp.with_m(values))
    return tuple(out)
