"""Anonymised places in the board's style (A市A2区, G5县), streets, estates, shops, firms."""

from __future__ import annotations

import random
from dataclasses import dataclass

_CITY_LETTERS = "AAAAAABBCDEFGHJKM"
_ROAD_STEMS = (
    "人民", "解放", "建设", "五一", "芙蓉", "韶山", "劳动", "车站", "雨花", "桂花", "东风", "新民", "枫林",
    "麓山", "远大", "万家丽", "金星", "黄兴", "曙光", "迎宾", "湘府", "潇湘", "银盆", "岳麓", "长沙",
    "开元", "星沙", "天华", "梅溪湖", "洪山", "望城", "含浦", "桐梓坡", "先锋", "红旗", "朝阳",
)
_ROAD_SUFFIX = ("路", "路", "大道", "街", "中路", "北路", "东路")
_ESTATE_STEMS = (
    "金桂", "锦绣", "碧水", "翠湖", "华润", "丽景", "阳光", "东方", "新城", "盛世", "龙湾", "书香",
    "紫薇", "梅溪", "枫林", "银河", "桃源", "星城", "湘江", "御景", "滨江", "凤凰", "和平", "幸福",
    "泰和", "金色", "南湖", "明珠", "香樟", "荷花", "天心", "恒达", "融城", "悦湖", "兴业", "景蓉",
)
_ESTATE_SUFFIX = ("花园", "家园", "小区", "华庭", "苑", "新村", "公寓", "嘉园", "名城", "山庄", "雅苑", "国际")
_SHOP_KINDS = ("烧烤店", "超市", "网吧", "KTV", "茶楼", "棋牌室", "足浴店", "饭店", "奶茶店", "五金店", "手机店", "便利店")
_INDUSTRIES = ("商贸", "贸易", "建筑工程", "装饰工程", "科技", "网络科技", "投资管理", "信息咨询", "物流", "劳务", "实业", "电子商务")
_FIRM_STEMS = ("鑫达", "恒通", "宏远", "瑞丰", "金鼎", "华信", "众诚", "博远", "天成", "汇鑫", "聚富", "安顺", "昌盛", "嘉禾", "中盈", "润发")


@dataclass(slots=True)
class Place:
    city: str
    district: str
    street: str        # 街道 (sub-district)
    road: str
    estate: str
    building: int
    unit: int
    room: int

    @property
    def region(self) -> str:
        return self.city + self.district

    def home(self) -> str:
        return f"{self.estate}{self.building}栋{self.unit}单元{self.room}"

    def police_location(self) -> str:
        return f"{self.city}{self.district}{self.road}{self.estate}"


def _pick(rng: random.Random, seq: tuple[str, ...]) -> str:
    return seq[rng.randrange(len(seq))]


def make_place(rng: random.Random, city: str | None = None, district: str | None = None) -> Place:
    if city is None:
        letter = _pick(rng, tuple(_CITY_LETTERS))
        city = letter + "市"
        k = rng.randrange(1, 10)
        district = f"{letter}{k}{'区' if k <= 6 else '县'}"
    assert district is not None
    road = _pick(rng, _ROAD_STEMS) + _pick(rng, _ROAD_SUFFIX)
    estate = _pick(rng, _ESTATE_STEMS) + _pick(rng, _ESTATE_SUFFIX)
    street = _pick(rng, _ROAD_STEMS) + "街道"
    return Place(city, district, street, road, estate, rng.randrange(1, 30), rng.randrange(1, 6),
                 rng.randrange(1, 33) * 100 + rng.randrange(1, 5))


def near(rng: random.Random, p: Place) -> Place:
    """Another place in the same district (for distractors and neighbours)."""
    return make_place(rng, p.city, p.district)


def where_text(rng: random.Random, p: Place, kind: str = "home") -> str:
    """A location phrase for complaint text."""
    r = rng.random()
    if kind == "street":
        forms = (f"{p.road}{p.estate}门口", f"{p.district}{p.road}", f"{p.road}公交站附近",
                 f"{p.road}和{_pick(rng, _ROAD_STEMS)}路交叉口", f"{p.city}{p.district}{p.road}")
        return forms[rng.randrange(len(forms))]
    if kind == "shop":
        return f"{p.road}{rng.randrange(1, 400)}号的{_pick(rng, _ESTATE_STEMS)}{_pick(rng, _SHOP_KINDS)}"
    if r < 0.3:
        return f"{p.city}{p.district}{p.estate}"
    if r < 0.55:
        return f"{p.district}{p.street}{p.estate}"
    if r < 0.75:
        return f"{p.estate}{p.building}栋"
    if r < 0.9:
        return f"{p.city}{p.district}{p.road}{p.estate}{p.building}栋{p.unit}单元"
    return f"{p.estate}小区" if not p.estate.endswith("小区") else p.estate


def station(rng: random.Random, p: Place) -> str:
    return p.street.replace("街道", "") + "派出所"


def firm(rng: random.Random, p: Place | None = None) -> str:
    head = "西地省" if rng.random() < 0.3 or p is None else p.city
    return f"{head}{_pick(rng, _FIRM_STEMS)}{_pick(rng, _INDUSTRIES)}有限公司"


def shop(rng: random.Random) -> str:
    return _pick(rng, _ESTATE_STEMS) + _pick(rng, _SHOP_KINDS)


def road(rng: random.Random) -> str:
    return _pick(rng, _ROAD_STEMS) + _pick(rng, _ROAD_SUFFIX)


def school(rng: random.Random) -> str:
    return _pick(rng, _ROAD_STEMS) + rng.choice(("小学", "中学", "实验小学", "第一中学", "幼儿园"))
