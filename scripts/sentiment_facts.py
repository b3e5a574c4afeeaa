# ruff: noqa: E501  (phrase lists read best one row per line)
"""More bad facts across product types, delivery, service, price, the host and the room.

Read by gen_sentiment_data.py, like `sentiment_templates.py`: every fact is written into
every frame a viewer uses (stated plainly, after praise it contradicts, inside a question
that complains, after complaint slang) and its worry into the frames that are not negative
(a neutral question before buying, praise that uses negation). Beside them, good facts in
the same vocabulary (the battery lasts, the parcel came the next day), plain and after
praise, and neutral questions and statements about the same things, so that 发货, 退款,
尺码, 味道 or 电池 do not turn a comment negative by themselves, and praise followed by a
fact is sarcasm only when the fact contradicts it.

`fact_combos()` yields (label, category, core, text); `core` is the fact (the good fact,
the question), so the held-out split by core phrase keeps a held-out fact out of training
in every frame. This module holds the frames and writes the rows; the phrase lists are
`sentiment_bad_facts.py` (the bad facts and their worries), `sentiment_good_facts.py` (good
facts and praise) and `sentiment_neutral_lines.py` (neutral questions, statements, chatter).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from sentiment_bad_facts import MORE_FACTS
from sentiment_good_facts import (
    GOOD_FACTS,
    GOOD_FRAMES,
    GOOD_LEADS,
    GOOD_MIRRORS,
    GOOD_PRAISE,
    GOOD_SLANG,
    PRAISE_ENDS,
    PRAISE_LINES,
)
from sentiment_neutral_lines import (
    CHATTER_LINES,
    NEUTRAL_ENDS,
    NEUTRAL_LEADS,
    NEUTRAL_QUESTIONS,
    STATEMENTS,
)
from sentiment_templates import NEGATED_FRAMES, NEUTRAL_FRAMES, PRAISE, QC_FRAMES, SARCASM_FRAMES

# Praise for the aspects the templates have no praise for.
MORE_PRAISE: dict[str, list[str]] = {
    "host": [
        "主播真专业",
        "主播真负责",
        "主播真实诚",
        "主播说话真算数",
        "真是良心主播",
        "主播真贴心",
    ],
    "room": ["福利真多", "活动真给力", "直播间真靠谱", "福利真大方", "秒杀真给力", "运营真用心"],
}

# Complaint questions a viewer puts after a fact (what did you think you were doing?).
MORE_QC_FRAMES = [
    "{fact}，是在逗我吗？",
    "{fact}，你们不心虚吗？",
    "{fact}，客服是不是都下班了？",
    "{fact}，售后是摆设吗？",
    "{fact}，耍人玩呢？",
    "{fact}，什么意思？",
    "{fact}，还有没有人管了？",
    "{fact}，当我们傻吗？",
    "{fact}，这合理吗？",
    "{fact}，良心不会痛吗？",
    "{fact}，说好的呢？",
    "{fact}，能不能给个准话？",
    "{fact}，这就是你们的服务？",
    "{fact}，凭啥呀？",
    "{fact}，你们是怎么做到的？",
    "{fact}，就没人出来说句话吗？",
    "{fact}，是不是觉得我们不会退？",
    "{fact}，开玩笑的吧？",
    "{fact}，这是人干的事吗？",
    "{fact}，我图啥呢？",
    "{fact}，还要我等多久？",
    "{fact}，有没有搞错？",
]
# Praise, then the fact that breaks it.
MORE_SARCASM_FRAMES = [
    "我可真幸运，{fact}",
    "真是良心商家，{fact}",
    "{fact}，真是开眼了",
    "{fact}，可真行",
    "{fact}，我谢谢你们",
    "{fact}，不愧是你们",
    "{fact}，这波操作一绝",
    "{praise}，{fact}，服气",
    "{praise}哦，{fact}",
    "哇塞{praise2}，{fact}",
    "{fact}，这{praise2}我记住了",
    "都说{praise2}，{fact}",
    "不得不说{praise2}，{fact}",
    "好一个{praise2}，{fact}",
]
# Complaint slang a viewer puts beside a bad fact (beside a good fact it reads otherwise).
SLANG_WORDS = [
    "yue了", "yue", "绷不住了", "蚌埠住了", "难绷", "栓Q", "芭比Q了", "寄了", "麻了", "裂开",
    "无语子", "大无语", "我哭死", "离大谱", "抽象", "又被割韭菜", "交学费了", "亏麻了", "踩坑了",
    "拔草了", "劝退", "一生黑", "退退退", "红温了", "气笑了", "心态炸了", "emo了", "服了你们",
    "真有你的", "就离谱", "纯纯的坑", "拉了", "拉垮", "典中典", "小丑竟是我自己", "我是大冤种",
    "白给", "照骗", "卖家秀骗人", "无力吐槽", "我人傻了", "血压上来了", "告辞", "已拉黑",
    "不如去抢", "家人们谁懂啊", "救命", "我真的会谢", "吐了", "呕",
]  # fmt: skip
SLANG_FRAMES = [
    "{fact}，{slang}",
    "{slang}，{fact}",
    "{slang}{slang2}，{fact}",
    "{fact}，{slang}，谁懂",
]
# Neutral questions from a worry, for every aspect (before buying; about a policy).
NEUTRAL_ANY = [
    "会不会{worry}？",
    "如果{worry}能退吗？",
    "{worry}的话怎么办？",
    "万一{worry}包退吗？",
    "有人说会{worry}，是真的吗？",
    "下单前问一下，会{worry}吗？",
    "怕{worry}，有保障吗？",
    "{worry}的话能赔吗？",
    "{worry}的话找谁？",
]
# Praise that uses negation, for aspects that are not worn or used.
NEGATED_ANY = [
    "完全没有{worry}的问题",
    "本来怕{worry}，结果一点没有",
    "担心{worry}，结果多虑了",
    "这次没有{worry}，好评",
    "看评论说{worry}，我这次没遇到",
    "没遇到{worry}，放心买",
]


def fact_combos(rng: random.Random) -> Iterator[tuple[int, str, str, str]]:
    """Yield (label, category, core, text) rows: every fact in every frame, good facts, questions."""
    praise = {**PRAISE, **MORE_PRAISE, "mirror": GOOD_PRAISE}
    qc_frames = QC_FRAMES + MORE_QC_FRAMES
    sarcasm_frames = SARCASM_FRAMES + MORE_SARCASM_FRAMES
    leads = ["", "", "", "收到了，", "刚拆开，", "到手发现", "今天一看", "说实话，", "唉，", "家人们，", "第二次买，", "结果", "打开一看", "昨天到的，"]  # fmt: skip
    for aspect, fact, worry in MORE_FACTS:
        for lead in rng.sample(leads, 3):
            yield 1, "implicit", fact, f"{lead}{fact}"
        for frame in rng.sample(sarcasm_frames, 4):
            p = rng.choice(praise[aspect])
            p2 = p[1:] if p.startswith("真") and len(p) > 2 else p
            yield 1, "sarcasm", fact, frame.format(praise=p, praise2=p2, fact=fact)
        for frame in rng.sample(qc_frames, 4):
            yield 1, "question_complaint", fact, frame.format(fact=fact)
        frame = rng.choice(SLANG_FRAMES)
        slang, slang2 = rng.sample(SLANG_WORDS, 2)
        yield 1, "slang", fact, frame.format(fact=fact, slang=slang, slang2=slang2)
        wear = aspect in ("quality", "look")
        for frame in rng.sample(NEUTRAL_FRAMES if wear else NEUTRAL_ANY, 4):
            yield 0, "question", fact, frame.format(worry=worry)
        for frame in rng.sample(NEGATED_FRAMES if wear else NEGATED_ANY, 3):
            yield 0, "negated", fact, frame.format(worry=worry)
    for aspect, goods in {**GOOD_FACTS, "mirror": GOOD_MIRRORS}.items():
        for good in goods:
            for frame in rng.sample(GOOD_FRAMES, 4):
                text = frame.format(
                    good=good,
                    praise=rng.choice(GOOD_PRAISE + praise[aspect]),
                    lead=rng.choice(GOOD_LEADS),
                    slang=rng.choice(GOOD_SLANG),
                )
                yield 0, "positive", good, text
    for line in PRAISE_LINES:
        for _ in range(3):
            text = f"{rng.choice([*GOOD_LEADS, '', '', ''])}{line}{rng.choice(PRAISE_ENDS)}"
            yield 0, "positive", line, text
    for question in NEUTRAL_QUESTIONS:
        asks = question.endswith(("吗", "么"))  # no 呀 or 呢 after a particle
        ends = ["", "？", "?", "，谢谢"] if asks else NEUTRAL_ENDS
        for _ in range(3):
            text = f"{rng.choice(NEUTRAL_LEADS)}{question}{rng.choice(ends)}"
            yield 0, "question", question, text
    for core in CHATTER_LINES:
        for _ in range(3):
            lead = rng.choice(["", "", "哈哈", "家人们", "主播"])
            yield 0, "chatter", core, f"{lead}{core}{rng.choice(['', '~', '。', '哈哈', '😂'])}"
    for core in STATEMENTS:
        for _ in range(3):
            lead = rng.choice([*NEUTRAL_LEADS[:2], "哈哈", "家人们"])
            yield 0, "chatter", core, f"{lead}{core}{rng.choice(['', '~', '。', '哈哈'])}"
