"""Link complaints to police case records with Splink: our blocking rules and comparisons are
specs (``blocking``, ``comparisons``, ``settings``) turned into a Splink model (``splink_model``)
that Splink's DuckDB backend (``duckdb_backend``) or Spark backend (``spark_backend``) runs over
the feature tables we build (``features``, ``case_features``, ``textsim``).

    from clue_miner.link import link, link_frames, LinkSettings
    matches = link(complaints, extractions, cases_frame)            # list[Match]
    matches = link_by_incident(complaints, extractions, cases_frame)  # … incidents linked on their own
    result = link_frames(complaints, extractions, cases_frame)      # LinkResult(matches, stats)
"""

from __future__ import annotations

from clue_miner.link.blocking import BlockingRule, default_blocking_rules
from clue_miner.link.case_features import case_tables
from clue_miner.link.comparisons import Comparison, ComparisonLevel, default_comparisons
from clue_miner.link.features import SideTables, complaint_tables
from clue_miner.link.incidents import IncidentUnit, incident_units, link_by_incident, unit_extraction
from clue_miner.link.linker import (
    LinkResult,
    estimate_m_em_tables,
    estimate_m_tables,
    estimate_u,
    estimate_u_tables,
    link,
    link_frames,
    link_tables,
)
from clue_miner.link.names import regex_summary_extractor
from clue_miner.link.settings import DEFAULT_M_U, LinkSettings
from clue_miner.link.splink_model import SplinkModel
from clue_miner.link.sql import LinkSQL, build_link_sql

__all__ = [
    "DEFAULT_M_U",
    "BlockingRule",
    "Comparison",
    "ComparisonLevel",
    "IncidentUnit",
    "LinkResult",
    "LinkSQL",
    "LinkSettings",
    "SideTables",
    "SplinkModel",
    "build_link_sql",
    "case_tables",
    "complaint_tables",
    "default_blocking_rules",
    "default_comparisons",
    "estimate_m_em_tables",
    "estimate_m_tables",
    "estimate_u",
    "estimate_u_tables",
    "incident_units",
    "link",
    "link_by_incident",
    "link_frames",
    "link_tables",
    "regex_summary_extractor",
    "unit_extraction",
]
