"""Generate the linker's SQL from the specs, once, as plain text (no connection needed).

Tables the statements expect (registered by a backend): ``c_main``, ``c_items``, ``c_names`` and
``k_main``, ``k_items``, ``k_names`` (see ``features.SideTables``), and the pair table of every
rule that names one (``text_pairs``: cid, kid, text scores). Statements, in order:

1. prepare: ``c_feat`` / ``k_feat`` — one row per record, list columns aggregated from long form
2. keys: ``c_keys`` / ``k_keys`` (id, rule_id, key) — blocking keys exploded
3. blocks: ``block_sizes`` (rule_id, key, n_c, n_k, skipped) — keys found on both sides
4. prune: identifier keys that were skipped are removed from the feature lists; then derived
   columns (``phone_masks``, ``s_phone_masks``, ``v_phone_masks``) are added to both feature tables
5. pairs: ``pairs`` (cid, kid, rules) — distinct candidate pairs, ``rules`` a bit mask of rules
6. pair scores: the backend computes ``PAIR_SCORES`` (text_sim, text_gap) for every candidate pair
   outside SQL, chunk by chunk, and puts them into ``pairs`` (``attach_scores``; ``null_scores``
   when there is no scorer)
7. cleanup: the key tables are dropped (after the backend has read the blocking stats)
8. predict: a SELECT of the accepted matches (gamma per comparison, weight, probability, rank)
   for the complaints with $lo <= cid < $hi (backends run it in chunks to bound memory)

Comparisons read both records (aliases ``l``, ``r``) and the pair (alias ``p``: its scores).

The dialect is DuckDB's (list functions, ``lambda x: ...``, FILTER, USING SAMPLE); the structure is
plain SQL, so another engine (Spark SQL) needs a function-name mapping (splink uses sqlglot)
and a Jaro-Winkler UDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clue_miner.link.blocking import BlockingRule, lam
from clue_miner.link.comparisons import Comparison

ITEM_COLUMNS = (("phone", "phones"), ("s_phone", "s_phones"), ("v_phone", "v_phones"), ("masked", "masked"),
                ("s_masked", "s_masked"), ("v_masked", "v_masked"), ("id", "ids"), ("plate", "plates"), ("account", "accounts"), ("offence", "offences"),
                ("family", "families"), ("area", "areas"), ("street", "streets"),
                ("site", "sites"))
NAME_COLUMNS = ("s_full", "s_py", "s_psn", "s_sn", "v_full", "v_py", "v_psn", "v_sn")
SIDES = {"c": "l", "k": "r"}  # table prefix -> alias used by rules and comparisons
# per-pair columns computed by the backend (alias p in comparisons): textsim.TextScorer's
PAIR_SCORES = ("text_sim", "text_gap")


@dataclass(frozen=True)
class LinkSQL:
    prepare: tuple[str, ...]
    keys: tuple[str, ...]
    blocks: str
    prune: tuple[str, ...]
    derive: tuple[str, ...]
    pairs: str
    attach_scores: tuple[str, str, tuple[str, ...]]
    null_scores: str
    block_stats: str
    pair_stats: str
    cleanup: tuple[str, ...]
    predict: str
    rule_names: tuple[str, ...]

    def statements(self) -> list[str]:
        """The statements up to the candidate pairs (pair scores are the backend's next step)."""
        return [*self.prepare, *self.keys, self.blocks, *self.prune, *self.derive, self.pairs]

    def script(self) -> str:
        """Everything as one script, pair scores left NULL (the final statement is the predict
        SELECT); pair tables named by rules must exist."""
        return ";\n\n".join([*self.statements(), self.null_scores, *self.cleanup, self.predict]) + ";\n"


def _num(x: float) -> str:
    return repr(float(x))


def prepare_sql(side: str, ids: tuple[int, int] | None = None, create: bool = True) -> str:
    """``{side}_feat`` from ``{side}_main``, ``{side}_items`` and ``{side}_names``; with ``ids``
    (lo, hi) only the records ``lo <= _id < hi``, created (``create``) or appended: the list
    aggregations hold their state in memory, so a large side is prepared a range at a time."""
    items = ",\n    ".join(
        f"list(DISTINCT value) FILTER (WHERE kind = '{kind}') AS {col}" for kind, col in ITEM_COLUMNS
    )
    name_exprs = []
    for p in ("s", "v"):
        name_exprs += [
            f"list(DISTINCT name) FILTER (WHERE role = '{p}' AND NOT partial) AS {p}_full",
            f"list(DISTINCT py) FILTER (WHERE role = '{p}' AND NOT partial AND py IS NOT NULL) AS {p}_py",
            f"list(DISTINCT surname) FILTER (WHERE role = '{p}' AND partial AND surname IS NOT NULL) AS {p}_psn",
            f"list(DISTINCT surname) FILTER (WHERE role = '{p}' AND surname IS NOT NULL) AS {p}_sn",
        ]
    names = ",\n    ".join(name_exprs)
    lists = ",\n  ".join(
        f"coalesce({col}, []::VARCHAR[]) AS {col}" for col in [c for _, c in ITEM_COLUMNS] + list(NAME_COLUMNS)
    )
    bigrams = (
        "CASE WHEN m.location IS NULL OR length(m.location) < 2 THEN []::VARCHAR[] "
        f"ELSE list_distinct(list_transform(range(1, length(m.location)), {lam('i', 'substr(m.location, i, 2)')})) END"
    )
    where = f" WHERE _id >= {int(ids[0])} AND _id < {int(ids[1])}" if ids is not None else ""
    head = f"CREATE OR REPLACE TABLE {side}_feat AS\n" if create else f"INSERT INTO {side}_feat\n"
    return (
        head
        + f"WITH it AS (\n  SELECT _id,\n    {items}\n  FROM {side}_items{where} GROUP BY _id\n),\n"
        f"nm AS (\n  SELECT _id,\n    {names}\n  FROM {side}_names{where} GROUP BY _id\n)\n"
        f"SELECT m._id, m.ext_id, m.iday, m.rday, m.eday, coalesce(m.iday, m.rday) AS day, m.amount, m.location,\n"
        f"  m.region,\n  {lists},\n"
        f"  {bigrams} AS loc_bigrams\n"
        f"FROM (SELECT * FROM {side}_main{where}) AS m LEFT JOIN it USING (_id) LEFT JOIN nm USING (_id)"
    )


def keys_sql(rules: Sequence[BlockingRule], side: str) -> str:
    """``{side}_keys`` (id, rule_id, key): every key of every rule, one row each."""
    alias = SIDES[side]
    parts = []
    for rule_id, rule in enumerate(rules):
        if rule.pair_table:
            continue
        expr = rule.complaint_keys if side == "c" else rule.case_keys
        parts.append(
            f"  /* rule {rule_id}: {rule.name} */\n"
            f"  SELECT {alias}._id AS id, {rule_id} AS rule_id, unnest({expr}) AS key FROM {side}_feat AS {alias}"
        )
    if not parts:
        parts.append(f"  SELECT {alias}._id AS id, -1 AS rule_id, NULL AS key FROM {side}_feat AS {alias} WHERE FALSE")
    union = "\n  UNION ALL\n".join(parts)
    return (
        f"CREATE OR REPLACE TABLE {side}_keys AS\n"
        f"SELECT DISTINCT id, rule_id, CAST(key AS VARCHAR) AS key FROM (\n{union}\n) WHERE key IS NOT NULL"
    )


def _cap_sql(rules: Sequence[BlockingRule], default_cap: int) -> str:
    overrides = [(i, r.max_block_size) for i, r in enumerate(rules) if r.max_block_size is not None]
    if not overrides:
        return str(int(default_cap))
    whens = " ".join(f"WHEN {i} THEN {int(cap)}" for i, cap in overrides)
    return f"(CASE rule_id {whens} ELSE {int(default_cap)} END)"


def blocks_sql(rules: Sequence[BlockingRule], max_block_size: int) -> str:
    cap = _cap_sql(rules, max_block_size)
    return (
        "CREATE OR REPLACE TABLE block_sizes AS\n"
        f"SELECT rule_id, key, c.n AS n_c, k.n AS n_k, (c.n > {cap} OR k.n > {cap}) AS skipped\n"
        "FROM (SELECT rule_id, key, count(*) AS n FROM c_keys GROUP BY rule_id, key) AS c\n"
        "JOIN (SELECT rule_id, key, count(*) AS n FROM k_keys GROUP BY rule_id, key) AS k USING (rule_id, key)"
    )


def prune_sql(rules: Sequence[BlockingRule]) -> tuple[str, ...]:
    out = []
    for rule_id, rule in enumerate(rules):
        for col in rule.prune:
            for side in ("c", "k"):
                keep = lam("x", "NOT list_contains(s.keys, x)")
                out.append(
                    f"UPDATE {side}_feat SET {col} = list_filter({col}, {keep})\n"
                    f"FROM (SELECT list(key) AS keys FROM block_sizes WHERE skipped AND rule_id = {rule_id}) AS s\n"
                    f"WHERE len(s.keys) > 0 AND list_has_any({side}_feat.{col}, s.keys)"
                )
    return tuple(out)


def phone_masks_expr(col: str = "phones") -> str:
    """Fuzzy-phone keys of each 11-digit mobile: one digit masked (substitution) and two adjacent
    digits replaced by their sorted pair (transposition); two numbers share a key exactly when
    their Damerau-Levenshtein distance is at most 1. Computed once per record, not per pair."""
    sub = lam("i", "substr(x, 1, i - 1) || '*' || substr(x, i + 1)")
    swap = lam("i", "substr(x, 1, i - 1) || '~' || least(x[i], x[i + 1]) || greatest(x[i], x[i + 1]) "
                    "|| substr(x, i + 2)")
    per_phone = lam("x", f"list_concat(list_transform(range(2, 12), {sub}), list_transform(range(2, 11), {swap}))")
    is_mobile = lam("x", "length(x) = 11 AND x[1] = '1'")
    mobiles = f"list_filter({col}, {is_mobile})"
    return f"flatten(list_transform({mobiles}, {per_phone}))"


def derive_sql(side: str) -> str:
    masks = ", ".join(f"{phone_masks_expr(col)} AS {col[:-1]}_masks" for col in ("phones", "s_phones", "v_phones"))
    return f"CREATE OR REPLACE TABLE {side}_feat AS SELECT *, {masks} FROM {side}_feat"


def pairs_sql(rules: Sequence[BlockingRule] = ()) -> str:
    """``pairs``: the pairs of the keyed rules (keys not skipped) and of the pair-table rules,
    one row per (cid, kid) with the bit mask of the rules that found it (one aggregation: DuckDB
    spills it to disk when it outgrows the memory limit)."""
    keyed = (
        "SELECT c.id AS cid, k.id AS kid, CAST(1 AS BIGINT) << c.rule_id AS rules\n"
        "  FROM block_sizes AS b\n"
        "  JOIN c_keys AS c ON c.rule_id = b.rule_id AND c.key = b.key\n"
        "  JOIN k_keys AS k ON k.rule_id = b.rule_id AND k.key = b.key\n"
        "  WHERE NOT b.skipped"
    )
    tables = [f"SELECT cid, kid, CAST(1 AS BIGINT) << {i} AS rules FROM {r.pair_table}  /* rule {i}: {r.name} */"
              for i, r in enumerate(rules) if r.pair_table]
    union = "\n  UNION ALL\n  ".join([keyed, *tables])
    return (
        "CREATE OR REPLACE TABLE pairs AS\n"
        f"SELECT cid, kid, bit_or(rules) AS rules FROM (\n  {union}\n) GROUP BY cid, kid"
    )


def attach_scores_sql(source: str = "pair_scores") -> tuple[str, str, tuple[str, ...]]:
    """(create, insert, finish): an empty ``scored_pairs``; append ``source`` (cid, kid, rules
    and the ``PAIR_SCORES`` columns: one chunk of scored pairs) to it; replace ``pairs`` by it."""
    cols = ", ".join(f"{c} FLOAT" for c in PAIR_SCORES)
    return (f"CREATE OR REPLACE TABLE scored_pairs (cid INTEGER, kid INTEGER, rules BIGINT, {cols})",
            f"INSERT INTO scored_pairs SELECT cid, kid, rules, {', '.join(PAIR_SCORES)} FROM {source}",
            ("DROP TABLE pairs", "ALTER TABLE scored_pairs RENAME TO pairs"))


def null_scores_sql() -> str:
    """``PAIR_SCORES`` columns of NULLs (no scorer: the comparisons that read them are null)."""
    cols = ", ".join(f"CAST(NULL AS FLOAT) AS {c}" for c in PAIR_SCORES)
    return f"CREATE OR REPLACE TABLE pairs AS SELECT cid, kid, rules, {cols} FROM pairs"


def gamma_sql(comparison: Comparison) -> str:
    """CASE over the levels in order: -1 for the null level, else the level's index among the
    non-null levels (the last level is the ELSE)."""
    whens, index = [], 0
    for level in comparison.levels[:-1]:
        if level.is_null:
            whens.append(f"WHEN {level.sql_condition} THEN -1")
        else:
            whens.append(f"WHEN {level.sql_condition} THEN {index}")
            index += 1
    body = "\n      ".join(whens)
    return f"CAST(CASE\n      {body}\n      ELSE {index} END AS TINYINT) AS gamma_{comparison.name}"


def weight_sql(comparisons: Sequence[Comparison], prior_weight: float) -> str:
    terms = [_num(prior_weight)]
    for comp in comparisons:
        whens = " ".join(f"WHEN {i} THEN {_num(lv.weight)}" for i, lv in enumerate(comp.scored_levels))
        terms.append(f"(CASE gamma_{comp.name} {whens} ELSE 0.0 END)")
    return "\n    + ".join(terms)


def gammas_from(comparisons: Sequence[Comparison], columns: str, source: str) -> str:
    gammas = ",\n    ".join(gamma_sql(c) for c in comparisons)
    return f"SELECT {columns},\n    {gammas}\n  FROM {source}"


def predict_sql(comparisons: Sequence[Comparison], *, prior_weight: float, threshold_weight: float,
                max_matches: int, margin_bits: float) -> str:
    gamma_cols = ", ".join(f"gamma_{c.name}" for c in comparisons)
    gammas = gammas_from(
        comparisons, "p.cid, p.kid",
        "pairs AS p JOIN c_feat AS l ON l._id = p.cid JOIN k_feat AS r ON r._id = p.kid\n"
        "  WHERE p.cid >= $lo AND p.cid < $hi",
    )
    return (
        # MATERIALIZED: else DuckDB pushes the weight filter below the projection and evaluates
        # every comparison twice (measured 3x slower).
        f"WITH gammas AS MATERIALIZED (\n  {gammas}\n),\n"
        f"weighted AS (\n  SELECT *,\n    {weight_sql(comparisons, prior_weight)} AS match_weight\n  FROM gammas\n),\n"
        "accepted AS (\n  SELECT *, max(match_weight) OVER (PARTITION BY cid) AS best_weight,\n"
        "    row_number() OVER (PARTITION BY cid ORDER BY match_weight DESC, kid) AS match_rank\n"
        f"  FROM weighted WHERE match_weight >= {_num(threshold_weight)}\n)\n"
        "SELECT cid, kid, match_weight, 1.0 / (1.0 + pow(2.0, -match_weight)) AS match_probability,\n"
        f"  match_rank, {gamma_cols}\n"
        f"FROM accepted\nWHERE match_rank <= {int(max_matches)} AND match_weight >= best_weight - {_num(margin_bits)}\n"
        "ORDER BY cid, match_rank"
    )


def gamma_counts_sql(comparisons: Sequence[Comparison], table: str) -> str:
    """Gamma counts over the pairs of ``table`` (cid, kid and the ``PAIR_SCORES`` columns): random
    pairs for u estimation, known matches for m estimation."""
    return _gamma_counts(
        comparisons, f"{table} AS p JOIN c_feat AS l ON l._id = p.cid JOIN k_feat AS r ON r._id = p.kid"
    )


def _gamma_counts(comparisons: Sequence[Comparison], source: str) -> str:
    gammas = gammas_from(comparisons, "1 AS one", source)
    counts = "\nUNION ALL\n".join(
        f"SELECT '{c.name}' AS comparison, gamma_{c.name} AS gamma, count(*) AS n FROM g GROUP BY gamma_{c.name}"
        for c in comparisons
    )
    return f"WITH g AS (\n  {gammas}\n)\n{counts}"


def rule_stats_sql(n_rules: int) -> tuple[str, str]:
    """(per-rule block stats over ``block_sizes``, per-rule pair counts over ``pairs``)."""
    blocks = (
        "SELECT rule_id, count(*) AS keys, sum(n_c * n_k) AS key_pairs,\n"
        "  count(*) FILTER (WHERE skipped) AS skipped_keys,\n"
        "  coalesce(sum(n_c * n_k) FILTER (WHERE skipped), 0) AS skipped_pairs\n"
        "FROM block_sizes GROUP BY rule_id ORDER BY rule_id"
    )
    cols = ", ".join(f"count(*) FILTER (WHERE (rules >> {i}) & 1 = 1) AS r{i}" for i in range(n_rules))
    return blocks, f"SELECT count(*) AS total{', ' + cols if cols else ''} FROM pairs"


def build_link_sql(rules: Sequence[BlockingRule], comparisons: Sequence[Comparison], *,
                   prior_weight: float, threshold_weight: float, max_matches: int, margin_bits: float,
                   max_block_size: int) -> LinkSQL:
    """All statements of one linking run, from the specs alone (pure; unit-testable as text)."""
    if len(rules) > 62:
        raise ValueError("at most 62 blocking rules (the pair's rules are a 64-bit mask)")
    return LinkSQL(
        prepare=(prepare_sql("c"), prepare_sql("k")),
        keys=(keys_sql(rules, "c"), keys_sql(rules, "k")),
        blocks=blocks_sql(rules, max_block_size),
        prune=prune_sql(rules),
        derive=(derive_sql("c"), derive_sql("k")),
        pairs=pairs_sql(rules),
        attach_scores=attach_scores_sql(),
        null_scores=null_scores_sql(),
        block_stats=rule_stats_sql(len(rules))[0],
        pair_stats=rule_stats_sql(len(rules))[1],
        cleanup=("DROP TABLE c_keys", "DROP TABLE k_keys", "DROP TABLE block_sizes"),
        predict=predict_sql(comparisons, prior_weight=prior_weight, threshold_weight=threshold_weight,
                            max_matches=max_matches, margin_bits=margin_bits),
        rule_names=tuple(r.name for r in rules),
    )
