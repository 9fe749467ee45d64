"""Person names and the many ways complaints refer to people (张某, 老王, 姓刘的, 朱**)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from corpora.synth.ids import make_id, make_phone

SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
    "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
    "莫", "孔", "向", "汤", "欧阳", "易", "文", "伍",
)
_MALE_1 = "伟强军磊洋勇杰涛明超华斌鹏辉刚平波峰亮飞俊凯浩宇鑫林健坤志兵文东军海斌庆荣"
_MALE_2 = (
    "建国", "建华", "志强", "国强", "海涛", "小龙", "文斌", "德明", "春生", "永红", "卫东", "新民",
    "国庆", "红兵", "立新", "振华", "宏伟", "俊杰", "子豪", "浩然", "宇航", "家乐", "少华", "志刚",
    "明辉", "云峰", "长江", "金福", "满仓", "铁柱", "水生", "正阳", "伟民", "光明", "天佑", "晓东",
)
_FEMALE_1 = "芳娟敏静丽艳霞燕玲婷红梅琳雪慧娜颖萍莉琴蓉倩洁兰瑶媛翠凤"
_FEMALE_2 = (
    "秀英", "桂兰", "玉兰", "淑珍", "春梅", "小红", "丽华", "美玲", "晓燕", "雅琴", "海燕", "金凤",
    "冬梅", "秋菊", "子涵", "欣怡", "梦瑶", "雨婷", "佳琪", "诗琪", "思雨", "晓丽", "凤英", "月娥",
    "素芬", "婉婷", "若曦", "一诺", "紫嫣", "巧云", "文静", "慧敏",
)
NICKNAMES = (
    "阿杰", "小雨", "晴天", "Kevin", "木子李", "一路向北", "安安", "浩哥", "Linda", "大鹏", "微笑",
    "静待花开", "老K", "阳光男孩", "唯一", "Mr.Chen", "暖暖", "财富导师李老师", "投资顾问王总",
    "小鱼儿", "海阔天空", "陈先生", "A-张经理", "知足常乐", "雪儿",
)


@dataclass(slots=True)
class Person:
    name: str
    surname: str
    male: bool
    birth: date
    phone: str
    _id: str | None = field(default=None, repr=False)

    def id_number(self, rng: random.Random) -> str:
        if self._id is None:
            self._id = make_id(rng, self.birth, self.male)
        return self._id

    @property
    def age_on(self) -> int:  # age on 2025-01-01, close enough for wording
        return 2025 - self.birth.year


def make_person(rng: random.Random, male: bool | None = None, age: tuple[int, int] = (20, 70)) -> Person:
    if male is None:
        male = rng.random() < 0.55
    surname = SURNAMES[int(rng.random() ** 1.6 * len(SURNAMES))]
    if male:
        given = _MALE_2[rng.randrange(len(_MALE_2))] if rng.random() < 0.55 else _MALE_1[rng.randrange(len(_MALE_1))]
        if len(given) == 1 and rng.random() < 0.5:
            given += _MALE_1[rng.randrange(len(_MALE_1))]
    else:
        given = _FEMALE_2[rng.randrange(len(_FEMALE_2))] if rng.random() < 0.55 else _FEMALE_1[rng.randrange(len(_FEMALE_1))]
        if len(given) == 1 and rng.random() < 0.5:
            given = _FEMALE_1[rng.randrange(len(_FEMALE_1))] + given
    years = rng.randrange(age[0], age[1] + 1)
    birth = date(2025 - years, 1, 1) + timedelta(days=rng.randrange(365))
    return Person(surname + given, surname, male, birth, make_phone(rng))


def masked(rng: random.Random, p: Person) -> str:
    """As an export masks a complainant: 朱**, 朱*国, 朱某某, 朱女士."""
    r = rng.random()
    if r < 0.35:
        return p.surname + "*" * (len(p.name) - len(p.surname))
    if r < 0.55:
        return p.surname + "*" + p.name[-1] if len(p.name) - len(p.surname) >= 2 else p.surname + "*"
    if r < 0.75:
        return p.surname + "某某"
    return p.surname + ("先生" if p.male else "女士")


def refer(rng: random.Random, p: Person, title: str | None = None, full: float = 0.35) -> str:
    """First mention of a suspect in a complaint: full name, partial, title, masked."""
    r = rng.random()
    if r < full:
        return p.name
    r = rng.random()
    if title and r < 0.3:
        return p.surname + title
    if r < 0.45:
        return p.surname + "某"
    if r < 0.55:
        return p.surname + "某某"
    if r < 0.7:
        return ("老" if p.age_on >= 35 else "小") + p.surname if len(p.surname) == 1 else p.surname + "某"
    if r < 0.85:
        return f"一个姓{p.surname}的" + ("男的" if p.male else "女的")
    if r < 0.93:
        return p.surname + "**"
    return f"{p.name}（音）"


def pronoun(p: Person | None) -> str:
    if p is None:
        return "对方"
    return "他" if p.male else "她"


RELATIVES_OF_VICTIM = (
    # (what the writer calls the victim, victim male?, age range, writer is the victim's ...)
    ("我母亲", False, (50, 80), "儿子"), ("我妈", False, (48, 78), "女儿"),
    ("我父亲", True, (50, 82), "儿子"), ("我爸", True, (50, 80), "女儿"),
    ("我爱人", False, (28, 65), "丈夫"), ("我老公", True, (28, 65), "妻子"),
    ("我儿子", True, (18, 35), "父亲"), ("我女儿", False, (18, 33), "母亲"),
    ("我家老人", True, (65, 85), "孙子"), ("我弟弟", True, (20, 45), "哥哥"),
    ("我姐姐", False, (25, 55), "妹妹"), ("我岳父", True, (55, 80), "女婿"),
)
