from __future__ import annotations

import duckdb

from clue_miner.link import LinkSettings, build_link_sql, default_blocking_rules, default_comparisons
from clue_miner.link.blocking import BlockingRule, bucket_own, bucket_window, cross_keys
from clue_miner.link.comparisons import Comparison, ComparisonLevel
from clue_miner.link.splink_model import SplinkModel, our_gamma, splink_comparison, splink_sql
from clue_miner.link.sql import phone_masks_expr, prepare_sql

PHONE = Comparison("phone", (
    ComparisonLevel("null", "len(l.phones) = 0 OR len(r.phones) = 0", is_null=True),
    ComparisonLevel("exact", "list_has_any(l.phones, r.phones)", 0.5, 0.001),
    ComparisonLevel("different", "TRUE", 0.5, 0.999),
))
RULE = BlockingRule("phone", "l.phones", "r.phones", prune=("phones",))


def one(sql: str) -> tuple:  # type: ignore[type-arg]
    return duckdb.sql(sql).fetchall()[0]


def _plan(**kw: object):  # type: ignore[no-untyped-def]
    args = {"max_matches": 3, "margin_bits": 4.0, "max_block_size": 50}
    args.update(kw)
    return build_link_sql([RULE], [PHONE], **args)  # type: ignore[arg-type]


def test_link_sql_tiny_spec_text() -> None:
    plan = _plan()
    c_keys, k_keys = plan.keys
    assert "/* rule 0: phone */" in c_keys and "unnest(l.phones)" in c_keys and "FROM c_feat AS l" in c_keys
    assert "unnest(r.phones)" in k_keys and "FROM k_feat AS r" in k_keys
    assert "(c.n > 50 OR k.n > 50) AS skipped" in plan.blocks
    assert any("UPDATE c_feat SET phones" in s for s in plan.prune)
    c_in, k_in = plan.splink_inputs
    assert "CREATE OR REPLACE TABLE c_in" in c_in and "list(key) FILTER (WHERE rule_id = 0) AS bk_0" in c_in
    assert "WHERE NOT b.skipped" in c_in and "LEFT JOIN c_text" in c_in
    assert "CAST(NULL AS FLOAT) AS text_best" in k_in
    accept = plan.accept_from("preds")
    assert "FROM preds" in accept and "match_rank <= 3" in accept and "best_weight - 4.0" in accept
    assert "gamma_phone, mw_phone" in accept
    assert plan.rule_names == ("phone",)


def test_link_sql_is_pure_and_deterministic() -> None:
    assert _plan().statements() == _plan().statements()
    assert _plan(max_matches=1).accept != _plan().accept


def test_link_sql_default_rules_all_present() -> None:
    settings = LinkSettings()
    rules = default_blocking_rules(settings)
    plan = build_link_sql(rules, default_comparisons(settings), max_matches=3, margin_bits=4.0, max_block_size=200)
    for i, rule in enumerate(rules):
        if rule.pair_table:
            assert f"FROM {rule.pair_table}" in plan.splink_inputs[0] and f"AS bk_{i}" in plan.splink_inputs[1]
        else:
            assert all(f"/* rule {i}: {rule.name} */" in sql for sql in plan.keys)
    for comp in default_comparisons(settings):
        assert f"gamma_{comp.name}, mw_{comp.name}" in plan.accept
    assert {r.name for r in rules} >= {"phone", "id_number", "plate", "full_name", "partial_surname",
                                       "family_area_day", "family_street_week", "phone_typo", "text"}


def test_link_sql_per_rule_block_size() -> None:
    rule = BlockingRule("phone", "l.phones", "r.phones", max_block_size=7)
    plan = build_link_sql([rule], [PHONE], max_matches=1, margin_bits=1.0, max_block_size=99)
    assert "CASE rule_id WHEN 0 THEN 7 ELSE 99 END" in plan.blocks


def test_link_splink_translation() -> None:
    assert splink_sql("list_has_any(l.phones, r.s_phones)") == "list_has_any(phones_l, s_phones_r)"
    lam = "list_filter(l.loc_bigrams, lambda x: list_contains(r.loc_bigrams, x))"
    assert splink_sql(lam) == "list_filter(loc_bigrams_l, lambda x: list_contains(loc_bigrams_r, x))"
    assert splink_sql("p.text_sim >= 0.5") == "clue_text_sim(_id_l, _id_r) >= 0.5"
    gap = splink_sql("p.text_gap >= 0.1")
    assert "text_best_kid_l" in gap and "text_second_l" in gap and "clue_text_sim(_id_l, _id_r) -" in gap
    assert splink_sql("least(x[i], x[i + 1])") == "least(x[i], x[i + 1])"  # lambda variables untouched
    comp = splink_comparison(PHONE)
    levels = comp["comparison_levels"]
    assert levels[0] == {"sql_condition": "len(phones_l) = 0 OR len(phones_r) = 0", "label_for_charts": "null",
                         "is_null_level": True}
    assert levels[1]["m_probability"] == 0.5 and levels[1]["u_probability"] == 0.001
    # Splink numbers the non-null levels strongest = n - 1 ... 0; ours 0 ... n - 1
    assert [our_gamma(PHONE, g) for g in (-1, 1, 0)] == [-1, 0, 1]


def test_link_splink_settings_build() -> None:
    from splink.internals.settings_creator import SettingsCreator

    settings = LinkSettings()
    model = SplinkModel(default_blocking_rules(settings), default_comparisons(settings, 10_000), 5e-5)
    creator = model.settings()
    assert isinstance(creator, SettingsCreator)
    assert creator.link_type == "link_only" and creator.unique_id_column_name == "_id"
    assert len(creator.blocking_rules_to_generate_predictions) == len(model.rules)
    assert model.pair_table_rules() == [len(model.rules) - 1]
    assert model.rule_name("0") == "phone"


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


def test_link_spark_translation_of_every_default_level() -> None:
    from clue_miner.link.splink_model import spark_sql

    assert spark_sql("list_has_any(phones_l, s_phones_r)") == "ARRAYS_OVERLAP(phones_l, s_phones_r)"
    assert spark_sql("len(s_sn_l) = 0") == "SIZE(s_sn_l) = 0"
    nested = spark_sql("len(list_filter(sites_l, lambda x: len(list_filter(sites_r, lambda y: contains(y, x))) > 0)) > 0")
    assert nested == "SIZE(FILTER(sites_l, x -> SIZE(FILTER(sites_r, y -> CONTAINS(y, x))) > 0)) > 0"
    settings = LinkSettings()
    for comp in default_comparisons(settings, 10_000):
        spark = splink_comparison(comp, "spark")
        for level in spark["comparison_levels"]:
            sql = level["sql_condition"]
            # nothing of DuckDB's list dialect, nor sqlglot's string reading of it, is left
            for duck in ("list_has_any", "list_filter", "list_transform", "lambda", "&&", "LENGTH(", "len("):
                assert duck not in sql, (comp.name, level["label_for_charts"], sql)
    fuzzy = [lv for lv in splink_comparison(default_comparisons(settings)[0], "spark")["comparison_levels"]
             if lv["label_for_charts"] == "name_fuzzy"][0]
    assert "JARO_WINKLER(x, y)" in fuzzy["sql_condition"]
