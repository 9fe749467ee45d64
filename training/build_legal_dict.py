"""Build ``clue_miner/knowledge/legal_dict.txt``, the jieba user dictionary of legal terms.

Reads the charge names from ``../shared/data`` (the 【…罪】 names of the Criminal Law and the 202
CAIL charge names of ``charges/accu.txt``) and adds the procedural terms, crime slang and injury
terms listed below. Writes ``word freq pos`` lines, sorted, deterministic. Only names (derived
knowledge) are written, never text of the data files.

Frequencies: the smallest that keeps the word whole in jieba (``suggest_freq``), raised to a
floor per group and never below jieba's own frequency for the word.

Usage: ``python training/build_legal_dict.py [--data ../shared/data] [--out PATH]``
"""

from __future__ import annotations

import argparse
import logging
import re
from pathlib import Path

log = logging.getLogger("build_legal_dict")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "clue_miner" / "knowledge" / "legal_dict.txt"

PROCEDURE = """
派出所 公安局 公安分局 公安机关 刑警大队 刑侦大队 经侦大队 治安大队 禁毒大队 交警大队 网安大队
刑警支队 经侦支队 刑侦支队 反诈中心 110指挥中心 检察院 人民检察院 检察机关 法院 人民法院 纪委
监委 信访局 政法委 司法局 司法所 市场监管局 不予立案 不立案 立案 撤案 撤销案件 受案 受案回执
报警回执 受案登记表 立案决定书 不予立案通知书 立案告知书 报案 报警 接警 出警 立案监督 立案侦查
行政拘留 刑事拘留 治安拘留 取保候审 监视居住 批准逮捕 批捕 移送起诉 审查起诉 不起诉 提起公诉
结案 销案 询问笔录 讯问笔录 治安处罚 行政处罚 治安案件 刑事案件 民事纠纷 经济纠纷 伤情鉴定
司法鉴定 调解 追赃 挽损 止付 冻结账户 行政复议 办案民警 民警 辅警 犯罪嫌疑人 嫌疑人 被害人
受害人 报案人 违法行为人 涉案金额 损失金额 案发地点 简要案情 有案不立 以罚代刑 立而不侦 久侦不结
违法撤案 不作为 踢皮球 12345热线 110接处警 信访 上访 控告 申诉 立案标准 追诉标准 数额较大
数额巨大 数额特别巨大
"""

SLANG = """
刷单 兼职刷单 刷信誉 点赞返利 杀猪盘 套路贷 校园贷 裸贷 裸聊 网贷 网络贷款 714高炮 砍头息 高利贷
放贷 暴力催收 软暴力 冒充客服 冒充公检法 冒充熟人 冒充领导 彩票导师 虚拟货币 数字货币 比特币 泰达币
USDT 资金盘 跑分 跑分平台 洗钱 地下钱庄 两卡 出租银行卡 帮信 卡农 车手 水房 猫池 安全账户
屏幕共享 征信修复 注销校园贷 快递理赔 退款诈骗 电信诈骗 网络诈骗 电信网络诈骗 电诈 网络赌博 网赌
赌博网站 六合彩 地下六合彩 赌球 老虎机 百家乐 聚众赌博 赌资 碰瓷 扒手 扒窃 入户盗窃 盗刷 仙人跳
医托 酒托 婚托 酒驾 醉驾 毒驾 吸毒 贩毒 冰毒 麻古 K粉 摇头丸 海洛因 大麻 笑气 溜冰 容留吸毒 卖淫
嫖娼 招嫖 传销 拉人头 发展下线 入门费 非法集资 非吸 集资诈骗 庞氏 庞氏骗局 P2P 爆雷 暴雷 平台跑路
卷款跑路 原始股 以房养老 养老诈骗 保健品诈骗 黑社会 恶势力 涉黑 涉恶 黑恶势力 保护伞 扫黑除恶
家暴 家庭暴力 性骚扰 偷拍 黑中介 非法行医 假药 地沟油 非法采砂 偷税漏税 虚开发票 骗保 骗取医保
"""

INJURY = """
轻微伤 轻伤 轻伤一级 轻伤二级 重伤 重伤一级 重伤二级 轻伤以上 伤残 伤残等级 一级伤残 二级伤残
三级伤残 四级伤残 五级伤残 六级伤残 七级伤残 八级伤残 九级伤残 十级伤残 法医鉴定 骨折 脑震荡
软组织挫伤 皮外伤 致残 致死
"""

FLOORS = {"charge": 3000, "procedure": 2000, "slang": 2000, "injury": 2000}
TAGS = {"charge": "nz", "procedure": "n", "slang": "nz", "injury": "n"}
_CHARGE_RE = re.compile(r"【([^】]+)】")
_OK_NAME = re.compile(r"^[\u4e00-\u9fff]+$")


def charge_names(data: Path) -> set[str]:
    """Charge names with and without 罪 (those jieba can hold: Chinese characters only)."""
    names: set[str] = set()
    law = data / "statutes" / "criminal_law.txt"
    for bracket in _CHARGE_RE.findall(law.read_text(encoding="utf-8")):
        if not bracket.endswith("罪"):
            continue  # 【…的处罚规定】 and notes
        for name in re.split(r"(?<=罪)、", bracket):
            names.add(name.strip())
    accu = data / "charges" / "accu.txt"
    for line in accu.read_text(encoding="utf-8").splitlines():
        name = re.sub(r"[\[\]]", "", line.strip())
        if name:
            names.add(name + "罪")
    out: set[str] = set()
    for name in names:
        base = name[:-1] if name.endswith("罪") else name
        for word in (name, base):
            if len(word) >= 2 and _OK_NAME.match(word):
                out.add(word)
    return out


def _words(block: str) -> list[str]:
    return [w for w in block.split() if w]


def build(data: Path) -> list[tuple[str, int, str]]:
    groups: dict[str, list[str]] = {
        "charge": sorted(charge_names(data)),
        "procedure": _words(PROCEDURE),
        "slang": _words(SLANG),
        "injury": _words(INJURY),
    }
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
    except ImportError:  # pragma: no cover
        tok = None
    seen: dict[str, tuple[str, int, str]] = {}
    for group, words in groups.items():
        for word in words:
            if word in seen:
                continue
            freq = FLOORS[group]
            if tok is not None:
                freq = max(freq, tok.FREQ.get(word, 0), int(tok.suggest_freq(word, tune=False)) + 1)
            seen[word] = (word, freq, TAGS[group])
    return sorted(seen.values(), key=lambda t: (t[2], t[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = build(args.data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(f"{w} {f} {t}\n" for w, f, t in rows), encoding="utf-8")
    log.info("wrote %d words to %s", len(rows), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
