"""Criminal thresholds as data: national defaults, per-province values, user overrides.

The table (``thresholds.csv`` beside this file) has one row per (offence, measure, level,
province). Measures of one offence are alternatives: the facts reach the criminal threshold when
any of them is met. Measures:

- ``amount``  yuan; met when ``facts.amount >= value`` (level 较大 is the criminal line)
- ``times``   number of acts (多次); met when ``facts.times >= value``
- ``flag``    a circumstance that makes the act criminal whatever the amount (入户, 扒窃 …);
              the row's ``level`` is the flag name, met when it is in ``facts.flags``
- ``injury``  the least injury grade that is criminal; met when ``facts.injury`` is as bad or worse
- ``bac``     blood alcohol mg/100ml
- ``hours``   detention hours
- ``people``  number of victims / depositors
- ``any``     the described act is criminal whatever the facts (抢劫, 开设赌场 …)

A user table (same columns) overrides rows with the same key and adds new ones.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from clue_miner.errors import ConfigError
from clue_miner.types import Facts

MEASURES = ("amount", "times", "flag", "injury", "bac", "hours", "people", "records", "any")
INJURY_ORDER = ("轻微伤", "轻伤二级", "轻伤一级", "重伤二级", "重伤一级", "死亡")
_INJURY_ALIASES = {"轻伤": "轻伤二级", "重伤": "重伤二级", "致死": "死亡", "身亡": "死亡"}
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)


def injury_rank(grade: str | None) -> int:
    """Position of an injury grade in INJURY_ORDER; -1 when unknown or None."""
    if not grade:
        return -1
    grade = _INJURY_ALIASES.get(grade, grade)
    try:
        return INJURY_ORDER.index(grade)
    except ValueError:
        return -1


def province_of(region: str | None) -> str | None:
    """The province a region string names (浙江省杭州市 -> 浙江), or None."""
    if not region:
        return None
    region = region.strip()
    for name in PROVINCES:
        if region.startswith(name):
            return name
    return None


@dataclass(frozen=True, slots=True)
class ThresholdRow:
    offence: str
    measure: str
    level: str
    province: str
    value: str
    source: str
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.offence, self.measure, self.level, self.province)

    def number(self) -> float:
        return float(self.value)


@dataclass(frozen=True, slots=True)
class Assessment:
    """Does a set of facts reach the criminal threshold of an offence?

    ``criminal`` is True (met), False (facts known and below every measure) or None (the table
    needs a fact the text does not give, e.g. theft with no amount). ``ratio`` says how far the
    deciding measure is past its line (amount / threshold; 1.0 for flags and ``any``).
    """

    offence: str
    criminal: bool | None
    reasons: tuple[str, ...] = ()
    ratio: float = 0.0
    has_standard: bool = True  # False when the table has no row for this offence


def _fmt_yuan(value: float) -> str:
    if value >= 10000:
        text = f"{value / 10000:.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    return f"{value:g}元"


@dataclass
class Thresholds:
    """The threshold table; ``assess()`` applies it to facts."""

    rows: list[ThresholdRow] = field(default_factory=list)

    @classmethod
    def load(cls, override: str | Path | None = None) -> Thresholds:
        """The shipped table, with the rows of ``override`` (a CSV of the same columns) on top."""
        base = _read_rows(resources.files("clue_miner.knowledge").joinpath("thresholds.csv").read_text("utf-8"))
        if override is None:
            return cls(base)
        path = Path(override)
        if not path.exists():
            raise ConfigError(f"threshold table not found: {path}", code="missing_thresholds")
        extra = _read_rows(path.read_text("utf-8-sig"), origin=str(path))
        merged = {row.key: row for row in base}
        for row in extra:
            merged[row.key] = row
        return cls(list(merged.values()))

    def rows_for(self, offence: str, province: str | None = None) -> list[ThresholdRow]:
        """Rows for an offence, a province's value replacing the national one of the same key."""
        chosen: dict[tuple[str, str], ThresholdRow] = {}
        for row in self.rows:
            if row.offence != offence:
                continue
            if row.province and row.province != province:
                continue
            key = (row.measure, row.level)
            if key not in chosen or row.province:
                chosen[key] = row
        return list(chosen.values())

    def amount_line(self, offence: str, province: str | None = None) -> float | None:
        """The 数额较大 line of an offence in yuan, or None."""
        for row in self.rows_for(offence, province):
            if row.measure == "amount" and row.level == "较大":
                return row.number()
        return None

    def has_standard(self, offence: str) -> bool:
        return any(row.offence == offence for row in self.rows)

    def assess(self, offence: str, facts: Facts, province: str | None = None) -> Assessment:
        rows = [r for r in self.rows_for(offence, province) if r.measure != "amount" or r.level == "较大"]
        if not rows:
            # no line to check the facts against: a supervision clue needs one, so this stays
            # undecided (add a row, with its source, to decide it)
            return Assessment(offence, None, ("本表未列该罪名的立案标准，需人工核实",), has_standard=False)
        missing = False
        below: list[str] = []
        best: Assessment | None = None
        for row in rows:
            met, reason, ratio, known = _check(row, facts, province)
            if met:
                if best is None or ratio > best.ratio:
                    best = Assessment(offence, True, (reason,), ratio=ratio)
            elif known:
                if reason:
                    below.append(reason)
            else:
                missing = True
        if best is not None:
            return best
        if missing and not below:
            return Assessment(offence, None, ("缺少判断所需的事实（如金额、伤情），需核实",))
        if missing:
            return Assessment(offence, None, tuple(below) + ("其他情节未知，需核实",))
        return Assessment(offence, False, tuple(below))


def _where(row: ThresholdRow, province: str | None) -> str:
    return f"{row.province}标准" if row.province else "全国默认标准"


# Counted measures: (Facts attribute, is an untold count known to be absent?, met, below).
_COUNTS: dict[str, tuple[str, bool, str, str]] = {
    "hours": ("detention_hours", False, "非法限制人身自由约{v:g}小时，超过{line:g}小时（{src}）",
              "限制人身自由约{v:g}小时，未达{line:g}小时"),
    "people": ("people", True, "涉及{v}人，达到{line:g}人的标准（{src}）", "涉及{v}人，未达{line:g}人"),
    "records": ("records", False, "涉及公民个人信息约{v}条，达到{line:g}条的标准（{src}）", "涉及个人信息约{v}条，未达{line:g}条"),
}


def _check(row: ThresholdRow, facts: Facts, province: str | None) -> tuple[bool, str, float, bool]:
    """(met, reason, ratio past the line, fact known) for one row."""
    where = _where(row, province)
    m = row.measure
    if m == "any":
        return True, f"{row.offence}不以数额为要件（{row.source}）", 1.0, True
    if m == "flag":
        if row.level in facts.flags:
            return True, f"具有“{row.level}”情节，不论数额即构成犯罪（{row.source}）", 1.0, True
        return False, "", 0.0, True  # a circumstance not described counts as absent
    if m == "amount":
        if facts.amount is None:
            return False, "", 0.0, False
        line = row.number()
        approx = "约" if facts.amount_approx else ""
        if facts.amount >= line:
            return (True, f"涉案金额{approx}{_fmt_yuan(facts.amount)}，达到{row.offence}“数额较大”{_fmt_yuan(line)}"
                    f"（{where}，{row.source}）", facts.amount / line, True)
        return False, f"涉案金额{approx}{_fmt_yuan(facts.amount)}，低于{row.offence}立案标准{_fmt_yuan(line)}（{where}）", \
            facts.amount / line, True
    if m == "times":
        if facts.times is None:
            return False, "", 0.0, True  # one act unless the text says more
        line = row.number()
        if facts.times >= line:
            return True, f"反映{facts.times}次以上作案，符合“多次”{row.offence}（{row.source}）", 1.0, True
        return False, f"作案次数{facts.times}次，未达“多次”标准", facts.times / line, True
    if m == "injury":
        rank = injury_rank(facts.injury)
        if rank < 0:
            return False, "", 0.0, False
        line = injury_rank(row.value)
        if rank >= line:
            if "伤情推定" in facts.flags:
                return (True, f"反映的伤情（骨折等）通常达到{row.value}以上（{row.source}），需伤情鉴定核实",
                        1.0, True)
            return True, f"伤情为{facts.injury}，达到{row.value}以上的入罪标准（{row.source}）", 1.0 + (rank - line) / 4, True
        return False, f"伤情为{facts.injury}，未达{row.value}，属治安案件范围", 0.5, True
    if m == "bac":
        if facts.blood_alcohol is None:
            if "醉驾" in facts.flags:
                return True, "反映醉酒驾驶机动车（需以血液酒精含量鉴定为准）", 1.0, True
            return False, "", 0.0, False
        line = row.number()
        if facts.blood_alcohol >= line:
            return (True, f"血液酒精含量{facts.blood_alcohol:g}mg/100ml，达到醉驾标准{line:g}mg/100ml（{row.source}）",
                    facts.blood_alcohol / line, True)
        return False, f"血液酒精含量{facts.blood_alcohol:g}mg/100ml，未达醉驾标准，属饮酒驾驶", \
            facts.blood_alcohol / line, True
    if m in _COUNTS:
        attr, absent_known, met, below = _COUNTS[m]
        value = getattr(facts, attr)
        if value is None:
            return False, "", 0.0, absent_known
        line = row.number()
        if value >= line:
            return True, met.format(v=value, line=line, src=row.source), value / line, True
        return False, below.format(v=value, line=line), value / line, True
    raise ConfigError(f"unknown threshold measure: {m}", code="bad_threshold")


def _read_rows(text: str, origin: str = "thresholds.csv") -> list[ThresholdRow]:
    reader = csv.DictReader(text.splitlines())
    need = {"offence", "measure", "level", "province", "value", "source"}
    if reader.fieldnames is None or not need <= set(reader.fieldnames):
        raise ConfigError(f"{origin}: threshold table needs columns {sorted(need)}", code="bad_threshold")
    rows = []
    for i, raw in enumerate(reader, start=2):
        row = ThresholdRow(
            offence=(raw["offence"] or "").strip(),
            measure=(raw["measure"] or "").strip(),
            level=(raw["level"] or "").strip(),
            province=(raw["province"] or "").strip(),
            value=(raw["value"] or "").strip(),
            source=(raw["source"] or "").strip(),
            note=(raw.get("note") or "").strip(),
        )
        if not row.offence or row.measure not in MEASURES:
            raise ConfigError(f"{origin} line {i}: bad offence or measure {row.measure!r}", code="bad_threshold")
        if row.measure in ("amount", "times", "bac", "hours", "people", "records"):
            try:
                float(row.value)
            except ValueError as err:
                raise ConfigError(f"{origin} line {i}: value {row.value!r} is not a number",
                                  code="bad_threshold") from err
        if row.measure == "injury" and injury_rank(row.value) < 0:
            raise ConfigError(f"{origin} line {i}: unknown injury grade {row.value!r}", code="bad_threshold")
        rows.append(row)
    return rows


@lru_cache(maxsize=8)
def default_thresholds() -> Thresholds:
    return Thresholds.load()
