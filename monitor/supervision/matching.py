"""Does a reply (a room account's comment, or the host's speech) address a viewer question?

A question's content is its character bigrams and its number/latin tokens ("165", "xl"),
less the asking words every question shares (多少, 什么, 有没有, 主播...). A reply
addresses a question when it @-mentions the asker, when it repeats some of the question's
content, or when it carries an answer word of the question's topic (a price in 元, a size
in 码, 发货 for shipping). Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.detect.normalize import default_normalizer

# Words every question or reply uses whatever it is about: they are not content.
ASKING_WORDS = (
    "请问", "问下", "问一下", "想问", "主播", "宝宝", "姐妹", "家人们", "家人", "亲亲", "小姐姐",
    "多少", "什么", "怎么", "怎样", "有没有", "能不能", "可不可以", "可以", "是不是", "会不会",
    "这个", "那个", "这款", "一下", "一个", "我们", "你们", "大家", "啊", "吗", "呢", "吧", "呀",
    "么", "嘛", "哦", "的", "了", "是", "有", "在", "我", "你", "这", "那", "哪", "几", "啥", "咋",
)  # fmt: skip
# Words an answer about a topic carries even when it repeats nothing of the question.
ANSWER_WORDS: dict[str, tuple[str, ...]] = {
    "price": ("元", "块", "¥", "到手价", "价格", "原价", "售价", "一件", "只要", "价"),
    "discount": ("券", "优惠", "满减", "折", "赠", "送", "活动", "福利", "减", "红包", "返"),
    "size": ("码", "尺码", "身高", "斤", "cm", "厘米", "偏大", "偏小", "正码", "均码", "ml"),
    "stock": ("库存", "有货", "补货", "现货", "预售", "上架", "链接", "还有", "没货", "单"),
    "shipping": ("发货", "快递", "包邮", "顺丰", "物流", "到货", "小时内", "天内", "寄", "运费"),
    "after_sales": ("退", "换", "售后", "运费险", "七天", "7天", "质保", "保修", "客服", "补发"),
    "usage": ("用法", "使用", "每天", "早晚", "步骤", "先", "涂", "洗", "泡", "煮", "用"),
    "product": ("材质", "面料", "成分", "产地", "品牌", "正品", "纯棉", "羊毛", "保质期", "型号"),
}  # fmt: skip
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[a-z]+")
_MENTION = re.compile(r"@\s*([^\s@,，:：]{1,40})")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True, slots=True)
class Content:
    """What a text is about: bigrams of its Chinese runs and its number/latin tokens."""

    grams: frozenset[str]
    tokens: frozenset[str]


def fold(text: str) -> str:
    """Return the text folded (simplified, lower case, full-width to half-width)."""
    return default_normalizer().base(text)


def _strip_asking(text: str) -> str:
    for word in ASKING_WORDS:
        if word in text:
            text = text.replace(word, " ")
    return text


def content(text: str) -> Content:
    """Return the content of a text, its asking words left out."""
    folded = _strip_asking(fold(text))
    grams: set[str] = set()
    for run in _HAN.findall(folded):
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return Content(frozenset(grams), frozenset(_TOKEN.findall(folded)))


def mentions(text: str) -> list[str]:
    """Return the names @-mentioned in a reply ("@观众101 179元" -> ["观众101"])."""
    return [m.group(1) for m in _MENTION.finditer(text)]


def answer_words(text: str, topic: str) -> list[str]:
    """Return the answer words of `topic` that the (folded) text carries."""
    folded = fold(text)
    return [w for w in ANSWER_WORDS.get(topic, ()) if w in folded]


def overlap(question: Content, reply: Content) -> int:
    """Return how much content a reply repeats of a question (bigrams + tokens)."""
    return len(question.grams & reply.grams) + len(question.tokens & reply.tokens)


def addresses(
    question: Content, topic: str, reply_text: str, reply: Content, *, strict: bool = False
) -> bool:
    """Return True when a reply without a mention addresses the question.

    Loose (a room account's typed reply): two repeated bigrams or tokens ("165穿什么码" /
    "165的宝宝穿M" repeats 16, 65 and 165), or an answer word of the question's topic.
    Strict (the host's speech, which talks about everything): an answer word of the topic
    and some repeated content (or a question with no content besides its topic).
    """
    shared = overlap(question, reply)
    has_answer = bool(answer_words(reply_text, topic))
    if strict:
        return has_answer and (shared >= 1 or not (question.grams or question.tokens))
    return shared >= 2 or has_answer
