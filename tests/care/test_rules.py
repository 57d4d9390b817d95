"""The knowledge base's word splitting and the ranking arithmetic, without a database."""
from __future__ import annotations

from warehouse.care import rules


def test_a_chinese_run_gives_characters_bigrams_and_pinyin_initial_bigrams():
    assert rules.tokens("压缩机") == {"压", "缩", "机", "压缩", "缩机", "p:ys", "p:sj"}
    assert rules.tokens("KFR-35GW 漏水") == {"w:kfr", "w:35gw", "漏", "水", "漏水", "p:ls"}
    assert rules.tokens(None, "") == set()


def test_query_terms_ask_for_every_bigram_or_a_word_prefix_or_pinyin():
    assert rules.query_terms("压缩机 KFR") == [{"all": ["压缩", "缩机"]},
                                             {"prefix": "w:kfr", "pinyin": ["p:fr", "p:kf"]}]
    assert rules.query_terms("机") == [{"all": ["机"]}]
    assert rules.query_terms("35") == [{"prefix": "w:35", "pinyin": None}]   # digits are no pinyin
    assert rules.query_terms("y") == [{"prefix": "w:y", "pinyin": None}]     # one letter: a word prefix only
    assert rules.query_terms("，。") == []


def test_description_tokens_leave_out_single_characters_and_pinyin():
    assert rules.description_tokens("压缩机不启动") == ["不启", "压缩", "启动", "机不", "缩机"]
    assert len(rules.description_tokens("的" * 1000 + "".join(chr(0x4e00 + i) for i in 1000 * [0] + list(range(400))))) \
        == rules.MAX_QUERY_TOKENS


def test_competition_ranking_shares_places_and_leaves_gaps():
    rows = [{"s": "C", "rate": 0.6}, {"s": "A", "rate": 0.85}, {"s": "B", "rate": 0.85}, {"s": "D", "rate": None}]
    assert [(r["s"], r["rank"]) for r in rules.rank(rows)] == [("A", 1), ("B", 1), ("C", 3), ("D", None)]
    assert rules.ratio(2, 3) == 0.6667 and rules.ratio(0, 0) is None
    assert rules.compliant(8, 8) and not rules.compliant(7, 8)
