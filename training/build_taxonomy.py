"""Build ``clue_miner/knowledge/charges.json``: the charge taxonomy.

Sources (read from ``../shared/data`` or ``--data DIR``; nothing is copied, only names and
counts are derived):

- ``charges/accu.txt``: the 202 CAIL2018 charge names (canonical for those charges);
- ``statutes/criminal_law.txt``: every article's ``【…罪】`` tags (split on ``;``/``,`` and on
  ``罪、``; tags that name no charge, such as ``【与境外勾结的处罚规定】``, are skipped);
- ``charges/*.jsonl``: CAIL facts, for the old bracket forms (``[走私、贩卖、运输、制造]毒品``) and
  for the article each CAIL charge is tried under;
- ``clue_miner/knowledge/offence_cues.json``: hand-curated cues, aliases, elements, families,
  charges added by amendments after the statute text, statute fix-ups;
- ``clue_miner/knowledge/admin_causes.json``: administrative causes (治安管理处罚法).

``clue_miner/knowledge/offence_patterns.json`` (the pattern cues of ``OffenceRules``) is not merged
into the output; it is checked against it: every pattern must name a known offence of the right
kind, have anchors, and compile; a pattern's ``examples`` must match it, its ``counter`` examples
must not.

Run: ``.venv/bin/python training/build_taxonomy.py [--data DIR] [--out FILE]``. The output is
deterministic (sorted keys) so that a rebuild from the same inputs gives the same bytes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

log = logging.getLogger("build_taxonomy")

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "clue_miner" / "knowledge"
DEFAULT_DATA = ROOT.parent / "shared" / "data"
CAIL_FILES = ("cail2018_sample_train.jsonl", "cail2018_sample_dev.jsonl", "lawbench_cail2018_facts.jsonl")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
ARTICLE_RE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(之[一二三四五六七八九十]+)?[\s\u3000]*【([^】]+)】")


def cn_to_int(text: str) -> int:
    """Chinese numeral (一百零二, 二百六十四, 十) -> int."""
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


def split_tag(tag: str) -> list[str]:
    """``分裂国家罪、煽动分裂国家罪`` -> [分裂国家, 煽动分裂国家]; non-charge tags -> []."""
    names: list[str] = []
    for part in re.split(r"[;；,，]", tag):
        part = re.sub(r"之[一二三四五六七八九十]+$", "", part.strip())
        if not part.endswith("罪"):
            continue
        for piece in part.split("罪、"):
            piece = re.sub(r"罪+$", "", piece.strip())
            if piece:
                names.append(piece)
    return names


def strip_brackets(name: str) -> str:
    return re.sub(r"[\[\]]", "", name).strip()


def expand_brackets(form: str) -> list[str]:
    """``非法[持有、私藏][枪支、弹药]`` -> 非法持有枪支, 非法持有弹药, 非法私藏枪支 …"""
    parts = re.split(r"(\[[^\]]*\])", form)
    if len(parts) == 1:
        return []
    options = [p[1:-1].split("、") if p.startswith("[") else [p] for p in parts if p]
    out = ["".join(combo) for combo in itertools.product(*options)]
    return [o for o in out if o != strip_brackets(form)]


def read_statute(path: Path) -> dict[str, list[tuple[int, int, int]]]:
    """name -> [(article, position of the name in the tag, names in the tag)]."""
    occurrences: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        m = ARTICLE_RE.match(line.strip())
        if not m:
            continue
        article = cn_to_int(m.group(1))
        names = split_tag(m.group(3))
        for pos, name in enumerate(names):
            occurrences[name].append((article, pos, len(names)))
    return occurrences


def read_cail(charges_dir: Path) -> tuple[dict[str, set[str]], dict[str, Counter[int]]]:
    """Bracket forms per canonical name and article counts from single-charge cases."""
    forms: dict[str, set[str]] = defaultdict(set)
    articles: dict[str, Counter[int]] = defaultdict(Counter)
    for fname in CAIL_FILES:
        path = charges_dir / fname
        if not path.exists():
            log.warning("missing %s", path)
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                meta = row.get("meta", row)
                accs = meta.get("accusation") or row.get("charges") or []
                arts = meta.get("relevant_articles") or row.get("articles") or []
                for acc in accs:
                    canon = strip_brackets(acc)
                    if acc != canon:
                        forms[canon].add(acc)
                if len(accs) == 1 and len(arts) == 1:
                    articles[strip_brackets(accs[0])][int(arts[0])] += 1
    return forms, articles


def pick_article(occ: list[tuple[int, int, int]]) -> int:
    # the article whose tag names the charge first and alone wins; ties -> lowest article
    return min(occ, key=lambda o: (o[1], o[2], o[0]))[0]


def family_for(name: str, curated: dict[str, Any], keywords: list[list[str]]) -> str:
    if curated.get("family"):
        return curated["family"]
    for word, fam in keywords:
        if word in name:
            return fam
    return "other"


def build(data: Path, lexicon: dict[str, Any], admin: dict[str, Any]) -> dict[str, Any]:
    accu = [line.strip() for line in (data / "charges" / "accu.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    occurrences = read_statute(data / "statutes" / "criminal_law.txt")
    forms, cail_articles = read_cail(data / "charges")
    fixups: dict[str, str] = lexicon["statute_fixups"]
    supplement: dict[str, dict[str, Any]] = lexicon["supplement"]
    curated: dict[str, dict[str, Any]] = lexicon["charges"]

    names = set(accu) | {n for n in occurrences if n not in fixups} | set(supplement)
    unknown = sorted(set(curated) - names)
    if unknown:
        raise SystemExit(f"curated names that are no charge: {unknown}")
    statute_alias: dict[str, set[str]] = defaultdict(set)
    for src, dst in fixups.items():
        if src in occurrences and src not in accu:
            statute_alias[dst].add(src)

    admin_names = set(admin)
    charges: dict[str, dict[str, Any]] = {}
    for name in sorted(names):
        cur = curated.get(name, {})
        occ = occurrences.get(name, [])
        counts = cail_articles.get(name, Counter())
        article: int | None
        article_ref: str | None
        # CAIL's relevant_articles are noisy in these samples: statute first, CAIL last
        if cur.get("article"):
            article = cur["article"]
        elif occ:
            article = pick_article(occ)
        elif name in supplement:
            article = supplement[name]["article"]
        elif counts:
            article = counts.most_common(1)[0][0]
        else:
            article = None
        article_ref = supplement[name]["article_ref"] if name in supplement else (str(article) if article else None)

        aliases = {name + "罪", name + "案"} | forms.get(name, set()) | statute_alias.get(name, set())
        aliases |= {f + "罪" for f in forms.get(name, set())}
        aliases |= set(cur.get("aliases", []))
        cues = set(cur.get("cues", []))
        for form in forms.get(name, set()):
            cues |= {e for e in expand_brackets(form) if len(e) >= 3}
        aliases = {a for a in aliases if a != name and a not in names and a not in admin_names}
        entry: dict[str, Any] = {
            "kind": "criminal",
            "article": article,
            "article_ref": article_ref,
            "in_cail": name in accu,
            "in_statute": bool(occ),
            "family": family_for(name, cur, lexicon["family_keywords"]),
            "aliases": sorted(aliases),
            "cues": sorted(cues - {name}),
            "medium_cues": sorted(set(cur.get("medium_cues", [])) - cues),
            "weak_cues": sorted(set(cur.get("weak_cues", [])) - cues - set(cur.get("medium_cues", []))),
            "elements": list(cur.get("elements", [])),
            "private_prosecution": name in lexicon["private_prosecution"],
        }
        if cur.get("parent"):
            entry["parent"] = cur["parent"]
        absorbs = set(cur.get("absorbs", [])) | ({cur["parent"]} if cur.get("parent") else set())
        if absorbs:
            entry["absorbs"] = sorted(absorbs)
        if name in lexicon["superseded_by"]:
            entry["superseded_by"] = lexicon["superseded_by"][name]
        if name in supplement:
            entry["source"] = supplement[name]["source"]
        charges[name] = entry

    _dedupe_aliases(charges)
    for name, entry in charges.items():
        bad = [a for a in entry.get("absorbs", []) if a not in charges and a not in admin]
        if bad:
            raise SystemExit(f"{name}: absorbs unknown {bad}")
    admin_out: dict[str, dict[str, Any]] = {}
    for name, cur in sorted(admin.items()):
        for target in cur.get("escalates_to", []):
            if target not in charges:
                raise SystemExit(f"admin cause {name}: unknown escalation {target}")
        aliases = set(cur.get("aliases", [])) | ({name + "案"} if name not in charges else set())
        admin_out[name] = {
            "kind": "administrative",
            "law": cur["law"],
            "article": cur["article"],
            "family": cur.get("family", "other"),
            "escalates_to": list(cur.get("escalates_to", [])),
            "aliases": sorted(a for a in aliases if a != name and a not in charges and a not in admin),
            "cues": sorted(set(cur.get("cues", []))),
            "weak_cues": sorted(set(cur.get("weak_cues", [])) - set(cur.get("cues", []))),
            "elements": list(cur.get("elements", [])),
            "private_prosecution": False,
        }
    return {
        "version": 1,
        "generated_by": "training/build_taxonomy.py",
        "families": lexicon["families"],
        "blockers": sorted(set(lexicon.get("blockers", []))),
        "counts": {
            "charges": len(charges),
            "in_cail": sum(c["in_cail"] for c in charges.values()),
            "in_statute": sum(c["in_statute"] for c in charges.values()),
            "with_cues": sum(bool(c["cues"]) for c in charges.values()),
            "admin_causes": len(admin_out),
        },
        "charges": charges,
        "admin_causes": admin_out,
    }


def _dedupe_aliases(charges: dict[str, dict[str, Any]]) -> None:
    """An alias may name one charge only: keep it where it was curated, else the first name."""
    owner: dict[str, str] = {}
    for name in sorted(charges):
        for alias in charges[name]["aliases"]:
            if alias in owner:
                log.warning("alias %s claimed by %s and %s; kept for %s", alias, owner[alias], name, owner[alias])
                continue
            owner[alias] = name
    for name, entry in charges.items():
        entry["aliases"] = [a for a in entry["aliases"] if owner.get(a) == name]


def check_patterns(taxonomy: dict[str, Any], path: Path) -> list[str]:
    """Problems of the pattern cues against a built taxonomy (empty when all is well)."""
    from clue_miner.extract.offence import expand_macros  # the same macro expansion as at run time

    data = json.loads(path.read_text(encoding="utf-8"))
    defs = data.get("defs", {})
    known = {(n, "criminal") for n in taxonomy["charges"]} | {(n, "administrative") for n in taxonomy["admin_causes"]}
    names = {n for n, _ in known}
    problems: list[str] = []
    seen: set[str] = set()
    for spec in data.get("patterns", []):
        pid = spec.get("id", "?")
        if pid in seen:
            problems.append(f"{pid}: duplicate id")
        seen.add(pid)
        targets = [(spec.get("offence"), spec.get("kind", "criminal"))] if spec.get("weight") else []
        if spec.get("split"):
            below = spec["split"]["below"]
            targets.append((below["offence"], below.get("kind", "criminal")))
        problems += [f"{pid}: unknown offence {t}" for t in targets if t not in known]
        for damp in (spec.get("dampen") or {}, (spec.get("split") or {}).get("below", {}).get("dampen") or {}):
            problems += [f"{pid}: dampens unknown offence {n}" for n in damp if n not in names]
        if not spec.get("weight") and not spec.get("dampen"):
            problems.append(f"{pid}: neither weight nor dampen")
        if not spec.get("anchors"):
            problems.append(f"{pid}: no anchors")
        try:
            regex = re.compile(expand_macros(spec["regex"], defs))
        except (re.error, KeyError, ValueError) as exc:
            problems.append(f"{pid}: bad regex ({exc})")
            continue
        for ex in spec.get("examples", []):
            if not regex.search(ex.lower()):
                problems.append(f"{pid}: example does not match: {ex}")
            elif not any(a.lower() in ex.lower() for a in spec.get("anchors", [])):
                problems.append(f"{pid}: no anchor in example: {ex}")
        problems += [f"{pid}: counter example matches: {ex}" for ex in spec.get("counter", []) if regex.search(ex.lower())]
    return problems


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data directory")
    ap.add_argument("--lexicon", type=Path, default=KNOWLEDGE / "offence_cues.json")
    ap.add_argument("--admin", type=Path, default=KNOWLEDGE / "admin_causes.json")
    ap.add_argument("--out", type=Path, default=KNOWLEDGE / "charges.json")
    ap.add_argument("--patterns", type=Path, default=KNOWLEDGE / "offence_patterns.json",
                    help="pattern cues to check against the built taxonomy")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    lexicon = json.loads(args.lexicon.read_text(encoding="utf-8"))
    admin = json.loads(args.admin.read_text(encoding="utf-8"))["causes"]
    taxonomy = build(args.data, lexicon, admin)
    if args.patterns.exists():
        problems = check_patterns(taxonomy, args.patterns)
        if problems:
            raise SystemExit("offence_patterns.json: " + "; ".join(problems))
    text = json.dumps(taxonomy, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    args.out.write_text(text, encoding="utf-8")
    log.info("wrote %s (%d bytes): %s", args.out, len(text.encode("utf-8")), taxonomy["counts"])


if __name__ == "__main__":
    main()
