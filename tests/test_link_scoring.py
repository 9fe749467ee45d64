from __future__ import annotations

import math

import pytest

from clue_miner.errors import ConfigError
from clue_miner.link import DEFAULT_M_U, LinkSettings, default_comparisons
from clue_miner.link.comparisons import Comparison, ComparisonLevel
from clue_miner.link.scoring import explain, match_weight, probability, weight_of


def test_link_scoring_probability_roundtrip() -> None:
    assert probability(0.0) == 0.5
    assert math.isclose(probability(weight_of(0.8)), 0.8)
    assert probability(2000.0) == 1.0 and probability(-2000.0) == 0.0


def test_link_scoring_default_m_sum_to_one() -> None:
    for name, levels in DEFAULT_M_U.items():
        assert math.isclose(sum(m for m, _ in levels.values()), 1.0, abs_tol=1e-9), name
        assert all(0 < u <= 1 for _, u in levels.values()), name


def test_link_scoring_levels_ordered_strongest_first() -> None:
    for comp in default_comparisons(LinkSettings()):
        weights = [lv.weight for lv in comp.scored_levels]
        assert weights[0] == max(weights) and weights[-1] < 0 < weights[0], comp.name
        if comp.name != "date":  # date: received-date levels follow the incident-date ones
            assert weights == sorted(weights, reverse=True), comp.name
        assert [lv.name for lv in comp.scored_levels] == list(DEFAULT_M_U[comp.name]), comp.name


def test_link_scoring_weight_matches_sql_definition() -> None:
    comps = default_comparisons(LinkSettings())
    gammas = {"suspect": 2, "date": 0, "amount": -1}
    expected = -10.0 + math.log2(0.1 / 1e-6) + math.log2(0.22 / 0.003)
    assert math.isclose(match_weight(comps, gammas, -10.0), expected)
    assert explain(comps, gammas) == {"suspect": ("phone", round(math.log2(0.1 / 1e-6), 3)),
                                      "date": ("within_1_day", round(math.log2(0.22 / 0.003), 3))}


def test_link_scoring_settings_prior_and_overrides() -> None:
    s = LinkSettings()
    assert math.isclose(s.prior(100), 0.5 / 10_000)
    assert math.isclose(s.prior(100_000), 0.5 / 100_000)
    assert LinkSettings(prior_match_probability=0.01).prior(10) == 0.01
    custom = LinkSettings(m_u={"suspect": {"phone": (0.5, 0.5)}})
    suspect = default_comparisons(custom)[0]
    assert [lv for lv in suspect.scored_levels if lv.name == "phone"][0].weight == 0.0


@pytest.mark.parametrize("kw", [{"threshold": 1.0}, {"threshold": 0.0}, {"max_matches_per_complaint": 0},
                                {"max_block_size": 0}, {"prior_match_probability": 1.5}])
def test_link_scoring_settings_validation(kw: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        LinkSettings(**kw)  # type: ignore[arg-type]


def test_link_scoring_comparison_validation() -> None:
    with pytest.raises(ConfigError):
        Comparison("x", (ComparisonLevel("a", "TRUE", 0.5, 0.5), ComparisonLevel("b", "TRUE", 0.5, 0.5)))


def test_link_scoring_parameters_from_a_splink_model() -> None:
    from clue_miner.link.splink_model import parameters_from_model

    region = default_comparisons(LinkSettings())[-1]  # region: equal / different
    model = {"comparisons": [{"output_column_name": "region", "comparison_levels": [
        {"label_for_charts": "null", "is_null_level": True},
        {"label_for_charts": "equal", "u_probability": 0.1},
        {"label_for_charts": "different"}]}]}  # Splink could not estimate this level
    new = parameters_from_model([region], model, "u")[0]
    assert [lv.u for lv in new.scored_levels] == [0.1, region.scored_levels[1].u]
    assert parameters_from_model([region], {"comparisons": []}, "m")[0] == region
    assert parameters_from_model([region], model, "u", keep=("region",))[0] == region  # kept as it was


def test_link_scoring_splink_weights_are_the_reference_arithmetic() -> None:
    from clue_miner.link import case_tables, complaint_tables, link_tables
    from clue_miner.link.synthetic import synthesise

    data = synthesise(200, 200, seed=9)
    c, k = complaint_tables(data.complaints, data.extractions), case_tables(data.cases)
    s = LinkSettings(threads=1)
    result = link_tables(c, k, s)
    comps = default_comparisons(s, k.rows)
    by_name = {x.name: x for x in comps}
    assert sum(0.0 < m.score < 1.0 for m in result.matches) >= 50  # scores below saturation are checked
    for m in result.matches:  # Splink's levels and bits = the reference arithmetic (scoring.py)
        gammas = {name: [lv.name for lv in by_name[name].scored_levels].index(level)
                  for name, level in m.comparisons.items()}
        reference = explain(comps, gammas)
        assert reference.keys() == m.weights.keys()
        for name, (level, bits) in reference.items():
            assert level == m.comparisons[name] and math.isclose(m.weights[name], bits, abs_tol=1e-3)
        if 0.0 < m.score < 1.0:
            assert math.isclose(weight_of(m.score), match_weight(comps, gammas, s.prior_weight(k.rows)),
                                rel_tol=1e-6, abs_tol=1e-6)


def test_link_scoring_em_is_optional_and_runs() -> None:
    from clue_miner.link import case_tables, complaint_tables, estimate_m_em_tables
    from clue_miner.link.synthetic import synthesise

    data = synthesise(300, 300, seed=4)
    c, k = complaint_tables(data.complaints, data.extractions), case_tables(data.cases)
    comps = estimate_m_em_tables(c, k, LinkSettings(threads=1))
    defaults = default_comparisons(LinkSettings(), k.rows)
    assert [x.name for x in comps] == [x.name for x in defaults]
    assert comps != defaults  # EM moved some m
    assert all(0 < lv.m <= 1 for x in comps for lv in x.scored_levels)  # type: ignore[operator]


def test_link_scoring_estimate_u_on_synthetic() -> None:
    from clue_miner.link import case_tables, complaint_tables, estimate_u_tables
    from clue_miner.link.synthetic import synthesise

    data = synthesise(400, 400, seed=3)
    c, k = complaint_tables(data.complaints, data.extractions), case_tables(data.cases)
    comps = estimate_u_tables(c, k, LinkSettings(threads=1), max_pairs=40_000)
    defaults = default_comparisons(LinkSettings())
    assert [x.name for x in comps] == [x.name for x in defaults]
    region = comps[-1]
    assert region.scored_levels[0].u != defaults[-1].scored_levels[0].u  # re-estimated
    assert all(0 < lv.u <= 1 for x in comps for lv in x.scored_levels)  # type: ignore[operator]


def test_link_scoring_chunks_do_not_change_results() -> None:
    from dataclasses import replace

    from clue_miner.link import case_tables, complaint_tables, link_tables
    from clue_miner.link.synthetic import synthesise

    data = synthesise(300, 300, seed=5)
    c, k = complaint_tables(data.complaints, data.extractions), case_tables(data.cases)
    one = link_tables(c, k, LinkSettings(threads=1))
    many = link_tables(c, k, replace(LinkSettings(threads=1), chunk_pairs=400))
    assert many.stats["scoring_chunks"] > 1 == one.stats["scoring_chunks"]
    assert [m.to_dict() for m in many.matches] == [m.to_dict() for m in one.matches]


def test_link_scoring_identifier_u_scales_with_table_size() -> None:
    s = LinkSettings()
    totals, names = [], []
    for n in (100, 10_000, 100_000, 1_000_000):
        victim = default_comparisons(s, n)[1]
        levels = {lv.name: lv for lv in victim.scored_levels}
        totals.append(s.prior_weight(n) + levels["phone_and_name"].weight)
        names.append(levels["name_exact"].weight)
    assert max(totals) - min(totals) < 1e-3  # identifier evidence: same posterior at any size
    assert len(set(names)) == 1  # name collisions are chance: not scaled
    assert default_comparisons(s)[1] == default_comparisons(s, 100_000)[1]


def test_link_scoring_settings_mutation_is_validated_at_run() -> None:
    from clue_miner.link import case_tables, complaint_tables, link_tables
    from clue_miner.link.synthetic import synthesise

    s = LinkSettings()
    s.threshold = 0.9  # the way mine.py sets a user's threshold
    data = synthesise(20, 20, seed=1)
    c, k = complaint_tables(data.complaints, data.extractions), case_tables(data.cases)
    assert link_tables(c, k, s).stats["threshold"] == 0.9
    s.threshold = 2.0
    with pytest.raises(ConfigError):
        link_tables(c, k, s)


def test_link_scoring_estimate_m_from_labels() -> None:
    from clue_miner.link import case_tables, complaint_tables, estimate_m_tables
    from clue_miner.link.synthetic import synthesise

    data = synthesise(600, 600, seed=4)
    c, k = complaint_tables(data.complaints, data.extractions), case_tables(data.cases)
    labels = [(cid, kid) for cid, kid in data.truth.items() if kid]
    comps = estimate_m_tables(c, k, labels, LinkSettings(threads=1))
    offence = next(x for x in comps if x.name == "offence")
    assert 0.85 < offence.scored_levels[0].m < 0.97  # copied 8 times in 9 when present, else by chance
    assert estimate_m_tables(c, k, [("nope", "nothing")]) == default_comparisons(LinkSettings(), k.rows)
