from __future__ import annotations

import duckdb

from clue_miner.link import LinkSettings, build_link_sql, default_blocking_rules, default_comparisons
from clue_miner.link.blocking import BlockingRule, bucket_own, bucket_window, cross_keys
from clue_miner.link.comparisons import Comparison, ComparisonLevel
from clue_miner.link.sql import gamma_sql, phone_masks_expr, prepare_sql, weight_sql

PHONE = Comparison("phone", (
    ComparisonLevel("null", "len(l.phones) = 0 OR len(r.phones) = 0", is_null=True),
    ComparisonLevel("exact", "list_has_any(l.phones, r.phones)", 0.5, 0.001),
    ComparisonLevel("different", "TRUE", 0.5, 0.999),
))
RULE = BlockingRule("phone", "l.phones", "r.phones", prune=("phones",))


def one(sql: str) -> tuple:  # type: ignore[type-arg]
    return duckdb.sql(sql).fetchall()[0]


def _plan(**kw: object):  # type: ignore[no-untyped-def]
    args = {"prior_weight": -10.0, "threshold_weight": 2.0, "max_matches": 3, "margin_bits": 4.0,
            "max_block_size": 50}
    args.update(kw)
    return build_link_sql([RULE], [PHONE], **args)  # type: ignore[arg-type]


def test_link_sql_tiny_spec_text() -> None:
    plan = _plan()
    c_keys, k_keys = plan.keys
    assert "/* rule 0: phone */" in c_keys and "unnest(l.phones)" in c_keys and "FROM c_feat AS l" in c_keys
    assert "unnest(r.phones)" in k_keys and "FROM k_feat AS r" in k_keys
    assert "(c.n > 50 OR k.n > 50) AS skipped" in plan.blocks
    assert any("UPDATE c_feat SET phones" in s for s in plan.prune)
    assert "CAST(1 AS BIGINT) << c.rule_id AS rules" in plan.pairs and "bit_or(rules)" in plan.pairs
    assert "WHEN len(l.phones) = 0 OR len(r.phones) = 0 THEN -1" in plan.predict
    assert "WHEN list_has_any(l.phones, r.phones) THEN 0" in plan.predict
    assert "ELSE 1 END AS TINYINT) AS gamma_phone" in plan.predict
    assert "-10.0" in plan.predict and "match_weight >= 2.0" in plan.predict
    assert "match_rank <= 3" in plan.predict and "best_weight - 4.0" in plan.predict
    assert plan.rule_names == ("phone",)
    assert plan.script().count(";") >= len(plan.statements())


def test_link_sql_is_pure_and_deterministic() -> None:
    assert _plan().script() == _plan().script()
    assert _plan(max_matches=1).predict != _plan().predict


def test_link_sql_default_rules_all_present() -> None:
    settings = LinkSettings()
    rules = default_blocking_rules(settings)
    plan = build_link_sql(rules, default_comparisons(settings), prior_weight=-14.0, threshold_weight=2.0,
                          max_matches=3, margin_bits=4.0, max_block_size=200)
    for i, rule in enumerate(rules):
        where = (plan.pairs,) if rule.pair_table else plan.keys
        assert all(f"/* rule {i}: {rule.name} */" in sql for sql in where)
    for comp in default_comparisons(settings):
        assert f"AS gamma_{comp.name}" in plan.predict
    assert {r.name for r in rules} >= {"phone", "id_number", "plate", "full_name", "partial_surname",
                                       "family_area_day", "family_street_week", "phone_typo", "text"}


def test_link_sql_per_rule_block_size() -> None:
    rule = BlockingRule("phone", "l.phones", "r.phones", max_block_size=7)
    plan = build_link_sql([rule], [PHONE], prior_weight=-1.0, threshold_weight=1.0, max_matches=1,
                          margin_bits=1.0, max_block_size=99)
    assert "CASE rule_id WHEN 0 THEN 7 ELSE 99 END" in plan.blocks


def test_link_sql_gamma_and_weight_fragments() -> None:
    assert gamma_sql(PHONE).startswith("CAST(CASE")
    w = weight_sql([PHONE], -3.0)
    assert w.startswith("-3.0") and "CASE gamma_phone WHEN 0 THEN" in w


def test_link_sql_buckets_cover_window() -> None:
    # a day 40 days after the epoch with a 30-day window spans buckets 0..2 of 30 days
    got = one(f"SELECT {bucket_window('d', 30, 30)}, {bucket_own('d', 30)} FROM (SELECT 40 AS d)")
    assert got == ([0, 1, 2], [1])
    empty = one(f"SELECT {bucket_window('d', 3, 7)} FROM (SELECT NULL::INT AS d)")
    assert empty == ([],)


def test_link_sql_cross_keys() -> None:
    expr = cross_keys(["['张', '王']", "['fraud']", "[1, 2]"])
    got = one(f"SELECT {expr}")[0]
    assert sorted(got) == ["张|fraud|1", "张|fraud|2", "王|fraud|1", "王|fraud|2"]
    assert one(f"SELECT {cross_keys(['[]::VARCHAR[]', '[1]'])}")[0] == []


def test_link_sql_phone_masks_match_one_edit() -> None:
    def masks(p: str) -> str:
        return f"(SELECT {phone_masks_expr()} FROM (SELECT ['{p}'] AS phones))"

    def near(a: str, b: str) -> bool:
        return one(f"SELECT list_has_any({masks(a)}, {masks(b)})")[0]

    assert near("13812345678", "13812345679")  # substitution
    assert near("13812345678", "13812345687")  # transposition
    assert not near("13812345678", "13812345699")  # two substitutions
    assert one(f"SELECT len({masks('057187654321')})")[0] == 0  # landlines: no masks


def test_link_sql_prepare_mentions_all_columns() -> None:
    text = prepare_sql("c")
    for col in ("phones", "ids", "plates", "offences", "families", "areas", "streets", "s_full", "s_py",
                "s_psn", "s_sn", "v_full", "loc_bigrams"):
        assert f"AS {col}" in text
