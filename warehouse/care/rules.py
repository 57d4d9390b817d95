"""Pure decisions of customer care: bounds, the knowledge base's word splitting, score arithmetic, rankings."""
from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from warehouse.service.rules import rate

# --- bounds ---------------------------------------------------------------------------------------------------------
TITLE_LEN = 200
TEXT_LEN = 4000          # symptom, cause, solution, notes, comments
MODEL_LEN = 40           # as warranty's unit.model
CODE_LEN = 32
ITEM_LEN = 200
MAX_ITEMS = 50
MAX_ITEM_SCORE = 100
MAX_ACTIONS = 20
QUERY_LEN = 100
SUGGESTIONS = 5
MIN_SUGGEST_MATCH = 2    # a suggested entry shares at least this many bigrams/words with the ticket's description

KB_STATES = ("draft", "in_review", "published")
TARGETS = ("dealer", "station")          # what an inspection scores
CHECK_KINDS = ("call", "visit")          # what a service check scores
CHECKLIST_TARGETS = TARGETS + CHECK_KINDS
ACTION_STATES = ("open", "closed")

# --- the knowledge base's words -------------------------------------------------------------------------------------
# Chinese has no spaces and PostgreSQL no Chinese parser: a text is cut into runs of Han characters and runs of ASCII
# letters/digits. A Han run gives its characters and its character bigrams (压缩机 → 压 缩 机 压缩 缩机) and the bigrams
# of its pinyin initials (ysj → p:ys p:sj); an ASCII run gives the lower-case word (KFR-35GW → w:kfr w:35gw). Any
# Chinese substring of two or more characters is then found as "all its bigrams present", whatever the word
# boundaries, on SQLite and PostgreSQL alike from one B-tree index (care_kb_token's primary key).
_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([0-9A-Za-z]+)")
TOKEN_LEN = 24
WORD_LEN = TOKEN_LEN - 2
MAX_QUERY_TOKENS = 300


def _runs(text: str):
    for m in _RUN.finditer(text or ""):
        if m.group(1):
            yield "han", m.group(1)
        else:
            yield "word", m.group(2).lower()[:WORD_LEN]


def han_initials(run: str) -> str:
    """压缩机 → ysj: one letter per character ('?' where a character has no pinyin)."""
    out = []
    for ch, syl in zip(run, lazy_pinyin(run, style=Style.FIRST_LETTER, errors=lambda s: ["?"] * len(s))):
        letter = syl[:1].lower()
        out.append(letter if letter.isascii() and letter.isalpha() else "?")
    return "".join(out)


def bigrams(s: str) -> list[str]:
    return [s[i:i + 2] for i in range(len(s) - 1)]


def tokens(*texts: str | None) -> set[str]:
    """The index tokens of an entry's texts."""
    out: set[str] = set()
    for text in texts:
        for kind, run in _runs(text or ""):
            if kind == "word":
                out.add("w:" + run)
                continue
            out.update(run)
            out.update(bigrams(run))
            out.update("p:" + b for b in bigrams(han_initials(run)) if "?" not in b)
    return out


def query_terms(q: str) -> list[dict]:
    """What a search asks for, term by term; an entry matches when it matches every term:
    - a Han run: all of its bigrams (its single character when it has one);
    - an ASCII run: a word starting with it, or — letters only, two or more — all bigrams of it as pinyin initials."""
    terms = []
    for kind, run in _runs(q):
        if kind == "han":
            terms.append({"all": sorted(set(bigrams(run))) or [run]})
        else:
            pinyin = sorted({"p:" + b for b in bigrams(run)}) if run.isalpha() and len(run) >= 2 else None
            terms.append({"prefix": "w:" + run, "pinyin": pinyin})
    return terms


def description_tokens(text: str | None) -> list[str]:
    """The tokens a ticket's description offers for suggestions: Han bigrams and words (single characters and pinyin
    would match almost everything), at most MAX_QUERY_TOKENS."""
    out: list[str] = []
    for kind, run in _runs(text or ""):
        out.extend(["w:" + run] if kind == "word" else bigrams(run))
    return sorted(set(out))[:MAX_QUERY_TOKENS]


def title_hits(title: str, q: str) -> int:
    """How many of the query's runs appear in a title (to put the closest entries first)."""
    low = (title or "").lower()
    return sum(1 for _kind, run in _runs(q) if run in low)


# --- scores ---------------------------------------------------------------------------------------------------------
# A rate is the field-service KPIs' one (a fraction 0–1 rounded to 4 places, None on an empty denominator).
ratio = rate


def compliant(score: int, pass_score: int) -> bool:
    return score >= pass_score


def rank(rows: list[dict], key: str = "rate") -> list[dict]:
    """Competition ranking (1, 2, 2, 4) by `key` descending; rows without a value come last, unranked."""
    scored = sorted((r for r in rows if r[key] is not None), key=lambda r: -r[key])
    last, place = None, 0
    for i, r in enumerate(scored, start=1):
        if r[key] != last:
            place, last = i, r[key]
        r["rank"] = place
    rest = [dict(r, rank=None) for r in rows if r[key] is None]
    return scored + rest
