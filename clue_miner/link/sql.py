"""Generate the SQL around Splink from the specs, once, as plain text (no connection needed).

Tables the statements expect (registered by a backend): ``c_main``, ``c_items``, ``c_names`` and
``k_main``, ``k_items``, ``k_names`` (see ``features.SideTables``), the pair table of every rule
that names one (``text_pairs``: each complaint's nearest cases) and ``c_text`` (the complaints'
best and second-best text cosines). Statements, in order:

1. prepare: ``c_feat`` / ``k_feat`` — one row per record, list columns aggregated from long form
2. keys: ``c_keys`` / ``k_keys`` (id, rule_id, key) — blocking keys exploded
3. blocks: ``block_sizes`` (rule_id, key, n_c, n_k, skipped) — keys found on both sides; a key
   held by more than the cap on either side is skipped (Splink has no per-key cap)
4. prune: identifier keys that were skipped are removed from the feature lists; then derived
   columns (``phone_masks``, ``s_phone_masks``, ``v_phone_masks``) are added to both feature tables
5. Splink's inputs: ``c_in`` / ``k_in`` — the features plus one key list per rule (``bk_<i>``:
   the keys that pass; Splink explodes and joins them) and the text columns
6. cleanup: the key and feature tables are dropped (after the backend has read the blocking stats)
7. accept (after Splink's ``predict``): per complaint the best matches within the margin

The dialect is DuckDB's (list functions, ``lambda x: ...``, FILTER); the level conditions that
Splink evaluates are translated for Spark by ``splink_model.spark_sql``.
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


@dataclass(frozen=True)
class LinkSQL:
    prepare: tuple[str, ...]
    keys: tuple[str, ...]
    blocks: str
    prune: tuple[str, ...]
    derive: tuple[str, ...]
    splink_inputs: tuple[str, str]
    block_stats: str
    cleanup: tuple[str, ...]
    accept: str  # over "{predictions}": Splink's prediction table
    rules: tuple[BlockingRule, ...]

    @property
    def rule_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.rules)

    def blocking_statements(self) -> list[str]:
        """The statements between the feature tables (``prepare``) and Splink's inputs
        (``splink_inputs``): keys, their caps, pruning and the derived columns."""
        return [*self.keys, self.blocks, *self.prune, *self.derive]

    def statements(self) -> list[str]:
        """All statements up to Splink's input tables (``c_in``, ``k_in``); pair tables named by
        rules and ``c_text`` must exist."""
        return [*self.prepare, *self.blocking_statements(), *self.splink_inputs]

    def accept_from(self, predictions: str) -> str:
        return self.accept.replace("{predictions}", predictions)


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


def splink_input_sql(side: str, rules: Sequence[BlockingRule], ids: tuple[int, int] | None = None,
                     create: bool = True) -> str:
    """``{side}_in``, the table handed to Splink: ``{side}_feat`` plus one key list per rule
    (``bk_<i>``, only the keys found on both sides and not skipped) and the complaint's text
    columns (``c_text``: best / second-best cosine and the best case; NULL on the case side).
    A pair-table rule's keys are the ids of the complaint's listed cases and the case's own id.
    With ``ids`` (lo, hi) only those records, created (``create``) or appended (the key lists are
    aggregated in memory: a large side is built a range at a time, as in ``prepare_sql``)."""
    keyed = [(i, r) for i, r in enumerate(rules) if not r.pair_table]
    cols, joins = [], []
    cond = f"_id >= {int(ids[0])} AND _id < {int(ids[1])}" if ids is not None else "TRUE"
    for i, rule in enumerate(rules):
        if rule.pair_table and side == "c":
            where = cond.replace("_id", "cid")
            joins.append(f" LEFT JOIN (SELECT cid, list(CAST(kid AS VARCHAR)) AS keys FROM {rule.pair_table} "
                         f"WHERE {where} GROUP BY cid) AS tp{i} ON tp{i}.cid = f._id")
            expr = f"coalesce(tp{i}.keys, []::VARCHAR[])"
        elif rule.pair_table:
            expr = "[CAST(f._id AS VARCHAR)]"
        else:
            expr = f"coalesce(kl.bk_{i}, []::VARCHAR[])"
        cols.append(f"{expr} AS bk_{i}")
    lists = ",\n    ".join(f"list(key) FILTER (WHERE rule_id = {i}) AS bk_{i}" for i, _ in keyed) or "NULL AS none"
    if side == "c":
        text = "t.text_best, t.text_second, t.text_best_kid"
        text_join = " LEFT JOIN c_text AS t ON t._id = f._id"
    else:
        text = "CAST(NULL AS FLOAT) AS text_best, CAST(NULL AS FLOAT) AS text_second, CAST(NULL AS INTEGER) AS text_best_kid"
        text_join = ""
    head = f"CREATE OR REPLACE TABLE {side}_in AS\n" if create else f"INSERT INTO {side}_in\n"
    return (
        head
        + f"WITH kl AS (\n  SELECT id,\n    {lists}\n"
        f"  FROM {side}_keys AS k JOIN block_sizes AS b USING (rule_id, key)\n"
        f"  WHERE NOT b.skipped AND {cond.replace('_id', 'id')} GROUP BY id\n)\n"
        f"SELECT f.*,\n  {', '.join(cols)},\n  {text}\n"
        f"FROM (SELECT * FROM {side}_feat WHERE {cond}) AS f LEFT JOIN kl ON kl.id = f._id{text_join}{''.join(joins)}"
    )


def accept_sql(predictions: str, comparisons: Sequence[Comparison], *, max_matches: int, margin_bits: float) -> str:
    """The accepted matches among Splink's predictions (already at or above the threshold): per
    complaint the best ``max_matches`` within ``margin_bits`` of the best, best first."""
    cols = ", ".join(f"gamma_{c.name}, mw_{c.name}" for c in comparisons)
    return (
        "WITH p AS (\n"
        f"  SELECT _id_l AS cid, _id_r AS kid, match_weight, match_probability, match_key, {cols}\n"
        f"  FROM {predictions}\n),\n"
        "ranked AS (\n  SELECT *, max(match_weight) OVER (PARTITION BY cid) AS best_weight,\n"
        "    row_number() OVER (PARTITION BY cid ORDER BY match_weight DESC, kid) AS match_rank\n  FROM p\n)\n"
        "SELECT * EXCLUDE (best_weight) FROM ranked\n"
        f"WHERE match_rank <= {int(max_matches)} AND match_weight >= best_weight - {_num(margin_bits)}\n"
        "ORDER BY cid, match_rank"
    )


def block_stats_sql() -> str:
    """Per rule: keys on both sides, their pairs, and the keys (and pairs) skipped as too common."""
    return (
        "SELECT rule_id, count(*) AS keys, sum(n_c * n_k) AS key_pairs,\n"
        "  count(*) FILTER (WHERE skipped) AS skipped_keys,\n"
        "  coalesce(sum(n_c * n_k) FILTER (WHERE skipped), 0) AS skipped_pairs\n"
        "FROM block_sizes GROUP BY rule_id ORDER BY rule_id"
    )


def build_link_sql(rules: Sequence[BlockingRule], comparisons: Sequence[Comparison], *, max_matches: int,
                   margin_bits: float, max_block_size: int) -> LinkSQL:
    """The statements of one linking run around Splink, from the specs alone (pure; testable as text)."""
    return LinkSQL(
        prepare=(prepare_sql("c"), prepare_sql("k")),
        keys=(keys_sql(rules, "c"), keys_sql(rules, "k")),
        blocks=blocks_sql(rules, max_block_size),
        prune=prune_sql(rules),
        derive=(derive_sql("c"), derive_sql("k")),
        splink_inputs=(splink_input_sql("c", rules), splink_input_sql("k", rules)),
        block_stats=block_stats_sql(),
        cleanup=("DROP TABLE c_keys", "DROP TABLE k_keys", "DROP TABLE block_sizes", "DROP TABLE c_feat",
                 "DROP TABLE k_feat"),
        accept=accept_sql("{predictions}", comparisons, max_matches=max_matches, margin_bits=margin_bits),
        rules=tuple(rules),
    )
